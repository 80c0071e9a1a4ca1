using System.Globalization;
using CaseFlow.Api.Cases.ListingCases;
using CaseFlow.Api.Console;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Input;
using CaseFlow.Core.Security;
using CaseFlow.Core.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Pages.Console;

/// <summary>
/// The caseload: search by name (accent-insensitive, whole words or their beginnings) or passport number, a status filter, next
/// deadline first, 50 a page (the API's cursor); the whole filtered caseload as a CSV file.
/// </summary>
public sealed class CasesModel(NpgsqlDataSource db, DataKeys keys, IClock clock) : PageModel
{
    public static readonly string[] Statuses = ["notArrived", "inCountry", "overstaying", "left", "closed"];
    private const int PageSize = 50;
    private const int ExportPage = 500;

    public IReadOnlyList<CaseSummary> Items { get; private set; } = [];
    public string? Q { get; private set; }
    public string? Status { get; private set; }
    public string? Problem { get; private set; }
    public string? Next { get; private set; }
    public bool CanOpen { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? q, string? status, string? after, CancellationToken ct)
    {
        if (Refusal(q, status, after, out var principal, out var cursor) is { } refusal) return refusal;
        CanOpen = principal.Role == Role.Compliance;
        if (Problem is not null) return Page();
        var items = await CaseStatusProjection.ListAsync(db, keys, Query(principal, cursor, PageSize + 1), ct);
        Items = [.. items.Take(PageSize).Select(i => i.Summary)];
        Next = items.Count > PageSize ? ListCasesEndpoint.Cursor(items[PageSize - 1].SortDue, items[PageSize - 1].Summary.Id) : null;
        await PersonalDataAccess.RecordAsync(HttpContext, [.. Items.Select(i => i.Id)]);
        return Page();
    }

    /// <summary>The caseload as the filters select it, every page of it, as <c>caseload-DATE.csv</c>; each page's cases in the access log before it is written.</summary>
    public async Task<IActionResult> OnGetCsvAsync(string? q, string? status, CancellationToken ct)
    {
        if (Refusal(q, status, null, out var principal, out _) is { } refusal) return refusal;
        if (Problem is not null) return BadRequest(Problem);
        var today = RequestContext.TodayIn(clock);
        var csv = await CsvDownload.StartAsync(Response, $"caseload-{today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv",
            ["caseId", "familyName", "givenNames", "nationality", "passport", "status", "notification", "permittedUntil", "nextDeadline", "nextDeadlineDue", "fineMci"], ct);
        (DateOnly, Guid)? cursor = null;
        do
        {
            var items = await CaseStatusProjection.ListAsync(db, keys, Query(principal, cursor, ExportPage + 1), ct);
            var page = items.Take(ExportPage).Select(i => i.Summary).ToList();
            await PersonalDataAccess.RecordAsync(HttpContext, [.. page.Select(c => c.Id)]);
            await csv.WriteAsync(page.Select(c => new[]
            {
                c.Id.ToString(), c.FamilyName, c.GivenNames, c.Nationality, c.Passport, c.Status, c.NotificationStatus, CsvDownload.Date(c.PermittedUntil),
                c.NextDeadline?.Kind, CsvDownload.Date(c.NextDeadline?.Due), CsvDownload.Number<decimal>(c.FineExposure.Mci),
            }), ct);
            cursor = items.Count > ExportPage ? (items[ExportPage - 1].SortDue, items[ExportPage - 1].Summary.Id) : null;
        }
        while (cursor is not null);
        return new EmptyResult();
    }

    private IActionResult? Refusal(string? q, string? status, string? after, out Principal principal, out (DateOnly, Guid)? cursor)
    {
        (principal, cursor) = (null!, null);
        if (HttpContext.Principal() is not { } signedIn) return Redirect("/console/signin");
        principal = signedIn;
        if (principal.Role is not (Role.Compliance or Role.Auditor)) return Redirect("/console/ops");
        (Q, Status) = (q, Statuses.Contains(status) ? status : null);
        if (q is not null && InputRules.StringProblem("q", q) is { } problem) Problem = $"q: {problem}";
        else if (after is not null && (cursor = ListCasesEndpoint.ParseCursor(after)) is null) Problem = "after: not a cursor this console issued";
        return null;
    }

    private CaseListQuery Query(Principal principal, (DateOnly, Guid)? cursor, int limit) =>
        new(principal.HostParties, Status, null, null, string.IsNullOrWhiteSpace(Q) ? null : Q, cursor, limit, RequestContext.TodayIn(clock));
}
