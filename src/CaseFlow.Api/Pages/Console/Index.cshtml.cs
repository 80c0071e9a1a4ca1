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
        People = await CaseStatusProjection.NamesAsync(db, keys, [.. items.Select(a => a.CaseId).Distinct()], ct);
        await PersonalDataAccess.RecordAsync(HttpContext, [.. People.Keys]);
    }
}
