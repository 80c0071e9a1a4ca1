using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Input;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Rules;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using NodaTime;

namespace CaseFlow.Api.Cases.GettingCase;

/// <summary>
/// <c>GET /api/cases/{id}</c>: the case with its live evaluation as of today; ETag = version. 404 for a case of another host party.
/// A long case is answered from its sealed snapshot while its version, the day and the basis hold (<see cref="CaseViewSnapshots"/>).
/// </summary>
public static class GetCaseEndpoint
{
    public static void MapGetCase(this RouteGroupBuilder cases) => cases.MapGet("{id:guid}", async (
        Guid id, HttpContext http, CaseReader reader, RuleCatalogue catalogue, IClock clock, IOptions<JsonOptions> json, CancellationToken ct) =>
    {
        if (await reader.ReadViewAsync(id, http.Principal()!, catalogue, RequestContext.TodayIn(clock), json.Value.SerializerOptions, ct) is not { } view)
            return Problems.NotFound($"case {id}");
        ETags.Set(http.Response, view.Version);
        return Results.Bytes(view.Utf8, "application/json; charset=utf-8");
    })
    .RequireRoles(Role.Compliance, Role.Auditor)
    .LogsCaseAccess()
    .WithName("GetCase")
    .Produces<CaseView>()
    .ProducesProblem(StatusCodes.Status404NotFound);
}
