using System.Globalization;
using System.Text;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Security;
using CaseFlow.Core.Input;
using CaseFlow.Core.Users;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace CaseFlow.Api.Cases.ListingCases;

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
        HttpContext http, NpgsqlDataSource db, DataKeys keys, IClock clock, Guid? hostParty, string? status, string? nationality, string? deadlineBefore, string? q, string? after, int? limit,
        CancellationToken ct) =>
    {
        var principal = http.Principal()!;
        var size = limit ?? 50;
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

        var items = await CaseStatusProjection.ListAsync(db, keys, new CaseListQuery(hosts, status, nationality, before, q, cursor, size + 1, RequestContext.TodayIn(clock)), ct);
        var next = items.Count > size ? Cursor(items[size - 1].SortDue, items[size - 1].Summary.Id) : null;
        await PersonalDataAccess.RecordAsync(http, [.. items.Take(size).Select(i => i.Summary.Id)]);
        return Results.Ok(new CasePage([.. items.Take(size).Select(i => i.Summary)], next));
    })
    .RequireRoles(Role.Compliance, Role.Auditor)
    .WithName("ListCases")
    .Produces<CasePage>()
    .ProducesValidationProblem();

    public static string Cursor(DateOnly due, Guid id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{due.ToString("O", CultureInfo.InvariantCulture)}|{id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (DateOnly, Guid)? ParseCursor(string cursor)
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
