using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>A response stored under an Idempotency-Key, replayed for a repeat with the same body.</summary>
public sealed record StoredResponse(int Status, string? Location, string? ETag, string Body)
{
    /// <summary>The response of a replayed request: the first result, marked as a replay.</summary>
    public IResult ToResult(HttpResponse response)
    {
        response.Headers["Idempotent-Replayed"] = "true";
        return ToResultFirstTime(response);
    }

    public IResult ToResultFirstTime(HttpResponse response)
    {
        if (ETag is not null) response.Headers.ETag = ETag;
        if (Location is not null) response.Headers.Location = Location;
        return Results.Content(Body, "application/json", Encoding.UTF8, Status);
    }
}

/// <summary>
/// Idempotency-Key on POSTs, enforced by the database in the append's transaction: the key is claimed with an INSERT that a
/// concurrent request with the same key waits on; a repeat with the same body replays the stored response and appends nothing;
/// a repeat with another body is 422. A request that is refused rolls back, so its key is not kept and a retry decides again.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";

    public abstract record Claim;
    public sealed record Claimed : Claim;
    public sealed record Replay(StoredResponse Response) : Claim;
    public sealed record Mismatch : Claim;

    /// <summary>The key is claimed by a request that has not finished (only outside an append transaction: <see cref="IdempotentPosts"/>).</summary>
    public sealed record Pending(DateTime Since) : Claim;

    public const int MaxKeyLength = 200;

    /// <summary>The request's key: 1 to <see cref="MaxKeyLength"/> visible ASCII characters; null when absent or malformed.</summary>
    public static string? KeyOf(HttpRequest request) =>
        request.Headers[Header].ToString() is { Length: > 0 and <= MaxKeyLength } key && key.All(c => c is > ' ' and <= '~') ? key : null;

    public static byte[] Hash(string method, string path, string body) => SHA256.HashData(Encoding.UTF8.GetBytes($"{method} {path}\n{body}"));

    public static async Task<Claim> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid userId, string key, byte[] requestHash, CancellationToken ct)
    {
        await using (var insert = new NpgsqlCommand("INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", connection, tx))
        {
            insert.Parameters.Add(new() { Value = userId });
            insert.Parameters.Add(new() { Value = key });
            insert.Parameters.Add(new() { Value = requestHash });
            if (await insert.ExecuteNonQueryAsync(ct) == 1) return new Claimed();
        }
        await using var read = new NpgsqlCommand("SELECT request_hash, status, location, etag, body, created_at FROM idempotency_keys WHERE user_id = $1 AND key = $2", connection, tx);
        read.Parameters.Add(new() { Value = userId });
        read.Parameters.Add(new() { Value = key });
        await using var row = await read.ExecuteReaderAsync(ct);
        // The conflicting claim was given back in between (a refused request): claim again.
        if (!await row.ReadAsync(ct))
        {
            await row.DisposeAsync();
            return await ClaimAsync(connection, tx, userId, key, requestHash, ct);
        }
        if (!((byte[])row[0]).AsSpan().SequenceEqual(requestHash)) return new Mismatch();
        if (row.IsDBNull(1)) return new Pending(row.GetDateTime(5));
        return new Replay(new StoredResponse(row.GetInt32(1), row.IsDBNull(2) ? null : row.GetString(2), row.IsDBNull(3) ? null : row.GetString(3), row.GetString(4)));
    }

    public static async Task StoreAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid userId, string key, StoredResponse response, CancellationToken ct)
    {
        await using var update = new NpgsqlCommand("UPDATE idempotency_keys SET status = $3, location = $4, etag = $5, body = $6 WHERE user_id = $1 AND key = $2", connection, tx);
        update.Parameters.Add(new() { Value = userId });
        update.Parameters.Add(new() { Value = key });
        update.Parameters.Add(new() { Value = response.Status });
        update.Parameters.Add(new() { Value = (object?)response.Location ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        update.Parameters.Add(new() { Value = (object?)response.ETag ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        update.Parameters.Add(new() { Value = response.Body });
        await update.ExecuteNonQueryAsync(ct);
    }

    public static IResult InProgressProblem() => Problems.Problem(StatusCodes.Status409Conflict, "idempotency-key-in-progress",
        "A request with this Idempotency-Key is still running", "Wait for the first request to finish, then repeat it to get its response");

    public static IResult MismatchProblem(string key) => Problems.Problem(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused", "Idempotency-Key reused",
        $"The Idempotency-Key '{InputRules.Echo(key)}' was used before with a different request body");
}
