using CaseFlow.Core.Security;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Delivery;

public sealed record Subscription(Guid Id, Guid HostPartyId, string Channel, string Target, string Mode, bool Paused = false, bool HasSecret = false);

/// <summary>A delivery claimed under a lease: only the holder of <see cref="LeaseToken"/> can record its outcome.</summary>
/// <param name="Binding">Where the subscription sends, bound under the secrets key (<see cref="Outbox.Address"/>); null for a row CaseFlow never bound.</param>
/// <param name="PayloadMac">What is sent, bound under the blind-index key (<see cref="Outbox.PayloadFact"/>); null for a delivery CaseFlow never wrote.</param>
public sealed record DeliveryRow(Guid Id, Guid SubscriptionId, Guid HostPartyId, string Kind, string Channel, string Target, byte[]? SealedSecret, string Payload, int Attempts,
    Guid LeaseToken, byte[]? Binding, byte[]? PayloadMac = null);

public sealed record DeliveryView(Guid Id, Guid SubscriptionId, Guid? AlertId, string Kind, string State, int Attempts, DateTimeOffset NextAttemptAt, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt);

/// <summary>
/// The owner of the <c>subscriptions</c> and <c>deliveries</c> tables (the transactional outbox): who wants alerts where, and every
/// message owed to them with its state (pending, failed, dead, delivered, cancelled), attempts, next attempt and lease. Delivery ids are
/// derived from subscription and alert (or digest date), so writing one twice adds nothing. Nothing here holds a transaction open:
/// each method is one short statement.
/// </summary>
public static partial class Outbox
{
    private const string Live = "s.deleted_at IS NULL";

    /// <summary>
    /// For the alert append's batch: one delivery per live "each" subscription of each alert's host party (paused ones too: they wait),
    /// its payload <see cref="AlertEnvelope"/> around the alert's JSON as given, with the alert's <paramref name="macs"/> (ADR 27).
    /// </summary>
    public static NpgsqlBatchCommand EnqueueAlerts(Guid[] hostParties, Guid[] alertIds, string[] alertJson, byte[][] macs)
    {
        var command = new NpgsqlBatchCommand($"""
            INSERT INTO deliveries (id, subscription_id, alert_id, kind, payload, payload_mac, next_attempt_at, created_at)
            SELECT md5(s.id::text || '|' || u.alert::text)::uuid, s.id, u.alert, 'alert',
                   '{EnvelopeHead}' || md5(s.id::text || '|' || u.alert::text)::uuid::text || '{EnvelopeMiddle}' || u.body || '{EnvelopeTail}', u.mac, '-infinity', now()
            FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bytea[]) AS u(host, alert, body, mac)
            JOIN subscriptions s ON s.host_party_id = u.host AND s.mode = 'each' AND {Live}
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.Add(new() { Value = hostParties });
        command.Parameters.Add(new() { Value = alertIds });
        command.Parameters.Add(new() { Value = alertJson });
        command.Parameters.Add(new() { Value = macs });
        return command;
    }

    private const string EnvelopeHead = "{\"deliveryId\":\"", EnvelopeMiddle = "\",\"alert\":", EnvelopeTail = "}";

    /// <summary>An alert delivery's payload: <c>{"deliveryId":"...","alert":{...}}</c>, the alert's JSON as CaseFlow wrote it.</summary>
    public static string AlertEnvelope(Guid deliveryId, string alertJson) => $"{EnvelopeHead}{deliveryId:D}{EnvelopeMiddle}{alertJson}{EnvelopeTail}";

    /// <summary>The alert's JSON inside <paramref name="payload"/> when it is <see cref="AlertEnvelope"/> of <paramref name="deliveryId"/>; else null.</summary>
    public static string? AlertJson(Guid deliveryId, string payload)
    {
        var head = $"{EnvelopeHead}{deliveryId:D}{EnvelopeMiddle}";
        return payload.Length >= head.Length + EnvelopeTail.Length && payload.StartsWith(head, StringComparison.Ordinal) && payload.EndsWith(EnvelopeTail, StringComparison.Ordinal)
            ? payload[head.Length..^EnvelopeTail.Length] : null;
    }

    /// <summary>What a delivery's MAC covers (ADR 27): the host party it is for, its kind, and its body as CaseFlow wrote it (an alert's JSON, a digest's text).</summary>
    public static string PayloadFact(Guid hostParty, string kind, string body) => $"{hostParty:D}\n{kind}\n{body}";

    /// <summary>A digest delivery for <paramref name="date"/> (its id derived from subscription and date: a second call adds nothing), bound to its host party.</summary>
    public static async Task<int> EnqueueDigestAsync(NpgsqlDataSource db, KeyRing keys, Subscription subscription, LocalDate date, string body, CancellationToken ct)
    {
        await using var insert = db.CreateCommand("""
            INSERT INTO deliveries (id, subscription_id, alert_id, kind, payload, payload_mac, next_attempt_at, created_at)
            VALUES (md5($1::text || '|digest|' || $2::text)::uuid, $1, NULL, 'digest', $3, $4, '-infinity', now())
            ON CONFLICT (id) DO NOTHING
            """);
        insert.Parameters.Add(new() { Value = subscription.Id });
        insert.Parameters.Add(new() { Value = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        insert.Parameters.Add(new() { Value = body });
        insert.Parameters.Add(new() { Value = keys.BindPayload(PayloadFact(subscription.HostPartyId, "digest", body)) });
        return await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> due deliveries for <paramref name="node"/> until <paramref name="leaseUntil"/>, in one
    /// statement: each live, unpaused subscription not in <paramref name="busy"/> offers its earliest <paramref name="perSubscription"/>
    /// due deliveries, and host parties take turns (first each one's earliest, then each one's second, ...), so a host party with a
    /// backlog or a dead target cannot crowd out another's. A delivery leased by another node is taken only once its lease expired;
    /// two nodes claiming at once never get the same delivery (the update re-checks the lease on the locked row).
    /// </summary>
    public static async Task<IReadOnlyList<DeliveryRow>> ClaimAsync(NpgsqlDataSource db, string node, Instant now, Instant leaseUntil, int limit, int perSubscription,
        IReadOnlyCollection<Guid> busy, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"""
            WITH offered AS (
                SELECT q.id, s.host_party_id, q.next_attempt_at, q.created_at
                FROM subscriptions s
                CROSS JOIN LATERAL (
                    SELECT d.id, d.next_attempt_at, d.created_at FROM deliveries d
                    WHERE d.subscription_id = s.id AND d.state IN ('pending', 'failed') AND d.next_attempt_at <= $1
                      AND (d.leased_until IS NULL OR d.leased_until <= $1)
                    ORDER BY d.next_attempt_at, d.created_at LIMIT $5) q
                WHERE {Live} AND NOT s.paused AND NOT (s.id = ANY($6))),
            picked AS (
                SELECT id FROM (SELECT id, next_attempt_at, row_number() OVER (PARTITION BY host_party_id ORDER BY next_attempt_at, created_at) AS turn FROM offered) o
                ORDER BY turn, next_attempt_at LIMIT $4)
            UPDATE deliveries d SET leased_by = $2, leased_until = $3, lease_token = gen_random_uuid()
            FROM picked p, subscriptions s
            WHERE d.id = p.id AND s.id = d.subscription_id AND d.state IN ('pending', 'failed') AND (d.leased_until IS NULL OR d.leased_until <= $1)
            RETURNING d.id, d.subscription_id, s.host_party_id, d.kind, s.channel, s.target, s.secret_sealed, d.payload, d.attempts, d.lease_token, s.binding, d.payload_mac
            """);
        command.Parameters.Add(new() { Value = now.ToDateTimeUtc() });
        command.Parameters.Add(new() { Value = node });
        command.Parameters.Add(new() { Value = leaseUntil.ToDateTimeUtc() });
        command.Parameters.Add(new() { Value = limit });
        command.Parameters.Add(new() { Value = perSubscription });
        command.Parameters.Add(new() { Value = busy.ToArray() });
        var rows = new List<DeliveryRow>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
            rows.Add(new DeliveryRow(row.GetGuid(0), row.GetGuid(1), row.GetGuid(2), row.GetString(3), row.GetString(4), row.GetString(5),
                row.IsDBNull(6) ? null : (byte[])row[6], row.GetString(7), row.GetInt32(8), row.GetGuid(9), row.IsDBNull(10) ? null : (byte[])row[10],
                row.IsDBNull(11) ? null : (byte[])row[11]));
        return rows;
    }

    /// <summary>
    /// Records an attempt's outcome, and ends the lease, if <paramref name="leaseToken"/> still holds it: false when the lease expired
    /// and another node took the delivery over (its outcome is the one that counts).
    /// </summary>
    public static async Task<bool> CompleteAsync(NpgsqlDataSource db, Guid id, Guid leaseToken, string state, int attempts, string? error, Instant nextAttempt, Instant now,
        CancellationToken ct)
    {
        await using var update = db.CreateCommand("""
            UPDATE deliveries SET state = $3, attempts = $4, last_error = $5, next_attempt_at = $6, leased_by = NULL, leased_until = NULL, lease_token = NULL,
                   delivered_at = CASE WHEN $3 = 'delivered' THEN $7 ELSE delivered_at END
            WHERE id = $1 AND lease_token = $2
            """);
        update.Parameters.Add(new() { Value = id });
        update.Parameters.Add(new() { Value = leaseToken });
        update.Parameters.Add(new() { Value = state });
        update.Parameters.Add(new() { Value = attempts });
        update.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        update.Parameters.Add(new() { Value = nextAttempt.ToDateTimeUtc() });
        update.Parameters.Add(new() { Value = now.ToDateTimeUtc() });
        return await update.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Ops: send a delivery again (dead, failed, cancelled or even delivered), now: the delivery as it now is, or null when there is none.</summary>
    public static async Task<DeliveryView?> RedeliverAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"""
            UPDATE deliveries SET state = 'pending', attempts = 0, last_error = NULL, next_attempt_at = '-infinity', leased_by = NULL, leased_until = NULL, lease_token = NULL
            WHERE id = $1 RETURNING {ViewColumns}
            """);
        command.Parameters.Add(new() { Value = id });
        await using var row = await command.ExecuteReaderAsync(ct);
        return await row.ReadAsync(ct) ? View(row) : null;
    }

    private const string ViewColumns = "id, subscription_id, alert_id, kind, state, attempts, next_attempt_at, last_error, created_at, delivered_at";

    private static DeliveryView View(NpgsqlDataReader row) =>
        new(row.GetGuid(0), row.GetGuid(1), row.IsDBNull(2) ? null : row.GetGuid(2), row.GetString(3), row.GetString(4), row.GetInt32(5),
            Utc(row.GetDateTime(6)), row.IsDBNull(7) ? null : row.GetString(7), Utc(row.GetDateTime(8)), row.IsDBNull(9) ? null : Utc(row.GetDateTime(9)));

    /// <summary>The newest deliveries (at most <paramref name="limit"/>), optionally in one state and/or of one subscription.</summary>
    public static async Task<IReadOnlyList<DeliveryView>> ListAsync(NpgsqlDataSource db, string? state, CancellationToken ct, Guid? subscription = null, int limit = 500)
    {
        await using var command = db.CreateCommand($"""
            SELECT {ViewColumns}
            FROM deliveries WHERE ($1::text IS NULL OR state = $1) AND ($2::uuid IS NULL OR subscription_id = $2) ORDER BY created_at DESC, id LIMIT $3
            """);
        command.Parameters.Add(new() { Value = (object?)state ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)subscription ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = limit });
        var list = new List<DeliveryView>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) list.Add(View(row));
        return list;
    }

    /// <summary>Retention: delivered deliveries older than <paramref name="before"/>.</summary>
    public static async Task<int> PurgeDeliveredAsync(NpgsqlDataSource db, Instant before, CancellationToken ct)
    {
        await using var command = db.CreateCommand("DELETE FROM deliveries WHERE state = 'delivered' AND delivered_at < $1");
        command.Parameters.Add(new() { Value = before.ToDateTimeUtc() });
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
