using System.Globalization;
using CaseFlow.Api.Alerts;
using CaseFlow.Api.Console;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Security;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Cases;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Pages.Console;

/// <summary>"Today" for compliance staff and auditors: the open alerts of their host parties by urgency, with the person, the rule and the fine at risk; acknowledge and resolve in place.</summary>
public sealed class IndexModel(NpgsqlDataSource db, DataKeys keys, AlertChange change, IClock clock) : PageModel
{
    public LocalDate Today { get; private set; }
    public IReadOnlyList<AlertView> Alerts { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> People { get; private set; } = new Dictionary<Guid, string>();
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (principal.Role is Role.Ops or Role.Admin) return Redirect("/console/ops");
        await LoadAsync(principal, ct);
        return Page();
    }

    /// <summary>Every alert of the caller's host parties (any state), by due date, as <c>alerts-DATE.csv</c>; each page's people in the access log before it is written.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (principal.Role is Role.Ops or Role.Admin) return Redirect("/console/ops");
        var csv = await CsvDownload.StartAsync(Response, $"alerts-{RequestContext.TodayIn(clock).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv",
            ["alertId", "caseId", "person", "kind", "level", "due", "raisedOn", "rule", "fineArticle", "fineMci", "fineTenge", "state", "acknowledgedBy", "resolvedBy"], ct);
        for (var page = 1; page <= MaxExportPages; page++)
        {
            var (items, _) = await AlertProjection.ListAsync(db, new AlertQuery(principal.HostParties, null, null, null, null, "due", page, ExportPage), ct);
            var people = await CaseStatusProjection.NamesAsync(db, keys, [.. items.Select(a => a.CaseId).Distinct()], hostParty: null, ct);
            await PersonalDataAccess.RecordAsync(HttpContext, [.. people.Keys]);
            await csv.WriteAsync(items.Select(a => new[]
            {
                a.Id.ToString(), a.CaseId.ToString(), people.GetValueOrDefault(a.CaseId), a.Kind, a.Level, CsvDownload.Date(a.Due), CsvDownload.Date(a.RaisedOn), a.Rule,
                CsvDownload.Number(a.FineArticle), CsvDownload.Number(a.FineMci), CsvDownload.Number(a.FineTenge), a.State, a.AcknowledgedBy, a.ResolvedBy,
            }), ct);
            if (items.Count < ExportPage) break;
        }
        return new EmptyResult();
    }

    private const int ExportPage = 500;

    /// <summary>At most 100,000 alerts in one file.</summary>
    private const int MaxExportPages = 200;

    public async Task<IActionResult> OnPostAcknowledgeAsync(Guid alertId, CancellationToken ct) =>
        await ChangeAsync(alertId, (c, ctx) => new AcknowledgeAlert(c, alertId, ctx.Actor, ctx.Today), ct);

    public async Task<IActionResult> OnPostResolveAsync(Guid alertId, string? reason, CancellationToken ct) =>
        await ChangeAsync(alertId, (c, ctx) => new ResolveAlert(c, alertId, reason ?? "", false, ctx.Actor, ctx.Today), ct);

    private async Task<IActionResult> ChangeAsync(Guid alertId, Func<CaseId, RequestContext, CaseCommand> command, CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (principal.Role != Role.Compliance) return Forbid();
        var result = await change.ApplyAsync(alertId, HttpContext, command, ct);
        if (ConsoleProblems.Of(result) is { } problem)
        {
            Problem = problem;
            Response.StatusCode = ((IStatusCodeHttpResult)result).StatusCode ?? 400;
            await LoadAsync(principal, ct);
            return Page();
        }
        return Redirect("/console");
    }

    private async Task LoadAsync(Principal principal, CancellationToken ct)
    {
        Today = RequestContext.TodayIn(clock);
        var (items, _) = await AlertProjection.ListAsync(db, new AlertQuery(principal.HostParties, null, "open", null, null, "due", 1, 200), ct);
        Alerts = items;
        People = await CaseStatusProjection.NamesAsync(db, keys, [.. items.Select(a => a.CaseId).Distinct()], hostParty: null, ct);
        await PersonalDataAccess.RecordAsync(HttpContext, [.. People.Keys]);
    }
}
