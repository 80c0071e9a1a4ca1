using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Input;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Api.Cases.GettingCase;

/// <summary><c>GET /api/cases/{id}</c>: the case with its live evaluation as of today; ETag = version. 404 for a case of another host party.</summary>
public static class GetCaseEndpoint
{
    public static void MapGetCase(this RouteGroupBuilder cases) => cases.MapGet("{id:guid}", async (
        Guid id, HttpContext http, CaseReader reader, RuleCatalogue catalogue, IClock clock, CancellationToken ct) =>
    {
        if (await reader.ReadAsync(id, http.Principal()!, ct) is not { } readable) return Problems.NotFound($"case {id}");
        ETags.Set(http.Response, readable.Case.Version);
        return Results.Ok(CaseView.From(readable.Case, catalogue, RequestContext.TodayIn(clock), readable.Size));
    })
    .RequireRoles(Role.Compliance, Role.Auditor)
    .LogsCaseAccess()
    .WithName("GetCase")
    .Produces<CaseView>()
    .ProducesProblem(StatusCodes.Status404NotFound);
}
