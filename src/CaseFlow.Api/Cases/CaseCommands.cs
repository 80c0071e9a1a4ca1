using System.Text.Json;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Idempotency;
using CaseFlow.Core.Security;
using CaseFlow.Core.Input;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Json;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Cases;

/// <summary>
/// The path every change to a case takes: If-Match (428/412), tenancy (404 for another host party's case), Idempotency-Key
/// claimed in the append transaction, decide, append with the inline projection, respond with the new ETag. A refusal appends nothing.
/// </summary>
public sealed class CaseCommands(CaseRepository cases, CaseReader reader, RuleCatalogue catalogue, IClock clock, NpgsqlDataSource db, SecretBox box)
{
    public async Task<IResult> ChangeAsync(HttpContext http, Guid id, string body, Func<RequestContext, LoadedCase, CaseCommand> command, CancellationToken ct)
    {
        if (ETags.IfMatch(http.Request) is not { } expected) return Problems.PreconditionRequired();
        var principal = http.Principal()!;
        var context = RequestContext.From(http, clock);
        if (await reader.ReadAsync(id, principal, ct) is not { } readable) return Problems.NotFound($"case {id}");
        var current = readable.Case;
        if (!principal.CanWrite(current.HostPartyId)) return Problems.Forbidden(principal);

        return await InTransactionAsync(http, body, async (connection, tx) =>
        {
            if (current.Version != expected) return (null, Problems.PreconditionFailed(expected, current.Version));
            var decision = CaseDecider.Decide(command(context, current), current.State, catalogue);
            if (decision.Rejection is { } rejection) return (null, Problems.Rejected(rejection));
            LoadedCase updated;
            try
            {
                updated = await cases.AppendAsync(connection, tx, current, current.Id, decision.Events, Metadata(context, principal), ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == DuplicatePerson.Constraint)
            {
                // A passport replacement to a number another case of the host party already has.
                var replaced = CaseState.Fold(current.Events.Concat(decision.Events)).Person!;
                return (null, await DuplicatePerson.ProblemAsync(db, cases.DataKeys.Ring, current.HostPartyId, replaced, ct));
            }
            var view = CaseView.From(updated, catalogue, context.Today, readable.Sizes);
            return (new StoredResponse(StatusCodes.Status200OK, null, ETags.Format(updated.Version), JsonSerializer.Serialize(view, CaseFlowJson.Options)), null);
        }, ct);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction with the request's Idempotency-Key (if any) claimed first: a stored response is
    /// replayed, a reused key with another body is 422, a refusal or a concurrency failure rolls everything back.
    /// </summary>
    public async Task<IResult> InTransactionAsync(HttpContext http, string body,
        Func<NpgsqlConnection, NpgsqlTransaction, Task<(StoredResponse? Response, IResult? Problem)>> work, CancellationToken ct)
    {
        var principal = http.Principal()!;
        var key = Idempotency.KeyOf(http.Request);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (key is not null)
        {
            switch (await IdempotencyKeys.ClaimAsync(connection, tx, box, principal.UserId, key, Idempotency.Hash(http.Request.Method, http.Request.Path, body), ct))
            {
                case IdempotencyKeys.Replay replay: return replay.Response.ToResult(http.Response);
                case IdempotencyKeys.Mismatch: return Idempotency.MismatchProblem(key);
                case IdempotencyKeys.Pending: return Idempotency.InProgressProblem();
            }
        }
        try
        {
            var (response, problem) = await work(connection, tx);
            if (problem is not null) return problem;
            if (key is not null) await IdempotencyKeys.StoreAsync(connection, tx, box, principal.UserId, key, response!, ct);
            await tx.CommitAsync(ct);
            return response!.ToResultFirstTime(http.Response);
        }
        catch (ConcurrencyException e)
        {
            return Problems.PreconditionFailed(e.ExpectedVersion, e.ActualVersion);
        }
    }

    public EventMetadata Metadata(RequestContext context, Principal principal) => new(principal.Actor, context.CorrelationId, null, catalogue.Version);
}
