using System.Text.Json;
using CaseFlow.Core.Input;
using CaseFlow.Core.Security;
using CaseFlow.Domain.Cases;
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

/// <summary>What a list shows of the person, sealed in the status row under the case's data key: names and the masked passport number.</summary>
public sealed record PersonalSummary(string FamilyName, string GivenNames, string Passport)
{
    public static PersonalSummary Erased { get; } = new(Person.ErasedMark, Person.ErasedMark, Person.ErasedMark);

    public static PersonalSummary Of(Person p) => new(p.FamilyName, p.GivenNames, CaseStatusProjection.Mask(p.PassportNumber));

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The summary sealed in a row: erased when the key is destroyed or the row holds none.</summary>
    public static PersonalSummary Open(CaseKeys keys, Guid caseId, byte[]? sealedValue) =>
        keys.Open(caseId, sealedValue) is { } json ? JsonSerializer.Deserialize<PersonalSummary>(json)! : Erased;
}

/// <param name="Search">Whole words of the name (accents and case ignored, any order) or a passport number: matched by blind index.</param>
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
    public static async Task<IReadOnlyList<(CaseSummary Summary, DateOnly SortDue)>> ListAsync(NpgsqlDataSource db, DataKeys keys, CaseListQuery q, CancellationToken ct)
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
            // Every word of the search is a word of the name (folded: accents and case ignored), or the search is one of the case's passport numbers.
            var tokens = NpgsqlDbType.Array | NpgsqlDbType.Bytea;
            sql.Where($"(search_tokens @> {sql.Param(keys.Ring.NameSearchTokens(q.Search), tokens)} OR search_tokens @> {sql.Param(new[] { keys.Ring.PassportSearchToken(q.Search) }, tokens)})");
        }
        if (q.After is { } after)
            sql.Where($"(COALESCE(next_deadline_due, 'infinity'::date), case_id) > ({sql.Param(after.Due, NpgsqlDbType.Date)}, {sql.Param(after.Id, NpgsqlDbType.Uuid)})");
        // Per host party, its first cases in list order straight from case_status_list_order (migration 0013), then merged.
        await using var command = db.CreateCommand($"""
            SELECT l.* FROM unnest({hosts}) AS h(id) CROSS JOIN LATERAL (
                SELECT case_id, host_party_id, version, personal, nationality, {statusToday} AS status_today, in_country, basis,
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

        var rows = new List<(Guid Id, byte[]? Personal, Func<PersonalSummary, CaseSummary> Summary, DateOnly SortDue)>();
        await using (var row = await command.ExecuteReaderAsync(ct))
        {
            while (await row.ReadAsync(ct))
            {
                var (id, host, version, nationalityOf) = (row.GetGuid(0), row.GetGuid(1), row.GetInt64(2), row.GetString(4));
                var (statusOf, inCountry, basis, entry, exit, notification, until) = (row.GetString(5), row.GetBoolean(6), row.IsDBNull(7) ? null : row.GetString(7),
                    Date(row, 8), Date(row, 9), row.GetString(10), Date(row, 11));
                var next = row.IsDBNull(12) ? null : new NextDeadlineSummary(row.GetString(12), Date(row, 13)!.Value);
                var fines = new FineTotal(row.GetDecimal(14), row.IsDBNull(15) ? null : row.GetDecimal(15));
                rows.Add((id, row.IsDBNull(3) ? null : (byte[])row[3], p => new CaseSummary(id, host, version, p.FamilyName, p.GivenNames, nationalityOf, p.Passport, statusOf,
                    inCountry, basis, entry, exit, notification, until, next, fines), row.GetFieldValue<DateOnly>(16)));
            }
        }
        var opened = await keys.LoadAsync(db, [.. rows.Select(r => r.Id)], ct);
        return [.. rows.Select(r => (r.Summary(PersonalSummary.Open(opened, r.Id, r.Personal)), r.SortDue))];
    }

    /// <summary>The case the host party already has for this person (nationality and current passport number), or null.</summary>
    public static async Task<Guid?> FindPersonAsync(NpgsqlDataSource db, KeyRing ring, Guid hostPartyId, string nationality, string passportNumber, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT case_id FROM case_status WHERE host_party_id = $1 AND nationality = $2 AND passport_index = $3");
        command.Parameters.Add(new() { Value = hostPartyId });
        command.Parameters.Add(new() { Value = nationality });
        command.Parameters.Add(new() { Value = ring.PassportIndex(nationality, passportNumber) });
        return await command.ExecuteScalarAsync(ct) as Guid?;
    }

    /// <summary>The host party's cases of these people (nationality, passport number), by the person's index in <paramref name="people"/>: one query.</summary>
    public static async Task<IReadOnlyDictionary<int, Guid>> FindPeopleAsync(NpgsqlConnection connection, KeyRing ring, Guid hostPartyId, IReadOnlyList<(string Nationality, string PassportNumber)> people,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT p.n, s.case_id FROM unnest($2::text[], $3::bytea[]) WITH ORDINALITY AS p(nationality, hash, n)
            JOIN case_status s ON s.host_party_id = $1 AND s.nationality = p.nationality AND s.passport_index = p.hash
            """, connection);
        command.Parameters.Add(new() { Value = hostPartyId });
        command.Parameters.Add(new() { Value = people.Select(p => p.Nationality).ToArray() });
        command.Parameters.Add(new() { Value = people.Select(p => ring.PassportIndex(p.Nationality, p.PassportNumber)).ToArray() });
        var found = new Dictionary<int, Guid>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) found[(int)row.GetInt64(0) - 1] = row.GetGuid(1);
        return found;
    }

    /// <summary>Up to <paramref name="limit"/> cases closed before <paramref name="before"/> whose person is not yet erased (retention).</summary>
    public static async Task<IReadOnlyList<Guid>> ClosedBeforeAsync(NpgsqlDataSource db, LocalDate before, int limit, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT case_id FROM case_status WHERE closed_on < $1 AND personal IS NOT NULL ORDER BY closed_on LIMIT $2");
        command.Parameters.Add(new() { Value = before.ToDateOnly() });
        command.Parameters.Add(new() { Value = limit });
        var ids = new List<Guid>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) ids.Add(row.GetGuid(0));
        return ids;
    }

    /// <summary>
    /// "family name, given names" of each case (the digest names people, never passports); of <paramref name="hostParty"/>'s cases only
    /// when given (a digest names no other host party's people, whatever ids its stored payload holds); null: the caller already scoped them.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, string>> NamesAsync(NpgsqlDataSource db, DataKeys keys, IReadOnlyCollection<Guid> caseIds, Guid? hostParty,
        CancellationToken ct) =>
        await NamesAsync(db, await keys.LoadAsync(db, caseIds, ct), caseIds, hostParty, ct);

    /// <summary>The same, with the cases' keys already loaded (a caller that opens more of these cases' data).</summary>
    public static async Task<IReadOnlyDictionary<Guid, string>> NamesAsync(NpgsqlDataSource db, CaseKeys opened, IReadOnlyCollection<Guid> caseIds, Guid? hostParty,
        CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT case_id, personal FROM case_status WHERE case_id = ANY($1) AND ($2::uuid IS NULL OR host_party_id = $2)");
        command.Parameters.Add(new() { Value = caseIds.ToArray() });
        command.Parameters.Add(new() { Value = (object?)hostParty ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        var sealedNames = new Dictionary<Guid, byte[]?>();
        await using (var row = await command.ExecuteReaderAsync(ct))
            while (await row.ReadAsync(ct)) sealedNames[row.GetGuid(0)] = row.IsDBNull(1) ? null : (byte[])row[1];
        return sealedNames.ToDictionary(n => n.Key, n => PersonalSummary.Open(opened, n.Key, n.Value) is var p ? $"{p.FamilyName}, {p.GivenNames}" : "");
    }

    private static LocalDate? Date(NpgsqlDataReader row, int i) => row.IsDBNull(i) ? null : LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(i));
}
