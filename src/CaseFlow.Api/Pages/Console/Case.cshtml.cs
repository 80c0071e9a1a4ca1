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
using NodaTime.Text;

namespace CaseFlow.Api.Pages.Console;

/// <summary>
/// A case: status, days used against each limit, a timeline picture (stays, visa validity, deadlines, today), fines, history; forms to
/// record an entry, a notification or an exit, each through the API's own change path (If-Match from the version shown), with the
/// refusal's reason next to the form.
/// </summary>
public sealed class CaseModel(CaseReader reader, CaseCommands commands, RuleCatalogue catalogue, IClock clock) : PageModel
{
    public CaseView View { get; private set; } = null!;
    public ReadableCase Readable { get; private set; } = null!;
    public LocalDate Today { get; private set; }
    public string? Problem { get; private set; }
    public string? Saved { get; private set; }
    public bool CanRecord { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, bool saved, CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (!await LoadAsync(id, principal, ct)) return NotFound();
        Saved = saved ? ConsoleText.T(HttpContext, "saved") : null;
        return Page();
    }

    public Task<IActionResult> OnPostNotificationAsync(Guid id, long version, string? date, NotificationChannel channel, string? reference, CancellationToken ct) =>
        RecordAsync(id, version, "notifications", new { date, channel, reference },
            (ctx, _) => new RecordNotification(new CaseId(id), Date(date), channel, string.IsNullOrWhiteSpace(reference) ? null : reference.Trim(), ctx.Actor, ctx.Today), ct);

    public Task<IActionResult> OnPostEntryAsync(Guid id, long version, string? date, string? borderPoint, CancellationToken ct) =>
        RecordAsync(id, version, "entries", new { date, borderPoint },
            (ctx, _) => new RecordEntry(new CaseId(id), Date(date), borderPoint ?? "", ctx.Actor, ctx.Today), ct);

    public Task<IActionResult> OnPostExitAsync(Guid id, long version, string? date, CancellationToken ct) =>
        RecordAsync(id, version, "exits", new { date }, (ctx, _) => new RecordExit(new CaseId(id), Date(date), ctx.Actor, ctx.Today), ct);

    private async Task<IActionResult> RecordAsync(Guid id, long version, string what, object body, Func<RequestContext, LoadedCase, CaseCommand> command, CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        IResult result;
        if (InputProblem(body) is { } bad) result = bad;
        else
        {
            Request.Headers.IfMatch = ETags.Format(version);
            result = await commands.ChangeAsync(HttpContext, id, JsonSerializer.Serialize(body, CaseFlowJson.Options), command, ct);
        }
        if (ConsoleProblems.Of(result) is not { } problem) return Redirect($"/console/cases/{id}?saved=true#{what}");
        if (!await LoadAsync(id, principal, ct)) return NotFound();
        Problem = problem;
        Response.StatusCode = result is IStatusCodeHttpResult { StatusCode: { } status } ? status : 400;
        ViewData["Form"] = what;
        return Page();
    }

    /// <summary>The form's date must be a date before any decision (the API's JSON reading does the same for its body).</summary>
    private static IResult? InputProblem(object body) =>
        body.GetType().GetProperty("date")?.GetValue(body) is not string text || !LocalDatePattern.Iso.Parse(text).Success
            ? Problems.Validation("date", "a date in the form YYYY-MM-DD") : null;

    private static LocalDate Date(string? text) => LocalDatePattern.Iso.Parse(text ?? "").Value;

    private async Task<bool> LoadAsync(Guid id, Principal principal, CancellationToken ct)
    {
        if (await reader.ReadAsync(id, principal, ct) is not { } readable) return false;
        Readable = readable;
        Today = RequestContext.TodayIn(clock);
        View = CaseView.From(readable.Case, catalogue, Today, readable.Size);
        CanRecord = principal.CanWrite(readable.Case.HostPartyId);
        await PersonalDataAccess.RecordAsync(HttpContext, [id]);
        return true;
    }

    /// <summary>Plain words for an event of the history (no personal data: the same words as the timeline).</summary>
    public static string Describe(CaseEvent e) => TimelineProjection.Describe(e);
}
