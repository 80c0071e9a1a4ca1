using CaseFlow.Core.Security;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Idempotency;

/// <summary>A response stored under an Idempotency-Key, replayed for a repeat with the same body.</summary>
public sealed record StoredResponse(int Status, string? Location, string? ETag, string Body);

/// <summary>
/// The owner of the <c>idempotency_keys</c> table: a key is claimed with an INSERT that a concurrent claim of the same key waits on;
/// the response is stored under it; a refused request gives it back; retention drops old keys.
/// </summary>
public static class IdempotencyKeys
{
    public abstract record Claim;
    public sealed record Claimed : Claim;
    public sealed record Replay(StoredResponse Response) : Claim;
    public sealed record Mismatch : Claim;

    /// <summary>
    /// The key is claimed by a request that has not finished (seen only outside an append transaction); <paramref name="Abandoned"/>
    /// when the claim is older than <see cref="AbandonedAfter"/> by the database's clock (its node died mid-request).
    /// </summary>
    public sealed record Pending(bool Abandoned) : Claim;

    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(5);

    /// <param name="box">Opens a stored body: responses are kept sealed (they may name the person), never in clear.</param>
    public static async Task<Claim> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction tx, SecretBox box, Guid userId, string key, byte[] requestHash, CancellationToken ct)
    {
        await using (var insert = new NpgsqlCommand("INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", connection, tx))
        {
            insert.Parameters.Add(new() { Value = userId });
            insert.Parameters.Add(new() { Value = key });
            insert.Parameters.Add(new() { Value = requestHash });
            if (await insert.ExecuteNonQueryAsync(ct) == 1) return new Claimed();
        }
        await using var read = new NpgsqlCommand("SELECT request_hash, status, location, etag, body, created_at < now() - $3 FROM idempotency_keys WHERE user_id = $1 AND key = $2", connection, tx);
        read.Parameters.Add(new() { Value = userId });
        read.Parameters.Add(new() { Value = key });
        read.Parameters.Add(new() { Value = AbandonedAfter, NpgsqlDbType = NpgsqlDbType.Interval });
        await using var row = await read.ExecuteReaderAsync(ct);
        // The conflicting claim was given back in between (a refused request): claim again.
        if (!await row.ReadAsync(ct))
        {
            await row.DisposeAsync();
            return await ClaimAsync(connection, tx, box, userId, key, requestHash, ct);
        }
        if (!((byte[])row[0]).AsSpan().SequenceEqual(requestHash)) return new Mismatch();
        if (row.IsDBNull(1)) return new Pending(row.GetBoolean(5));
        return new Replay(new StoredResponse(row.GetInt32(1), row.IsDBNull(2) ? null : row.GetString(2), row.IsDBNull(3) ? null : row.GetString(3), box.Open((byte[])row[4])));
    }

    public static async Task StoreAsync(NpgsqlConnection connection, NpgsqlTransaction tx, SecretBox box, Guid userId, string key, StoredResponse response, CancellationToken ct)
    {
        await using var update = new NpgsqlCommand("UPDATE idempotency_keys SET status = $3, location = $4, etag = $5, body = $6 WHERE user_id = $1 AND key = $2", connection, tx);
        update.Parameters.Add(new() { Value = userId });
        update.Parameters.Add(new() { Value = key });
        update.Parameters.Add(new() { Value = response.Status });
        update.Parameters.Add(new() { Value = (object?)response.Location ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        update.Parameters.Add(new() { Value = (object?)response.ETag ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        update.Parameters.Add(new() { Value = box.Seal(response.Body) });
        await update.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Takes over a claim its request abandoned (its node died mid-request).</summary>
    public static async Task RetakeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid userId, string key, CancellationToken ct)
    {
        await using var retake = new NpgsqlCommand("UPDATE idempotency_keys SET created_at = now() WHERE user_id = $1 AND key = $2", connection, tx);
        retake.Parameters.Add(new() { Value = userId });
        retake.Parameters.Add(new() { Value = key });
        await retake.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Gives a claim back (its request was refused or failed) so a retry decides again; a stored response is never dropped.</summary>
    public static async Task ReleaseAsync(NpgsqlDataSource db, Guid userId, string key, CancellationToken ct)
    {
        await using var command = db.CreateCommand("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status IS NULL");
        command.Parameters.Add(new() { Value = userId });
        command.Parameters.Add(new() { Value = key });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Retention: keys claimed before <paramref name="before"/>.</summary>
    public static async Task<int> PurgeAsync(NpgsqlDataSource db, Instant before, CancellationToken ct)
    {
        await using var command = db.CreateCommand("DELETE FROM idempotency_keys WHERE created_at < $1");
        command.Parameters.Add(new() { Value = before.ToDateTimeUtc() });
        return await command.ExecuteNonQueryAsync(ct);
    }
}
