using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Rules;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Cases.ErasingCase;

public sealed record ErasureRequest(string Reason);

/// <summary>
/// <c>POST /api/cases/{id}/erasure</c> (admin, with a reason): the person's data is crypto-shredded (<see cref="CaseEraser"/>); answers
/// the case as it now reads, personal fields erased. Erasing it again changes nothing. The reason is kept sealed, never in clear.
/// </summary>
public static class EraseCaseEndpoint
{
    public static void MapEraseCase(this RouteGroupBuilder cases) => cases.MapPost("{id:guid}/erasure", async (
        Guid id, HttpContext http, CaseEraser eraser, NpgsqlDataSource db, RuleCatalogue catalogue, IClock clock, CancellationToken ct) =>
    {
        var (request, problem) = await Body.ReadAsync<ErasureRequest>(http.Request, ct);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(request!.Reason)) return Problems.Validation("reason", "required: why the person's data is erased");
        var principal = http.Principal()!;
        if (await eraser.EraseAsync(id, principal.Actor, CaseEraser.OnRequest, request.Reason.Trim(), ct) is not { } erased) return Problems.NotFound($"case {id}");
        ETags.Set(http.Response, erased.Version);
        return Results.Ok(CaseView.From(erased, catalogue, RequestContext.TodayIn(clock), await HostPartyStore.SizeAsync(db, erased.HostPartyId, ct)));
    })
    .RequireRoles(Role.Admin)
    .Accepts<ErasureRequest>("application/json")
    .WithName("EraseCase")
    .Produces<CaseView>()
    .ProducesValidationProblem()
    .ProducesProblem(StatusCodes.Status404NotFound);
}
