using System.Globalization;
using System.Text;
using System.Text.Json;
using CaseFlow.Api.Cases;
using CaseFlow.Api.HostParties;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Api.Projections;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Json;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace CaseFlow.Api.Audit;

public sealed record HistoryPage(IReadOnlyList<HistoryEntry> Items, int Page, int PageSize, long Total);

public sealed record HistoryEntry(long Version, long Sequence, Guid EventId, string Type, JsonElement Data, string Actor, Guid CorrelationId, Guid? CausationId,
    string? CatalogueVersion, Instant RecordedAt, string Text);

/// <param name="KnownAt">Only events recorded at or before this instant were used ("what did we know then"); null = everything known now.</param>
/// <param name="AsOfDate">The business date judged ("what was true then").</param>
public sealed record CaseStateAt(Guid CaseId, LocalDate AsOfDate, Instant? KnownAt, long EventsKnown, CaseState State, Evaluation Evaluation);

/// <summary>
/// The auditor's view: paged history with metadata, the case state at a business date and/or as known at an instant, the timeline in
/// plain words, exports, and hash-chain verification.
/// </summary>
public static class AuditEndpoints
{
    public static void MapAudit(this WebApplication app)
    {
        var cases = app.MapGroup("/api/cases").WithTags("Audit").RequireRoles(Role.Auditor, Role.Compliance);

        cases.MapGet("{id:guid}/history", async (Guid id, int? page, int? pageSize, HttpContext http, CaseRepository repository, CancellationToken ct) =>
        {
            var size = pageSize ?? 50;
            var number = page ?? 1;
            if (size is < 1 or > 500) return Problems.Validation("pageSize", "must be between 1 and 500");
            if (number < 1) return Problems.Validation("page", "must be 1 or more");
            var events = await ReadableAsync(http, repository, id, ct);
            if (events is null) return Problems.NotFound($"case {id}");
            var items = events.Skip((number - 1) * size).Take(size)
                .Select(e => new HistoryEntry(e.Version, e.Sequence, e.EventId, e.Type, e.Data, e.Metadata.Actor, e.Metadata.CorrelationId, e.Metadata.CausationId,
                    e.Metadata.CatalogueVersion, e.RecordedAt, TimelineProjection.Describe((CaseEvent)CaseRepository.Types.FromRecorded(e))))
                .ToList();
            return Results.Ok(new HistoryPage(items, number, size, events.Count));
        }).WithName("GetCaseHistory").Produces<HistoryPage>();

        cases.MapGet("{id:guid}/state", async (Guid id, string? asOfDate, string? knownAt, HttpContext http, CaseRepository repository, RuleCatalogue catalogue,
            NpgsqlDataSource db, IClock clock, CancellationToken ct) =>
        {
            Instant? known = null;
            if (knownAt is not null)
            {
                var parsed = InstantPattern.ExtendedIso.Parse(knownAt);
                if (!parsed.Success) return Problems.Validation("knownAt", "an instant like 2024-05-01T09:00:00Z");
                known = parsed.Value;
            }
            LocalDate? date = null;
            if (asOfDate is not null)
            {
                var parsed = LocalDatePattern.Iso.Parse(asOfDate);
                if (!parsed.Success || InputRules.DateProblem(parsed.Value) is not null)
                    return Problems.Validation("asOfDate", $"a date from {InputRules.MinDate:yyyy-MM-dd} to {InputRules.MaxDate:yyyy-MM-dd} in the form YYYY-MM-DD");
                date = parsed.Value;
            }
            var current = await repository.LoadAsync(new CaseId(id), ct: ct);
            if (current is null || !http.Principal()!.CanRead(current.HostPartyId)) return Problems.NotFound($"case {id}");
            var loaded = known is null ? current : await repository.LoadAsync(new CaseId(id), known, ct);
            var judged = date ?? CaseFlow.Domain.Calendar.LegalTime.DateOf(known ?? clock.GetCurrentInstant());
            if (loaded is null) return Problems.NotFound($"case {id} as known at {knownAt}");
            await using var connection = await db.OpenConnectionAsync(ct);
            var size = await HostPartyStore.SizeAsync(connection, null, loaded.HostPartyId, ct);
            var evaluation = RulesEngine.Evaluate(catalogue, CaseFactsMapper.From(loaded.Events, size), judged);
            var state = CaseState.Fold(loaded.Events.Where(e => CaseEvents.DateOf(e) is not { } d || d <= judged));
            return Results.Ok(new CaseStateAt(id, judged, known, loaded.Version, state, evaluation));
        }).WithName("GetCaseStateAt").Produces<CaseStateAt>();

        cases.MapGet("{id:guid}/timeline", async (Guid id, HttpContext http, CaseRepository repository, NpgsqlDataSource db, CancellationToken ct) =>
        {
            var current = await repository.LoadAsync(new CaseId(id), ct: ct);
            if (current is null || !http.Principal()!.CanRead(current.HostPartyId)) return Problems.NotFound($"case {id}");
            await using var command = db.CreateCommand($"SELECT version, recorded_at, actor, business_date, type, text FROM {TimelineProjection.Table} WHERE case_id = $1 ORDER BY version");
            command.Parameters.Add(new() { Value = id });
            var rows = new List<object>();
            await using var row = await command.ExecuteReaderAsync(ct);
            while (await row.ReadAsync(ct))
                rows.Add(new
                {
                    version = row.GetInt64(0), recordedAt = Instant.FromDateTimeUtc(DateTime.SpecifyKind(row.GetDateTime(1), DateTimeKind.Utc)), actor = row.GetString(2),
                    businessDate = row.IsDBNull(3) ? (LocalDate?)null : LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(3)), type = row.GetString(4), text = row.GetString(5),
                });
            return Results.Ok(rows);
        }).WithName("GetCaseTimeline");

        cases.MapGet("{id:guid}/export", async (Guid id, string? format, HttpContext http, CaseRepository repository, RuleCatalogue catalogue, IClock clock,
            NpgsqlDataSource db, CancellationToken ct) =>
        {
            if (format is not (null or "json" or "csv")) return Problems.Validation("format", "json or csv");
            var events = await ReadableAsync(http, repository, id, ct);
            if (events is null) return Problems.NotFound($"case {id}");
            var loaded = Fold(id, events);
            var today = RequestContext.TodayIn(clock);
            if (format == "csv")
            {
                var csv = new StringBuilder("version,sequence,recordedAt,actor,correlationId,type,businessDate,text,hash\n");
                foreach (var e in events)
                {
                    var domain = (CaseEvent)CaseRepository.Types.FromRecorded(e);
                    csv.Append(CultureInfo.InvariantCulture, $"{e.Version},{e.Sequence},{InstantPattern.ExtendedIso.Format(e.RecordedAt)},{Quote(e.Metadata.Actor)},{e.Metadata.CorrelationId},")
                       .Append(CultureInfo.InvariantCulture, $"{e.Type},{CaseEvents.DateOf(domain)?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)},{Quote(TimelineProjection.Describe(domain))},{Convert.ToHexStringLower(e.Hash)}\n");
                }
                return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", $"case-{id}.csv");
            }
            await using var connection = await db.OpenConnectionAsync(ct);
            var size = await HostPartyStore.SizeAsync(connection, null, loaded.HostPartyId, ct);
            var evaluation = RulesEngine.Evaluate(catalogue, CaseFactsMapper.From(loaded.Events, size), today);
            return Results.Json(new
            {
                caseId = id, exportedAsOf = today, version = loaded.Version, evaluation,
                events = events.Select(e => new { e.Version, e.Sequence, e.EventId, e.Type, e.Data, e.Metadata, e.RecordedAt, hash = Convert.ToHexStringLower(e.Hash) }),
            }, CaseFlowJson.Options);
        }).WithName("ExportCase");

        app.MapGet("/api/audit/verify", async (Guid? @case, HttpContext http, PostgresEventStore store, CaseRepository repository, CancellationToken ct) =>
        {
            var principal = http.Principal()!;
            if (@case is { } id)
            {
                if (await ReadableAsync(http, repository, id, ct) is null) return Problems.NotFound($"case {id}");
                return Results.Ok(await store.VerifyAsync(id, ct));
            }
            if (principal.Role is not (Role.Ops or Role.Admin))
                return Problems.Problem(StatusCodes.Status403Forbidden, "forbidden", "Not allowed for this role", "verifying the whole store is for ops and admin; auditors verify a case");
            var (streams, broken) = await store.VerifyAllAsync(ct: ct);
            return Results.Ok(new { streams, intact = broken.Count == 0, broken });
        }).WithTags("Audit").WithName("Verify").RequireRoles(Role.Auditor, Role.Compliance, Role.Ops, Role.Admin);
    }

    /// <summary>
    /// The case's recorded events when the caller may read the case, else null (404, no existence leak). Tenancy is judged as
    /// everywhere else: by the host party of the folded case, not by a stream column.
    /// </summary>
    private static async Task<IReadOnlyList<RecordedEvent>?> ReadableAsync(HttpContext http, CaseRepository repository, Guid id, CancellationToken ct)
    {
        var events = await repository.Store.ReadStreamAsync(id, ct: ct);
        if (events.Count == 0) return null;
        return http.Principal()!.CanRead(Fold(id, events).HostPartyId) ? events : null;
    }

    private static LoadedCase Fold(Guid id, IReadOnlyList<RecordedEvent> events)
    {
        var domain = events.Select(e => (CaseEvent)CaseRepository.Types.FromRecorded(e)).ToList();
        return new LoadedCase(new CaseId(id), domain, CaseState.Fold(domain), events[^1].Version);
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
