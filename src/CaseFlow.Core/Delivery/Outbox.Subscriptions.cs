using CaseFlow.Core.Security;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Delivery;

/// <summary>The subscriptions table: add, read, pause and resume, change target, rotate the sealed secret, delete (soft: deliveries stay as history).</summary>
public static partial class Outbox
{
    private const string SubscriptionColumns = "s.id, s.host_party_id, s.channel, s.target, s.mode, s.paused, s.secret_sealed IS NOT NULL";

    /// <summary>
    /// Where a subscription sends, as <see cref="SecretBox.Bind"/> binds it (migration 0020): the dispatcher sends only when the row's
    /// binding holds for its id, host party, channel and target, so a target or host party changed in SQL is never sent to.
    /// </summary>
    public static string Address(Guid id, Guid hostParty, string channel, string target) => $"subscription|{id:N}|{hostParty:N}|{channel}|{target}";

    /// <summary>Adds a subscription, its signing secret sealed and where it sends bound under <paramref name="secrets"/>; false when the host party does not exist.</summary>
    public static async Task<bool> SubscribeAsync(NpgsqlDataSource db, SecretBox secrets, Subscription subscription, string? secret, string createdBy, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO subscriptions (id, host_party_id, channel, target, secret_sealed, mode, created_by, binding) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """);
        command.Parameters.Add(new() { Value = subscription.Id });
        command.Parameters.Add(new() { Value = subscription.HostPartyId });
        command.Parameters.Add(new() { Value = subscription.Channel });
        command.Parameters.Add(new() { Value = subscription.Target });
        command.Parameters.Add(new() { Value = secret is null ? DBNull.Value : secrets.Seal(secret), NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new() { Value = subscription.Mode });
        command.Parameters.Add(new() { Value = createdBy });
        command.Parameters.Add(new() { Value = secrets.Bind(Address(subscription.Id, subscription.HostPartyId, subscription.Channel, subscription.Target)) });
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

    /// <summary>Live subscriptions (never their secrets), oldest first: of one host party and/or one mode (each, digest); null means any.</summary>
    public static async Task<IReadOnlyList<Subscription>> SubscriptionsAsync(NpgsqlDataSource db, Guid? hostParty, string? mode, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"""
            SELECT {SubscriptionColumns} FROM subscriptions s
            WHERE {Live} AND ($1::uuid IS NULL OR s.host_party_id = $1) AND ($2::text IS NULL OR s.mode = $2) ORDER BY s.created_at, s.id
            """);
        command.Parameters.Add(new() { Value = (object?)hostParty ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = (object?)mode ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return await ReadSubscriptionsAsync(command, ct);
    }

    /// <summary>One live subscription, or null.</summary>
    public static async Task<Subscription?> FindSubscriptionAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {SubscriptionColumns} FROM subscriptions s WHERE s.id = $1 AND {Live}");
        command.Parameters.Add(new() { Value = id });
        return (await ReadSubscriptionsAsync(command, ct)).SingleOrDefault();
    }

    /// <summary>Changes what is given (paused, sealed secret) of a live subscription (callers found it first).</summary>
    public static async Task ChangeSubscriptionAsync(NpgsqlDataSource db, Guid id, bool? paused, byte[]? sealedSecret, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"UPDATE subscriptions s SET paused = coalesce($2, s.paused), secret_sealed = coalesce($3, s.secret_sealed), updated_at = now() WHERE s.id = $1 AND {Live}");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = (object?)paused ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Boolean });
        command.Parameters.Add(new() { Value = (object?)sealedSecret ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Points a live subscription (callers found it first) at <paramref name="target"/>, bound anew with its own id, host party and channel.</summary>
    public static async Task ChangeTargetAsync(NpgsqlDataSource db, SecretBox secrets, Subscription current, string target, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"UPDATE subscriptions s SET target = $2, binding = $3, updated_at = now() WHERE s.id = $1 AND {Live}");
        command.Parameters.Add(new() { Value = current.Id });
        command.Parameters.Add(new() { Value = target });
        command.Parameters.Add(new() { Value = secrets.Bind(Address(current.Id, current.HostPartyId, current.Channel, target)) });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deletes a live subscription (callers found it first): it stops at once, its unsent deliveries are cancelled, the sent ones stay as history.</summary>
    public static async Task DeleteSubscriptionAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"""
            WITH gone AS (UPDATE subscriptions s SET deleted_at = now(), updated_at = now(), secret_sealed = NULL WHERE s.id = $1 AND {Live} RETURNING s.id)
            UPDATE deliveries d SET state = 'cancelled', last_error = 'subscription deleted', leased_by = NULL, leased_until = NULL, lease_token = NULL
            FROM gone WHERE d.subscription_id = gone.id AND d.state IN ('pending', 'failed')
            """);
        command.Parameters.Add(new() { Value = id });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Subscriptions whose secret is still in the clear column (written before secrets were sealed): id and secret.</summary>
    public static async Task<IReadOnlyList<(Guid Id, string Secret)>> ClearSecretsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT id, secret FROM subscriptions WHERE secret IS NOT NULL");
        var list = new List<(Guid, string)>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) list.Add((row.GetGuid(0), row.GetString(1)));
        return list;
    }

    /// <summary>Replaces a clear secret by its sealed form, in one statement.</summary>
    public static async Task SealSecretAsync(NpgsqlDataSource db, Guid id, byte[] sealedSecret, CancellationToken ct)
    {
        await using var command = db.CreateCommand("UPDATE subscriptions SET secret_sealed = $2, secret = NULL WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = sealedSecret });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<IReadOnlyList<Subscription>> ReadSubscriptionsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var list = new List<Subscription>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
            list.Add(new Subscription(row.GetGuid(0), row.GetGuid(1), row.GetString(2), row.GetString(3), row.GetString(4), row.GetBoolean(5), row.GetBoolean(6)));
        return list;
    }
}
