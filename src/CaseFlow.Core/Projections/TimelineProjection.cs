using CaseFlow.Core.Security;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Cases;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore.Projections;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Projections;

/// <summary>The auditor's case timeline: each event in plain words, with who recorded it, when, and its business date.</summary>
/// <summary>One line of a case's timeline.</summary>
public sealed record TimelineEntry(long Version, Instant RecordedAt, string Actor, LocalDate? BusinessDate, string Type, string Text);

public sealed class TimelineProjection(DataKeys dataKeys) : IStreamProjection, ITableProjection
{
    private readonly CaseKeys withheld = dataKeys.Withheld;

    public const string TableName = "case_timeline";

    public string Table => TableName;

    public string Name => "timeline";
    public PoisonPolicy Policy => PoisonPolicy.Skip;
    public IReadOnlyList<string> Tables => [Table];
    public IReadOnlyList<TableShape> Shapes => [new(Table, Columns)];

    public IReadOnlyList<Column> Columns { get; } =
    [
        new("case_id", NpgsqlDbType.Uuid), new("version", NpgsqlDbType.Bigint), new("seq", NpgsqlDbType.Bigint), new("recorded_at", NpgsqlDbType.TimestampTz),
        new("actor", NpgsqlDbType.Text), new("business_date", NpgsqlDbType.Date), new("type", NpgsqlDbType.Text), new("text", NpgsqlDbType.Text),
    ];

    public IReadOnlyCollection<string> StreamTypes => [CaseRepository.StreamType];

    /// <summary>A rebuild's whole streams: one row per event, as when following the log.</summary>
    public Task ApplyStreamsAsync(ProjectionContext context, IReadOnlyList<IReadOnlyList<CaseFlow.EventStore.RecordedEvent>> streams, CancellationToken ct) =>
        ApplyAsync(context, [.. streams.SelectMany(s => s)], ct);

    /// <summary>One line of the table, in <see cref="Columns"/> order.</summary>
    private readonly record struct Line(Guid CaseId, long Version, long Seq, DateTime RecordedAt, string Actor, DateOnly? BusinessDate, string Type, string Text);

    /// <summary>One COPY per batch: each event is applied exactly once (the checkpoint commits with the rows).</summary>
    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<CaseFlow.EventStore.RecordedEvent> batch, CancellationToken ct)
    {
        // A case's own stream only: alert streams (issue 11) have versions of their own; the inbox and the alert history tell their story.
        var events = batch.Where(e => CaseRepository.Types.Knows(e.Type) && !(AlertRepository.IsAlertEvent(e.Type) && e.Data.GetProperty("caseId").GetGuid() != e.StreamId)).ToList();
        if (events.Count == 0) return;
        var lines = new Line[events.Count];
        CaseProjection.ForEach(events.Count, i =>
        {
            var recorded = events[i];
            var e = withheld.Decode(recorded);
            lines[i] = new(recorded.StreamId, recorded.Version, recorded.Sequence, recorded.RecordedAt.ToDateTimeUtc(), recorded.Metadata.Actor,
                CaseEvents.DateOf(e)?.ToDateOnly(), recorded.Type, Describe(e));
        });
        // Typed writes (a million lines in a rebuild): no value boxed, no converter looked up per value.
        await using var copy = await context.Connection.BeginBinaryImportAsync(
            $"COPY {context.Table(Table)} ({string.Join(", ", Columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var line in lines)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(line.CaseId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(line.Version, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(line.Seq, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(line.RecordedAt, NpgsqlDbType.TimestampTz, ct);
            await copy.WriteAsync(line.Actor, NpgsqlDbType.Text, ct);
            if (line.BusinessDate is { } date) await copy.WriteAsync(date, NpgsqlDbType.Date, ct);
            else await copy.WriteNullAsync(ct);
            await copy.WriteAsync(line.Type, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(line.Text, NpgsqlDbType.Text, ct);
        }
        await copy.CompleteAsync(ct);
    }

    /// <summary>The case's timeline in version order.</summary>
    public static async Task<IReadOnlyList<TimelineEntry>> ReadAsync(NpgsqlDataSource db, Guid caseId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT version, recorded_at, actor, business_date, type, text FROM case_timeline WHERE case_id = $1 ORDER BY version");
        command.Parameters.Add(new() { Value = caseId });
        var rows = new List<TimelineEntry>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
            rows.Add(new TimelineEntry(row.GetInt64(0), Instant.FromDateTimeUtc(DateTime.SpecifyKind(row.GetDateTime(1), DateTimeKind.Utc)), row.GetString(2),
                row.IsDBNull(3) ? null : LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(3)), row.GetString(4), row.GetString(5)));
        return rows;
    }

    /// <summary>An event in plain words, with no personal data: the rows are read without the case's key and outlive an erasure.</summary>
    public static string Describe(CaseEvent e) => e switch
    {
        CaseOpened o => $"Case opened ({o.Person.Nationality} national)",
        Entered x => $"Entered Kazakhstan on {D(x.Date)} at {x.BorderPoint}",
        Notified n => $"Migration service notified on {D(n.Date)} via {n.Channel}{(n.Reference is null ? "" : $" (reference {n.Reference})")}",
        AddressChanged a => $"Moved to a new address on {D(a.Date)}",
        VisaIssued v => $"{(v.EVisa ? "e-Visa" : "Visa")} {v.Category} ({v.Entries.ToString().ToLowerInvariant()} entry) issued{(v.InCountry ? " in Kazakhstan" : "")}, valid {D(v.ValidFrom)} to {D(v.ValidTo)}"
                        + (v.StayPerEntryDays is { } s ? $", {s} days per entry" : ""),
        VisaExtended x => $"Visa extended on {D(x.Date)} from {D(x.PreviousValidTo)} to {D(x.ValidTo)}",
        CategoryChanged c => $"Visa category changed on {D(c.Date)} from {c.From ?? "visa-free"} to {c.To} ({c.MatrixRule}), valid {D(c.ValidFrom)} to {D(c.ValidTo)}",
        VisaCancelled c => $"Visa {c.Category} cancelled on {D(c.Date)}; exit visa until {D(c.ExitVisaUntil)} ({c.ExitRule})",
        ResidencePermitIssued p => $"Temporary residence permit issued on {D(p.Date)}, valid {D(p.ValidFrom)} to {D(p.ValidTo)}",
        PassportReplaced p => $"Passport replaced on {D(p.Date)}"
                              + (p.EVisaInvalidated ? "; the e-Visa is no longer valid" : "") + (p.IinUpdateRequired ? "; the IIN record must be updated" : ""),
        Exited x => $"Left Kazakhstan on {D(x.Date)}",
        CaseClosed c => $"Case closed on {D(c.Date)}",
        AlertRaised a => $"Alert raised on {D(a.RaisedOn)}: {a.Message}",
        AlertAcknowledged a => $"Alert {a.AlertId} acknowledged on {D(a.Date)}",
        AlertResolved a => $"Alert {a.AlertId} resolved on {D(a.Date)}{(a.Automatic ? " automatically" : "")}",
        PersonalDataErased x => $"Personal data erased ({x.Basis})",
        _ => e.GetType().Name,
    };

    /// <summary>A date as <c>yyyy-MM-dd</c>, formatted straight into the line.</summary>
    private static IsoDate D(LocalDate date) => new(date);
}
