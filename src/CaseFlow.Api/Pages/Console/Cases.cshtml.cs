using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Input;
using CaseFlow.Core.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Pages.Console;

/// <summary>The caseload: search by name (accent-insensitive, whole words or their beginnings) or passport number, a status filter, next deadline first, 50 at a time.</summary>
public sealed class CasesModel(NpgsqlDataSource db, DataKeys keys, IClock clock) : PageModel
{
    public static readonly string[] Statuses = ["notArrived", "inCountry", "overstaying", "left", "closed"];

    public IReadOnlyList<CaseSummary> Items { get; private set; } = [];
    public string? Q { get; private set; }
    public string? Status { get; private set; }
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? q, string? status, CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (principal.Role is not (CaseFlow.Core.Users.Role.Compliance or CaseFlow.Core.Users.Role.Auditor)) return Redirect("/console/ops");
        (Q, Status) = (q, Statuses.Contains(status) ? status : null);
        if (q is not null && InputRules.StringProblem("q", q) is { } problem)
        {
            Problem = $"q: {problem}";
            return Page();
        }
        var items = await CaseStatusProjection.ListAsync(db, keys,
            new CaseListQuery(principal.HostParties, Status, null, null, string.IsNullOrWhiteSpace(q) ? null : q, null, 50, RequestContext.TodayIn(clock)), ct);
        Items = [.. items.Select(i => i.Summary)];
        await PersonalDataAccess.RecordAsync(HttpContext, [.. Items.Select(i => i.Id)]);
        return Page();
    }
}
