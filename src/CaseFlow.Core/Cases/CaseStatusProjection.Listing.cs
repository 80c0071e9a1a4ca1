using CaseFlow.Core.Input;
using CaseFlow.Domain.Rules;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Cases;

/// <summary>A case in a list: the passport number masked, no birth date.</summary>
public sealed record CaseSummary(Guid Id, Guid HostPartyId, long Version, string FamilyName, string GivenNames, string Nationality, string Passport, string Status,
    bool InCountry, string? Basis, LocalDate? LastEntry, LocalDate? LastExit, string NotificationStatus, LocalDate? PermittedUntil, NextDeadlineSummary? NextDeadline,
    FineTotal FineExposure);

public sealed record NextDeadlineSummary(string Kind, LocalDate Due);

/// <param name="Search">Folded name text or a passport number (see <see cref="SearchText"/>).</param>
/// <param name="After">The keyset cursor: the last row's sort date and id.</param>
public sealed record CaseListQuery(IReadOnlyCollection<Guid> HostParties, string? Status, string? Nationality, LocalDate? DeadlineBefore, string? Search,
    (DateOnly Due, Guid Id)? After, int Limit, LocalDate Today);

/// <summary>Reading the case_status table: lists, search, the person's case, the cases in the country, names.</summary>
public sealed partial class CaseStatusProjection
{
    /// <summary>
    /// Up to <see cref="CaseListQuery.Limit"/> cases sorted by next deadline (none last) then id, each with its sort date (the cursor).
    /// The stored status is as of the case's last event; a stay that has run past its last lawful day is overstaying today.
    /// </summary>
    public static async Task<IReadOnlyList<(CaseSummary Summary, DateOnly SortDue)>> ListAsync(NpgsqlDataSource db, CaseListQuery q, CancellationToken ct)
    {
        // Only the filters asked for are in the statement (SqlFilters says why).
        var sql = new SqlFilters();
        var hosts = sql.Param(q.HostParties.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid);
        var limit = sql.Param(q.Limit, NpgsqlDbType.Integer);
        var statusToday = $"CASE WHEN status = 'inCountry' AND permitted_until < {sql.Param(q.Today.ToDateOnly(), NpgsqlDbType.Date)} THEN 'overstaying' ELSE status END";
        if (q.Status is { } status) sql.Where($"{statusToday} = {sql.Param(status, NpgsqlDbType.Text)}");
        if (q.Nationality is { } nationality) sql.Where($"nationality = {sql.Param(nationality.ToUpperInvariant(), NpgsqlDbType.Text)}");
        if (q.DeadlineBefore is { } before) sql.Where($"next_deadline_due <= {sql.Param(before.ToDateOnly(), NpgsqlDbType.Date)}");
        if (!string.IsNullOrWhiteSpace(q.Search))
        {
            // Names match as folded text (accents and case ignored; % and _ are plain characters), in either order of the name parts.
            var folded = SearchText.Fold(q.Search);
            sql.Where($"({sql.Param(PassportHash(q.Search), NpgsqlDbType.Bytea)} = ANY(passport_hashes) OR strpos(search_name, {sql.Param(folded, NpgsqlDbType.Text)}) > 0 "
                + $"OR strpos(search_name, {sql.Param(Reversed(folded), NpgsqlDbType.Text)}) > 0)");
        }
        if (q.After is { } after)
            sql.Where($"(COALESCE(next_deadline_due, 'infinity'::date), case_id) > ({sql.Param(after.Due, NpgsqlDbType.Date)}, {sql.Param(after.Id, NpgsqlDbType.Uuid)})");
        // Per host party, its first cases in list order straight from case_status_list_order (migration 0013), then merged.
        await using var command = db.CreateCommand($"""
            SELECT l.* FROM unnest({hosts}) AS h(id) CROSS JOIN LATERAL (
                SELECT case_id, host_party_id, version, family_name, given_names, nationality, passport_masked, {statusToday} AS status_today, in_country, basis,
                       last_entry, last_exit, notification_status, permitted_until, next_deadline_kind, next_deadline_due, fine_mci, fine_tenge,
                       COALESCE(next_deadline_due, 'infinity'::date) AS sort_due
                FROM case_status
                WHERE host_party_id = h.id{sql.And}
                ORDER BY COALESCE(next_deadline_due, 'infinity'::date), case_id
                LIMIT {limit}) AS l
            ORDER BY l.sort_due, l.case_id
            LIMIT {limit}
            """);
        sql.AddTo(command.Parameters);

        var items = new List<(CaseSummary Summary, DateOnly SortDue)>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
        {
            items.Add((new CaseSummary(row.GetGuid(0), row.GetGuid(1), row.GetInt64(2), row.GetString(3), row.GetString(4), row.GetString(5),
                row.IsDBNull(6) ? "****" : row.GetString(6), row.GetString(7), row.GetBoolean(8), row.IsDBNull(9) ? null : row.GetString(9), Date(row, 10), Date(row, 11),
                row.GetString(12), Date(row, 13), row.IsDBNull(14) ? null : new NextDeadlineSummary(row.GetString(14), Date(row, 15)!.Value),
                new FineTotal(row.GetDecimal(16), row.IsDBNull(17) ? null : row.GetDecimal(17))), row.GetFieldValue<DateOnly>(18)));
        }
        return items;
    }

    /// <summary>The case the host party already has for this person (nationality and current passport number), or null.</summary>
    public static async Task<Guid?> FindPersonAsync(NpgsqlDataSource db, Guid hostPartyId, string nationality, string passportNumber, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT case_id FROM case_status WHERE host_party_id = $1 AND nationality = $2 AND passport_hash = $3");
        command.Parameters.Add(new() { Value = hostPartyId });
        command.Parameters.Add(new() { Value = nationality });
        command.Parameters.Add(new() { Value = PassportHash(passportNumber) });
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }

    /// <summary>The host party's cases of these people (nationality, passport number), by the person's index in <paramref name="people"/>: one query.</summary>
    public static async Task<IReadOnlyDictionary<int, Guid>> FindPeopleAsync(NpgsqlConnection connection, Guid hostPartyId, IReadOnlyList<(string Nationality, string PassportNumber)> people,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT p.n, s.case_id FROM unnest($2::text[], $3::bytea[]) WITH ORDINALITY AS p(nationality, hash, n)
            JOIN case_status s ON s.host_party_id = $1 AND s.nationality = p.nationality AND s.passport_hash = p.hash
            """, connection);
        command.Parameters.Add(new() { Value = hostPartyId });
        command.Parameters.Add(new() { Value = people.Select(p => p.Nationality).ToArray() });
        command.Parameters.Add(new() { Value = people.Select(p => PassportHash(p.PassportNumber)).ToArray() });
        var found = new Dictionary<int, Guid>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) found[(int)row.GetInt64(0) - 1] = row.GetGuid(1);
        return found;
    }

    /// <summary>"family name, given names" of each case (the digest names people, never passports).</summary>
    public static async Task<IReadOnlyDictionary<Guid, string>> NamesAsync(NpgsqlDataSource db, IReadOnlyCollection<Guid> caseIds, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT case_id, family_name, given_names FROM case_status WHERE case_id = ANY($1)");
        command.Parameters.Add(new() { Value = caseIds.ToArray() });
        var names = new Dictionary<Guid, string>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) names[row.GetGuid(0)] = $"{row.GetString(1)}, {row.GetString(2)}";
        return names;
    }

    /// <summary>"lena schmidt" for a search of "Lena Schmidt" when the stored name is "schmidt lena": the last word first.</summary>
    private static string Reversed(string folded) => folded.LastIndexOf(' ') is var at and > 0 ? $"{folded[(at + 1)..]} {folded[..at]}" : folded;

    private static LocalDate? Date(NpgsqlDataReader row, int i) => row.IsDBNull(i) ? null : LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(i));
}
