using System.Globalization;
using System.Text;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Projections;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Json;
using CaseFlow.Domain.Rules;
using NodaTime;
using NodaTime.Text;

namespace CaseFlow.Api.Audit.ExportingCase;

/// <summary>
/// <c>GET /api/cases/{id}/export?format=json|csv</c>: the whole history with metadata and hashes; JSON adds the evaluation as of
/// today (with the host party's fine tier), CSV one line per event in plain words.
/// </summary>
public static class ExportCaseEndpoint
{
    public static void MapExportCase(this RouteGroupBuilder cases) => cases.MapGet("{id:guid}/export", async (
        Guid id, string? format, HttpContext http, CaseReader reader, RuleCatalogue catalogue, IClock clock, CancellationToken ct) =>
    {
        if (format is not (null or "json" or "csv")) return Problems.Validation("format", "json or csv");
        if (await reader.ReadAsync(id, http.Principal()!, ct) is not { } readable) return Problems.NotFound($"case {id}");
        if (format == "csv")
        {
            var csv = new StringBuilder("version,sequence,recordedAt,actor,correlationId,type,businessDate,text,hash\n");
            foreach (var (e, domain) in readable.Revealed.Zip(readable.Case.Events))
            {
                csv.Append(CultureInfo.InvariantCulture, $"{e.Version},{e.Sequence},{InstantPattern.ExtendedIso.Format(e.RecordedAt)},{Quote(e.Metadata.Actor)},{e.Metadata.CorrelationId},")
                   .Append(CultureInfo.InvariantCulture, $"{e.Type},{CaseEvents.DateOf(domain)?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)},{Quote(TimelineProjection.Describe(domain))},{Convert.ToHexStringLower(e.Hash)}\n");
            }
            return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", $"case-{id}.csv");
        }
        var today = RequestContext.TodayIn(clock);
        return Results.Json(new
        {
            caseId = id, exportedAsOf = today, version = readable.Case.Version, evaluation = readable.Evaluate(catalogue, today),
            events = readable.Revealed.Select(e => new { e.Version, e.Sequence, e.EventId, e.Type, e.Data, e.Metadata, e.RecordedAt, hash = Convert.ToHexStringLower(e.Hash) }),
        }, CaseFlowJson.Options);
    })
    .LogsCaseAccess()
    .WithName("ExportCase");

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
