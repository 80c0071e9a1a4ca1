using System.Text.Json.Nodes;
using CaseFlow.Api.Cases;
using CaseFlow.Api.Cases.OpeningCase;
using CaseFlow.Api.Console;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Cases;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Rules;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Pages.Console;

/// <summary>
/// Opening a case (compliance): the API's <c>OpenCaseRequest</c> as a form, the person's fields from <see cref="PersonRequest"/> and the
/// host party from the caller's own; posted through <see cref="OpenCaseEndpoint.OpenAsync"/>, so the same strict reading, the same
/// duplicate check and the same refusals, shown next to the form with what was typed kept.
/// </summary>
public sealed class NewCaseModel(HostPartyStore parties, CaseRepository repository, CaseCommands commands, RuleCatalogue catalogue, IClock clock, NpgsqlDataSource db)
    : HostPartyFormPage(parties)
{

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (principal.Role != Role.Compliance) return Forbid();
        var body = new JsonObject
        {
            ["person"] = CommandForms.Object(typeof(PersonRequest), Request.Form),
            ["hostPartyId"] = Request.Form["hostPartyId"].ToString(),
        }.ToJsonString();
        var (request, result) = Infrastructure.Http.Body.Parse(typeof(OpenCaseRequest), body);
        result ??= await OpenCaseEndpoint.OpenAsync(HttpContext, (OpenCaseRequest)request!, body, repository, commands, catalogue, clock, db, ct);
        if (ConsoleProblems.Of(result) is { } problem)
        {
            Problem = problem;
            Response.StatusCode = result is IStatusCodeHttpResult { StatusCode: { } status } ? status : 400;
            await LoadHostPartiesAsync(principal, ct);
            return Page();
        }
        var location = Response.Headers.Location.ToString(); // "/api/cases/{id}", set by the API's path
        Response.Headers.Remove("ETag");
        return Redirect($"/console/cases/{location[(location.LastIndexOf('/') + 1)..]}?saved=true");
    }
}
