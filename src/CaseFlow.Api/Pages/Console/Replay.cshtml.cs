using System.Text;
using System.Text.Json;
using CaseFlow.Api.Audit.ExportingCase;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
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
public sealed class ReplayModel(CaseReader reader, RuleCatalogue catalogue, IClock clock) : PageModel
{
    public ReadableCase At { get; private set; } = null!;
    public long Versions { get; private set; }
    public Evaluation? Evaluation { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, long? version, CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (await reader.ReadAsync(id, principal, ct) is not { } readable) return NotFound();
        Versions = readable.Case.Version;
        At = readable.AtVersion(Math.Clamp(version ?? Versions, 1, Versions));
        Evaluation = At.Case.LatestBusinessDate is { } latest ? At.Evaluate(catalogue, latest) : null;
        await PersonalDataAccess.RecordAsync(HttpContext, [id]);
        return Page();
    }

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
