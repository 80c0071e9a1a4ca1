using System.Globalization;
using System.Text;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Domain.Rules;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Api.Cases.ListingCases;

/// <summary>A case in a list: the passport number masked, no birth date.</summary>
public sealed record CaseSummary(Guid Id, Guid HostPartyId, long Version, string FamilyName, string GivenNames, string Nationality, string Passport, string Status,
    bool InCountry, string? Basis, LocalDate? LastEntry, LocalDate? LastExit, string NotificationStatus, LocalDate? PermittedUntil, NextDeadlineSummary? NextDeadline,
    FineTotal FineExposure);

public sealed record NextDeadlineSummary(string Kind, LocalDate Due);

public sealed record CasePage(IReadOnlyList<CaseSummary> Items, string? Next);

/// <summary>
/// <c>GET /api/cases?hostParty=&amp;status=&amp;nationality=&amp;deadlineBefore=&amp;q=&amp;after=&amp;limit=</c>: the caller's cases from the status
/// projection, sorted by next deadline (cases without one last), keyset-paged (<c>next</c> is the cursor). <c>q</c> matches a name
/// (contains, case-insensitive) or a passport number (exact).
/// </summary>
public static class ListCasesEndpoint
{
    private static readonly string[] Statuses = ["notArrived", "inCountry", "overstaying", "left", "closed"];

    public static void MapListCases(this RouteGroupBuilder cases) => cases.MapGet("", async (
        HttpContext http, NpgsqlDataSource db, IClock clock, Guid? hostParty, string? status, string? nationality, string? deadlineBefore, string? q, string? after, int? limit,
        CancellationToken ct) =>
    {
        var principal = http.Principal()!;
        var size = limit ?? 50;
        if (q is not null && InputRules.StringProblem("q", q) is { } qProblem) return Problems.Validation("q", qProblem);
        if (size is < 1 or > 500) return Problems.Validation("limit", "must be between 1 and 500");
        if (status is not null && !Statuses.Contains(status)) return Problems.Validation("status", $"one of {string.Join(", ", Statuses)}");
        if (nationality is not null && (nationality.Length != 2 || !nationality.All(char.IsAsciiLetter)))
            return Problems.Validation("nationality", "an ISO 3166-1 alpha-2 country code (two letters)");
        LocalDate? before = null;
        if (deadlineBefore is not null)
        {
            var parsed = LocalDatePattern.Iso.Parse(deadlineBefore);
            if (!parsed.Success || InputRules.DateProblem(parsed.Value) is not null)
                return Problems.Validation("deadlineBefore", $"a date from {InputRules.MinDate:yyyy-MM-dd} to {InputRules.MaxDate:yyyy-MM-dd} in the form YYYY-MM-DD");
            before = parsed.Value;
        }
        (DateOnly Due, Guid Id)? cursor = null;
        if (after is not null)
        {
            cursor = ParseCursor(after);
            if (cursor is null) return Problems.Validation("after", "not a cursor this API issued");
        }
        if (hostParty is { } h && !principal.HostParties.Contains(h)) return Results.Ok(new CasePage([], null));
        var hosts = hostParty is { } one ? new[] { one } : principal.HostParties.ToArray();

        // The stored status is as of the case's last event; a stay that has run past its last lawful day is overstaying today.
        await using var command = db.CreateCommand("""
            WITH listed AS (
                SELECT *, CASE WHEN status = 'inCountry' AND permitted_until < $10 THEN 'overstaying' ELSE status END AS status_today FROM case_status)
            SELECT case_id, host_party_id, version, family_name, given_names, nationality, passport_masked, status_today, in_country, basis, last_entry, last_exit,
                   notification_status, permitted_until, next_deadline_kind, next_deadline_due, fine_mci, fine_tenge,
                   COALESCE(next_deadline_due, 'infinity'::date) AS sort_due
            FROM listed
            WHERE host_party_id = ANY($1)
              AND ($2::text IS NULL OR status_today = $2)
              AND ($3::text IS NULL OR nationality = $3)
              AND ($4::date IS NULL OR next_deadline_due <= $4)
              AND ($5::text IS NULL OR $6 = ANY(passport_hashes) OR strpos(search_name, $5) > 0
                   OR strpos(search_name, $11) > 0)
              AND ($7::date IS NULL OR (COALESCE(next_deadline_due, 'infinity'::date), case_id) > ($7, $8))
            ORDER BY COALESCE(next_deadline_due, 'infinity'::date), case_id
            LIMIT $9
            """);
        void Add(object? value, NpgsqlDbType type) => command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = type });
        Add(hosts, NpgsqlDbType.Array | NpgsqlDbType.Uuid);
        Add(status, NpgsqlDbType.Text);
        Add(nationality?.ToUpperInvariant(), NpgsqlDbType.Text);
        Add(before?.ToDateOnly(), NpgsqlDbType.Date);
        // Names match as folded text (accents and case ignored; % and _ are plain characters), in either order of the name parts.
        var folded = string.IsNullOrWhiteSpace(q) ? null : SearchText.Fold(q);
        Add(folded, NpgsqlDbType.Text);
        Add(string.IsNullOrWhiteSpace(q) ? null : CaseStatusProjection.PassportHash(q), NpgsqlDbType.Bytea);
        Add(cursor?.Due, NpgsqlDbType.Date);
        Add(cursor?.Id, NpgsqlDbType.Uuid);
        Add(size + 1, NpgsqlDbType.Integer);
        Add(RequestContext.TodayIn(clock).ToDateOnly(), NpgsqlDbType.Date);
        Add(folded is null ? null : Reversed(folded), NpgsqlDbType.Text);

        var items = new List<(CaseSummary Summary, DateOnly SortDue)>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
        {
            items.Add((new CaseSummary(row.GetGuid(0), row.GetGuid(1), row.GetInt64(2), row.GetString(3), row.GetString(4), row.GetString(5),
                row.IsDBNull(6) ? "****" : row.GetString(6), row.GetString(7), row.GetBoolean(8), row.IsDBNull(9) ? null : row.GetString(9), Date(row, 10), Date(row, 11),
                row.GetString(12), Date(row, 13), row.IsDBNull(14) ? null : new NextDeadlineSummary(row.GetString(14), Date(row, 15)!.Value),
                new FineTotal(row.GetDecimal(16), row.IsDBNull(17) ? null : row.GetDecimal(17))), row.GetFieldValue<DateOnly>(18)));
        }
        var next = items.Count > size ? Cursor(items[size - 1].SortDue, items[size - 1].Summary.Id) : null;
        return Results.Ok(new CasePage([.. items.Take(size).Select(i => i.Summary)], next));
    })
    .RequireRoles(Role.Compliance, Role.Auditor)
    .WithName("ListCases")
    .Produces<CasePage>()
    .ProducesValidationProblem();

    /// <summary>"lena schmidt" for a search of "Lena Schmidt" when the stored name is "schmidt lena": the last word first.</summary>
    private static string Reversed(string folded) => folded.LastIndexOf(' ') is var at and > 0 ? $"{folded[(at + 1)..]} {folded[..at]}" : folded;

    private static LocalDate? Date(NpgsqlDataReader row, int i) => row.IsDBNull(i) ? null : LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(i));

    private static string Cursor(DateOnly due, Guid id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{due.ToString("O", CultureInfo.InvariantCulture)}|{id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (DateOnly, Guid)? ParseCursor(string cursor)
    {
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('|');
            return parts.Length == 2 && DateOnly.TryParseExact(parts[0], "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var due) && Guid.TryParse(parts[1], out var id)
                ? (due, id) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
