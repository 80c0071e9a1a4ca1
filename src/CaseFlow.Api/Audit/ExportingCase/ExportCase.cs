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
        return format == "csv"
            ? Results.File(Encoding.UTF8.GetBytes(Csv(readable)), "text/csv", $"case-{id}.csv")
            : Results.Json(Json(readable, catalogue, RequestContext.TodayIn(clock)), CaseFlowJson.Options);
    })
    .LogsCaseAccess()
    .WithName("ExportCase");

    /// <summary>The audit CSV: one line per event (version, sequence, recorded-at, actor, correlation, type, business date, plain words, hash).</summary>
    public static string Csv(ReadableCase readable)
    {
        var csv = new StringBuilder("version,sequence,recordedAt,actor,correlationId,type,businessDate,text,hash\n");
        foreach (var (e, domain) in readable.Revealed.Zip(readable.Case.Events))
        {
            csv.Append(CultureInfo.InvariantCulture, $"{e.Version},{e.Sequence},{InstantPattern.ExtendedIso.Format(e.RecordedAt)},{Core.Imports.Csv.Field(e.Metadata.Actor)},{e.Metadata.CorrelationId},")
               .Append(CultureInfo.InvariantCulture, $"{e.Type},{CaseEvents.DateOf(domain)?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)},{Core.Imports.Csv.Field(TimelineProjection.Describe(domain))},{Convert.ToHexStringLower(e.Hash)}\n");
        }
        return csv.ToString();
    }

    /// <summary>The audit JSON: the case's evaluation as of <paramref name="today"/> and every event with its data (personal fields opened or erased), metadata and hash.</summary>
    public static object Json(ReadableCase readable, RuleCatalogue catalogue, LocalDate today) => new
    {
        caseId = readable.Case.Id.Value, exportedAsOf = today, version = readable.Case.Version, evaluation = readable.Evaluate(catalogue, today),
        events = readable.Revealed.Select(e => new { e.Version, e.Sequence, e.EventId, e.Type, e.Data, e.Metadata, e.RecordedAt, hash = Convert.ToHexStringLower(e.Hash) }),
    };
}
