using System.Text;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Idempotency;
using CaseFlow.Core.Security;
using CaseFlow.Core.Users;
using Npgsql;

namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>Marks an endpoint that claims its Idempotency-Key inside its own append transaction (<c>CaseCommands.InTransactionAsync</c>).</summary>
public sealed class TransactionalIdempotency;

/// <summary>
/// Idempotency-Key on every other authenticated POST (subscriptions, alerts, imports, host parties, ops actions). These do not append
/// through one transaction we can join, so the key is claimed in a short transaction of its own before the request runs: a repeat
/// with the same body replays the stored response, with another body is 422, while the first is still running is 409. A request
/// that is refused (4xx) or fails (5xx) gives its key back, so a retry decides again. A claim left by a node that died mid-request
/// is taken over after <see cref="IdempotencyKeys.AbandonedAfter"/> (judged by the database's clock, the one that stamped the claim).
/// </summary>
public static class IdempotentPosts
{
    public static IApplicationBuilder UseIdempotentPosts(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var key = Idempotency.KeyOf(http.Request);
        var principal = http.Principal();
        if (key is null || !HttpMethods.IsPost(http.Request.Method) || principal is null
            || http.GetEndpoint()?.Metadata.GetMetadata<TransactionalIdempotency>() is not null || http.GetEndpoint() is null)
        {
            await next(http);
            return;
        }
        http.Request.EnableBuffering();
        var body = await new StreamReader(http.Request.Body, Encoding.UTF8, leaveOpen: true).ReadToEndAsync(http.RequestAborted);
        http.Request.Body.Position = 0;
        var hash = Idempotency.Hash(http.Request.Method, http.Request.Path + http.Request.QueryString, body);
        var db = http.RequestServices.GetRequiredService<NpgsqlDataSource>();
        var box = http.RequestServices.GetRequiredService<SecretBox>();

        switch (await ClaimAsync(db, box, principal.UserId, key, hash, http.RequestAborted))
        {
            case IdempotencyKeys.Replay replay:
                await replay.Response.ToResult(http.Response).ExecuteAsync(http);
                return;
            case IdempotencyKeys.Mismatch:
                await Idempotency.MismatchProblem(key).ExecuteAsync(http);
                return;
            case InProgress:
                await Idempotency.InProgressProblem().ExecuteAsync(http);
                return;
        }

        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        var kept = false;
        try
        {
            await next(http);
            if (http.Response.StatusCode < 400)
            {
                var stored = new StoredResponse(http.Response.StatusCode, http.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null,
                    http.Response.Headers.ETag.ToString() is { Length: > 0 } e ? e : null, Encoding.UTF8.GetString(buffer.ToArray()));
                await StoreAsync(db, box, principal.UserId, key, stored);
                kept = true;
            }
        }
        finally
        {
            if (!kept) await ReleaseAsync(db, principal.UserId, key);
            http.Response.Body = original;
            buffer.Position = 0;
            await buffer.CopyToAsync(original, CancellationToken.None);
        }
    });

    private sealed record InProgress : IdempotencyKeys.Claim;

    private static async Task<IdempotencyKeys.Claim> ClaimAsync(NpgsqlDataSource db, SecretBox box, Guid userId, string key, byte[] hash, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var claim = await IdempotencyKeys.ClaimAsync(connection, tx, box, userId, key, hash, ct);
        if (claim is IdempotencyKeys.Pending pending)
        {
            if (!pending.Abandoned) return new InProgress();
            await IdempotencyKeys.RetakeAsync(connection, tx, userId, key, ct);
            claim = new IdempotencyKeys.Claimed();
        }
        await tx.CommitAsync(ct);
        return claim;
    }

    private static async Task StoreAsync(NpgsqlDataSource db, SecretBox box, Guid userId, string key, StoredResponse response)
    {
        await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
        await using var tx = await connection.BeginTransactionAsync(CancellationToken.None);
        await IdempotencyKeys.StoreAsync(connection, tx, box, userId, key, response, CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);
    }

    private static async Task ReleaseAsync(NpgsqlDataSource db, Guid userId, string key)
    {
        await IdempotencyKeys.ReleaseAsync(db, userId, key, CancellationToken.None);
    }
}
