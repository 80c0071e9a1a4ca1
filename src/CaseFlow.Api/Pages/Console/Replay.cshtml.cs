using System.Text;
using System.Text.Json;
using CaseFlow.Api.Audit.ExportingCase;
using CaseFlow.Api.Audit.GettingStateAt;
using CaseFlow.Api.Console;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Security;
using CaseFlow.Domain.Cases;
using CaseFlow.EventStore;
using Npgsql;
using CaseFlow.Domain.Json;
using CaseFlow.Domain.Rules;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;

namespace CaseFlow.Api.Pages.Console;

/// <summary>
/// The auditor's replay: a case one version at a time (the event, who recorded it and when, the state and the evaluation as of that
/// version's latest business date), and the export of the whole history as JSON or CSV with a file name.
/// </summary>
public sealed class ReplayModel(CaseReader reader, RuleCatalogue catalogue, IClock clock, PostgresEventStore store, NpgsqlDataSource db) : PageModel
{
    public ReadableCase At { get; private set; } = null!;
    public long Versions { get; private set; }
    public Evaluation? Evaluation { get; private set; }
    public VerificationResult Chain { get; private set; } = null!;
    public IReadOnlyList<AccessEntry> Access { get; private set; } = [];

    /// <summary>The versions compared (<c>from</c> to this one) and the state lines that differ, with the events in between.</summary>
    public (long From, IReadOnlyList<(string Field, string Before, string After)> Changes, IReadOnlyList<CaseEvent> Events)? Diff { get; private set; }

    /// <summary>The state asked for by date and/or known-at instant (the API's <c>GET /api/cases/{id}/state</c>, read the same way).</summary>
    public CaseStateAt? StateAt { get; private set; }

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, long? version, long? from, string? asOfDate, string? knownAt, CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (await reader.ReadAsync(id, principal, ct) is not { } readable) return NotFound();
        Versions = readable.Case.Version;
        At = readable.AtVersion(Math.Clamp(version ?? Versions, 1, Versions));
        Evaluation = At.Case.LatestBusinessDate is { } latest ? At.Evaluate(catalogue, latest) : null;
        if (from is { } f && f >= 1 && f < At.Case.Version)
        {
            var before = readable.AtVersion(f).Case;
            var changes = Lines(before.State).Zip(Lines(At.Case.State)).Where(p => p.First.Value != p.Second.Value)
                .Select(p => (p.First.Field, p.First.Value, p.Second.Value)).ToList();
            Diff = (f, changes, [.. At.Case.Events.Skip((int)f)]);
        }
        if (!string.IsNullOrEmpty(asOfDate) || !string.IsNullOrEmpty(knownAt))
        {
            var (asOf, problem) = GetCaseStateAtEndpoint.Parse(asOfDate, knownAt);
            if (problem is not null) Problem = ConsoleProblems.Of(problem);
            else if (GetCaseStateAtEndpoint.At(readable, asOf.Date, asOf.Known, catalogue, clock) is { } state) StateAt = state;
            else Problem = $"nothing was recorded by {knownAt}";
        }
        Chain = await store.VerifyAsync(id, ct);
        Access = await AccessLog.QueryAsync(db, id, null, 20, ct);
        await PersonalDataAccess.RecordAsync(HttpContext, [id]);
        return Page();
    }

    /// <summary>A case state as lines an auditor compares (no personal fields: those are on the case page).</summary>
    public static IReadOnlyList<(string Field, string Value)> Lines(CaseState s) =>
    [
        ("in the country", s.InCountry.ToString()), ("last entry", $"{s.LastEntry}"), ("last exit", $"{s.LastExit}"),
        ("notification", $"{s.Notification} {s.LastNotified}"), ("last address change", $"{s.LastAddressChange}"),
        ("visa", s.Visa is { } v ? $"{v.Category} {v.ValidFrom}–{v.ValidTo}{(v.CancelledOn is { } c ? $" cancelled {c}" : "")}" : "–"),
        ("residence permit", s.Permit is { } p ? $"{p.ValidFrom}–{p.ValidTo}" : "–"), ("closed", s.Closed.ToString()), ("erased", s.Erased.ToString()),
    ];

    public async Task<IActionResult> OnGetExportAsync(Guid id, string? format, CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (await reader.ReadAsync(id, principal, ct) is not { } readable) return NotFound();
        await PersonalDataAccess.RecordAsync(HttpContext, [id]);
        return format == "csv"
            ? File(Encoding.UTF8.GetBytes(ExportCaseEndpoint.Csv(readable)), "text/csv", $"case-{id}.csv")
            : File(JsonSerializer.SerializeToUtf8Bytes(ExportCaseEndpoint.Json(readable, catalogue, RequestContext.TodayIn(clock)), CaseFlowJson.Options),
                "application/json", $"case-{id}.json");
    }
}
