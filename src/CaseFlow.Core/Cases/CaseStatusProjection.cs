using CaseFlow.Core.HostParties;
using CaseFlow.Core.Projections;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Cases;

/// <summary>What the status row says of a case, from its events alone (deterministic: no clock).</summary>
public sealed record CaseStatusRow(string Status, StayBasisKind? Basis, LocalDate? PermittedUntil, DeadlineKind? NextDeadlineKind, LocalDate? NextDeadlineDue,
    decimal FineMci, decimal? FineTenge, string? CatalogueVersion);

/// <summary>
/// The inline case status read model and the owner of the case_status table (this class and its partial <c>.Listing.cs</c>), upserted in the append transaction. Its figures are evaluated as of
/// the latest business date in the stream, never the clock, so a rebuild gives the same rows; <c>GET /api/cases/{id}</c> adds
/// the live evaluation as of today. The next deadline is the earliest one not yet met; lists sort by it.
/// </summary>
public sealed partial class CaseStatusProjection(RuleCatalogue catalogue) : IInlineCaseProjection
{
    /// <summary>The unique index that allows one case per person (nationality, passport) and host party.</summary>
    public const string PersonConstraint = "case_status_person";

    public string StreamType => CaseRepository.StreamType;

    public Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LoadedCase updated, IReadOnlyList<CaseEvent> decided, Instant recordedAt, CancellationToken ct) =>
        ApplyAsync(connection, tx, updated, catalogue, recordedAt, ct);

    /// <summary>
    /// The rows of many cases just opened (an import's batch): one lookup of their host parties' sizes, then one binary COPY. New cases
    /// have no row yet; a person the host party already has fails the COPY on <see cref="PersonConstraint"/>, as the upsert would.
    /// </summary>
    public async Task ApplyManyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<LoadedCase> opened, Instant recordedAt, CancellationToken ct)
    {
        if (opened.Count == 0) return;
        var sizes = await HostPartyStore.SizesAsync(connection, tx, opened.Select(c => c.HostPartyId), ct);
        await CaseProjection.CopyAsync(connection, TableName, RowColumns, [.. opened.Select(c => Values(c, Compute(c, catalogue, sizes.GetValueOrDefault(c.HostPartyId)), recordedAt))], ct);
    }

    public static CaseStatusRow Compute(LoadedCase c, RuleCatalogue catalogue, HostPartySizes? sizes)
    {
        if (c.LatestBusinessDate is not { } latest) return new CaseStatusRow(c.State.Closed ? "closed" : "notArrived", null, null, null, null, 0, 0, catalogue.Version);
        var e = c.Evaluate(catalogue, sizes, latest);
        var next = NextDeadline(e, c.State.InCountry);
        var status = StatusOf(c.State, e);
        var fines = FineTotal.Of(e.Fines);
        return new CaseStatusRow(status, c.State.LastEntry is null ? null : e.Basis, e.PermittedUntil, c.State.Closed ? null : next?.Kind, c.State.Closed ? null : next?.Due,
            fines.Mci, fines.Tenge, e.CatalogueVersion);
    }

    /// <summary>notArrived, inCountry, overstaying (judged by <paramref name="e"/>), left or closed.</summary>
    public static string StatusOf(CaseState state, Evaluation? e) =>
        state.Closed ? "closed" : state.LastEntry is null ? "notArrived" : !state.InCountry ? "left" : e?.OverstayDays > 0 ? "overstaying" : "inCountry";

    /// <summary>
    /// The deadline to act on next: while the person is in the country, the earliest not yet met (a missed notification still needs
    /// filing); after the exit, the earliest still open. The opening of the extension window is a date, not a deadline: skipped.
    /// </summary>
    public static Deadline? NextDeadline(Evaluation e, bool inCountry) => e.Deadlines
        .Where(d => d.Kind != DeadlineKind.ExtensionWindowOpens && d.Outstanding && (inCountry || d.Status == DeadlineStatus.Open))
        .OrderBy(d => d.Due).FirstOrDefault();

    public static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LoadedCase c, RuleCatalogue catalogue, Instant recordedAt, CancellationToken ct)
    {
        var size = await HostPartyStore.SizeAsync(connection, tx, c.HostPartyId, ct);
        await using var batch = new NpgsqlBatch(connection, tx) { BatchCommands = { Upsert(c, Compute(c, catalogue, size), recordedAt) } };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The columns of a case's status row, in the order <see cref="Values"/> gives them.</summary>
    private const string TableName = "case_status";

    private static readonly Column[] RowColumns =
    [
        new("case_id", NpgsqlDbType.Uuid), new("host_party_id", NpgsqlDbType.Uuid), new("version", NpgsqlDbType.Bigint), new("nationality", NpgsqlDbType.Text),
        new("personal", NpgsqlDbType.Bytea), new("in_country", NpgsqlDbType.Boolean), new("last_entry", NpgsqlDbType.Date),
        new("last_exit", NpgsqlDbType.Date), new("notification_status", NpgsqlDbType.Text), new("last_notified", NpgsqlDbType.Date), new("updated_at", NpgsqlDbType.TimestampTz),
        new("status", NpgsqlDbType.Text), new("basis", NpgsqlDbType.Text), new("permitted_until", NpgsqlDbType.Date), new("next_deadline_kind", NpgsqlDbType.Text),
        new("next_deadline_due", NpgsqlDbType.Date), new("fine_mci", NpgsqlDbType.Numeric), new("fine_tenge", NpgsqlDbType.Numeric), new("catalogue_version", NpgsqlDbType.Text),
        new("passport_index", NpgsqlDbType.Bytea), new("search_tokens", NpgsqlDbType.Array | NpgsqlDbType.Bytea), new("closed_on", NpgsqlDbType.Date),
    ];

    /// <summary>The columns an upsert replaces: all but the case, its host party and the person's nationality, which never change.</summary>
    private static readonly string Replaced = string.Join(", ", RowColumns.Skip(2).Where(c => c.Name is not "nationality")
        .Select(c => $"{c.Name} = EXCLUDED.{c.Name}"));

    private static readonly string UpsertSql = $"""
        INSERT INTO case_status ({string.Join(", ", RowColumns.Select(c => c.Name))})
        VALUES ({string.Join(", ", RowColumns.Select((_, i) => $"${i + 1}"))})
        ON CONFLICT (case_id) DO UPDATE SET {Replaced}
        """;

    /// <summary>The case's status row, inserted or replaced.</summary>
    private static NpgsqlBatchCommand Upsert(LoadedCase c, CaseStatusRow row, Instant recordedAt)
    {
        var command = new NpgsqlBatchCommand(UpsertSql);
        var values = Values(c, row, recordedAt);
        for (var i = 0; i < values.Length; i++) command.Parameters.Add(new NpgsqlParameter { Value = values[i] ?? DBNull.Value, NpgsqlDbType = RowColumns[i].Type });
        return command;
    }

    private static object?[] Values(LoadedCase c, CaseStatusRow row, Instant recordedAt)
    {
        var state = c.State;
        var p = state.Person!;
        var keys = c.Keys;
        var erased = p.Erased || keys.IsErased(c.Id.Value);
        return
        [
            c.Id.Value, c.HostPartyId, c.Version, p.Nationality, erased ? null : keys.Seal(c.Id.Value, PersonalSummary.Of(p).ToJson()), state.InCountry, state.LastEntry?.ToDateOnly(), state.LastExit?.ToDateOnly(),
            CamelCase<NotificationStatus>.Of(state.Notification), state.LastNotified?.ToDateOnly(), recordedAt.ToDateTimeUtc(), row.Status, row.Basis is { } b ? CamelCase<StayBasisKind>.Of(b) : null,
            row.PermittedUntil?.ToDateOnly(), row.NextDeadlineKind is { } k ? CamelCase<DeadlineKind>.Of(k) : null, row.NextDeadlineDue?.ToDateOnly(), row.FineMci, row.FineTenge,
            row.CatalogueVersion, erased ? null : keys.Ring.PassportIndex(p.Nationality, p.PassportNumber),
            erased ? Array.Empty<byte[]>() : [.. keys.Ring.NameIndexTokens($"{p.FamilyName} {p.GivenNames}"), .. PassportNumbers(c.Events).Select(keys.Ring.PassportSearchToken)],
            c.Events.OfType<CaseClosed>().LastOrDefault()?.Date.ToDateOnly(),
        ];
    }

    /// <summary>Every passport number the case has had, the current one last: a replaced number still finds the case.</summary>
    public static IEnumerable<string> PassportNumbers(IEnumerable<CaseEvent> events) => events
        .Select(e => e switch { CaseOpened o => o.Person.PassportNumber, PassportReplaced r => r.PassportNumber, _ => null })
        .OfType<string>().Distinct();

    public static string Mask(string passport) => passport.Length <= 4 ? "****" : $"{passport[..2]}{new string('*', passport.Length - 4)}{passport[^2..]}";
}
