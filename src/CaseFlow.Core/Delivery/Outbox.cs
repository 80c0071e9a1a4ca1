using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Delivery;

public sealed record Subscription(Guid Id, Guid HostPartyId, string Channel, string Target, string Mode);

public sealed record DeliveryRow(Guid Id, Guid SubscriptionId, string Kind, string Channel, string Target, string? Secret, string Payload, int Attempts);

public sealed record DeliveryView(Guid Id, Guid SubscriptionId, Guid? AlertId, string Kind, string State, int Attempts, DateTimeOffset NextAttemptAt, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt);

/// <summary>
/// The owner of the <c>subscriptions</c> and <c>deliveries</c> tables (the transactional outbox): who wants alerts where, and every
/// message owed to them with its state (pending, failed, dead, delivered), attempts and next attempt. Delivery ids are derived from
/// subscription and alert (or digest date), so writing one twice adds nothing.
/// </summary>
public static class Outbox
{
    /// <summary>One delivery per "each" subscription of the host party, in the caller's transaction (the alert's append).</summary>
    public static async Task EnqueueAlertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid hostParty, Guid alertId, string alertJson, CancellationToken ct)
    {
        await using var outbox = new NpgsqlCommand("""
            INSERT INTO deliveries (id, subscription_id, alert_id, kind, payload, next_attempt_at, created_at)
            SELECT md5(s.id::text || '|' || $2::text)::uuid, s.id, $2, 'alert',
                   jsonb_build_object('deliveryId', md5(s.id::text || '|' || $2::text)::uuid, 'alert', $3::jsonb)::text, '-infinity', now()
            FROM subscriptions s WHERE s.host_party_id = $1 AND s.mode = 'each'
            ON CONFLICT DO NOTHING
            """, connection, tx);
        outbox.Parameters.Add(new() { Value = hostParty });
        outbox.Parameters.Add(new() { Value = alertId });
        outbox.Parameters.Add(new() { Value = alertJson });
        await outbox.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The digest of <paramref name="date"/> for one subscription; 0 when it was already enqueued.</summary>
    public static async Task<int> EnqueueDigestAsync(NpgsqlDataSource db, Guid subscription, LocalDate date, string body, CancellationToken ct)
    {
        await using var insert = db.CreateCommand("""
            INSERT INTO deliveries (id, subscription_id, alert_id, kind, payload, next_attempt_at, created_at)
            VALUES (md5($1::text || '|digest|' || $2::text)::uuid, $1, NULL, 'digest', $3, '-infinity', now())
            ON CONFLICT (id) DO NOTHING
            """);
        insert.Parameters.Add(new() { Value = subscription });
        insert.Parameters.Add(new() { Value = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        insert.Parameters.Add(new() { Value = body });
        return await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Up to 20 deliveries due at <paramref name="now"/>, locked for the caller's transaction (SKIP LOCKED: nodes share the work).</summary>
    public static async Task<IReadOnlyList<DeliveryRow>> LockDueAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Instant now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT d.id, d.subscription_id, d.kind, s.channel, s.target, s.secret, d.payload, d.attempts
            FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
            WHERE d.state IN ('pending', 'failed') AND d.next_attempt_at <= $1
            ORDER BY d.next_attempt_at, d.created_at
            LIMIT 20
            FOR UPDATE OF d SKIP LOCKED
            """, connection, tx);
        command.Parameters.Add(new() { Value = now.ToDateTimeUtc() });
        var rows = new List<DeliveryRow>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
            rows.Add(new DeliveryRow(row.GetGuid(0), row.GetGuid(1), row.GetString(2), row.GetString(3), row.GetString(4),
                row.IsDBNull(5) ? null : row.GetString(5), row.GetString(6), row.GetInt32(7)));
        return rows;
    }

    /// <summary>Records an attempt: its new state, attempt count, error and next attempt (delivered also stamps delivered_at).</summary>
    public static async Task MarkAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, string state, int attempts, string? error, Instant nextAttempt, Instant now,
        CancellationToken ct)
    {
        await using var update = new NpgsqlCommand("""
            UPDATE deliveries SET state = $2, attempts = $3, last_error = $4, next_attempt_at = $5,
                   delivered_at = CASE WHEN $2 = 'delivered' THEN $6 ELSE delivered_at END
            WHERE id = $1
            """, connection, tx);
        update.Parameters.Add(new() { Value = id });
        update.Parameters.Add(new() { Value = state });
        update.Parameters.Add(new() { Value = attempts });
        update.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        update.Parameters.Add(new() { Value = nextAttempt.ToDateTimeUtc() });
        update.Parameters.Add(new() { Value = now.ToDateTimeUtc() });
        await update.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Ops: send a delivery again (dead, failed or even delivered), now. False when there is no such delivery.</summary>
    public static async Task<bool> RedeliverAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand("UPDATE deliveries SET state = 'pending', attempts = 0, last_error = NULL, next_attempt_at = '-infinity' WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The newest 500 deliveries, optionally in one state.</summary>
    public static async Task<IReadOnlyList<DeliveryView>> ListAsync(NpgsqlDataSource db, string? state, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT id, subscription_id, alert_id, kind, state, attempts, next_attempt_at, last_error, created_at, delivered_at
            FROM deliveries WHERE $1::text IS NULL OR state = $1 ORDER BY created_at DESC LIMIT 500
            """);
        command.Parameters.Add(new() { Value = (object?)state ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        var list = new List<DeliveryView>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
            list.Add(new DeliveryView(row.GetGuid(0), row.GetGuid(1), row.IsDBNull(2) ? null : row.GetGuid(2), row.GetString(3), row.GetString(4), row.GetInt32(5),
                Utc(row.GetDateTime(6)), row.IsDBNull(7) ? null : row.GetString(7), Utc(row.GetDateTime(8)), row.IsDBNull(9) ? null : Utc(row.GetDateTime(9))));
        return list;
    }

    /// <summary>Retention: delivered deliveries older than <paramref name="before"/>.</summary>
    public static async Task<int> PurgeDeliveredAsync(NpgsqlDataSource db, Instant before, CancellationToken ct)
    {
        await using var command = db.CreateCommand("DELETE FROM deliveries WHERE state = 'delivered' AND delivered_at < $1");
        command.Parameters.Add(new() { Value = before.ToDateTimeUtc() });
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Adds a subscription; false when the host party does not exist.</summary>
    public static async Task<bool> SubscribeAsync(NpgsqlDataSource db, Subscription subscription, string? secret, CancellationToken ct)
    {
        await using var command = db.CreateCommand("INSERT INTO subscriptions (id, host_party_id, channel, target, secret, mode) VALUES ($1, $2, $3, $4, $5, $6)");
        command.Parameters.Add(new() { Value = subscription.Id });
        command.Parameters.Add(new() { Value = subscription.HostPartyId });
        command.Parameters.Add(new() { Value = subscription.Channel });
        command.Parameters.Add(new() { Value = subscription.Target });
        command.Parameters.Add(new() { Value = (object?)secret ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = subscription.Mode });
        try
        {
            await command.ExecuteNonQueryAsync(ct);
            return true;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return false;
        }
    }

    /// <summary>Subscriptions (never their secrets), oldest first: of one host party and/or one mode (each, digest); null means any.</summary>
    public static async Task<IReadOnlyList<Subscription>> SubscriptionsAsync(NpgsqlDataSource db, Guid? hostParty, string? mode, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT id, host_party_id, channel, target, mode FROM subscriptions
            WHERE ($1::uuid IS NULL OR host_party_id = $1) AND ($2::text IS NULL OR mode = $2) ORDER BY created_at
            """);
        command.Parameters.Add(new() { Value = (object?)hostParty ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = (object?)mode ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        var list = new List<Subscription>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) list.Add(new Subscription(row.GetGuid(0), row.GetGuid(1), row.GetString(2), row.GetString(3), row.GetString(4)));
        return list;
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
