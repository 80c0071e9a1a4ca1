using System.Text.Json;
using CaseFlow.Api.Cases;
using CaseFlow.Api.Console;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Projections;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Json;
using CaseFlow.Domain.Rules;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;

namespace CaseFlow.Api.Pages.Console;

/// <summary>
/// A case: status, days used against each limit, a timeline picture (stays, visa validity, deadlines, today), fines, history; a form for
/// every case command the API has (<see cref="CaseCommandCatalog"/>), each through the API's own change path (If-Match from the version
/// shown), with the refusal's reason next to the form.
/// </summary>
public sealed class CaseModel(CaseReader reader, CaseCommands commands, RuleCatalogue catalogue, IClock clock) : PageModel
{
    public CaseView View { get; private set; } = null!;
    public ReadableCase Readable { get; private set; } = null!;
    public LocalDate Today { get; private set; }
    public string? Problem { get; private set; }
    public string? Saved { get; private set; }
    public bool CanRecord { get; private set; }

    /// <summary>The form whose refusal <see cref="Problem"/> explains.</summary>
    public string? ProblemForm { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, bool saved, CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (!await LoadAsync(id, principal, ct)) return NotFound();
        Saved = saved ? ConsoleText.T(HttpContext, "saved") : null;
        return Page();
    }

    /// <summary>Any case command, from its form: the API's request record read strictly from the form, then the API's own change path.</summary>
    public async Task<IActionResult> OnPostCommandAsync(Guid id, long version, string? command, CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (command is null || CaseCommandCatalog.Find(command) is not { } kind) return NotFound();
        var body = CommandForms.Body(kind.RequestType, Request.Form);
        var (request, result) = Infrastructure.Http.Body.Parse(kind.RequestType, body);
        if (result is null)
        {
            Request.Headers.IfMatch = ETags.Format(version);
            result = await commands.ChangeAsync(HttpContext, id, body, (ctx, current) => kind.Command(request!, new CaseId(id), ctx, current), ct);
        }
        if (ConsoleProblems.Of(result) is not { } problem) return Redirect($"/console/cases/{id}?saved=true#{command}");
        if (!await LoadAsync(id, principal, ct)) return NotFound();
        Problem = problem;
        ProblemForm = command;
        Response.StatusCode = result is IStatusCodeHttpResult { StatusCode: { } status } ? status : 400;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, Principal principal, CancellationToken ct)
    {
        if (await reader.ReadAsync(id, principal, ct) is not { } readable) return false;
        Readable = readable;
        Today = RequestContext.TodayIn(clock);
        View = CaseView.From(readable.Case, catalogue, Today, readable.Sizes);
        CanRecord = principal.CanWrite(readable.Case.HostPartyId);
        await PersonalDataAccess.RecordAsync(HttpContext, [id]);
        return true;
    }

    /// <summary>Plain words for an event of the history (no personal data: the same words as the timeline).</summary>
    public static string Describe(CaseEvent e) => TimelineProjection.Describe(e);
}
