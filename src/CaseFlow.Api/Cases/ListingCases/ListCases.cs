using CaseFlow.Api.Infrastructure.Http;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Cases.ListingCases;

/// <summary>A case in a list: no passport number, no birth date (lists are for finding cases, not for reading personal data).</summary>
public sealed record CaseSummary(Guid Id, Guid HostPartyId, long Version, string FamilyName, string GivenNames, string Nationality, bool InCountry,
    LocalDate? LastEntry, LocalDate? LastExit, string NotificationStatus);

public sealed record CasePage(IReadOnlyList<CaseSummary> Items, string? Next);

/// <summary><c>GET /api/cases?hostParty=&amp;nationality=&amp;inCountry=&amp;after=&amp;limit=</c>: cases from the status projection, oldest first,
/// keyset-paged by case id (UUIDv7, so creation order). <c>next</c> is the cursor for the following page.</summary>
public static class ListCasesEndpoint
{
    public static void MapListCases(this RouteGroupBuilder cases) => cases.MapGet("", async (
        NpgsqlDataSource db, Guid? hostParty, string? nationality, bool? inCountry, Guid? after, int? limit, CancellationToken ct) =>
    {
        var size = limit ?? 50;
        if (size is < 1 or > 500) return Problems.Validation("limit", "must be between 1 and 500");
        await using var command = db.CreateCommand("""
            SELECT case_id, host_party_id, version, family_name, given_names, nationality, in_country, last_entry, last_exit, notification_status
            FROM case_status
            WHERE ($1::uuid IS NULL OR host_party_id = $1) AND ($2::text IS NULL OR nationality = $2) AND ($3::boolean IS NULL OR in_country = $3)
              AND ($4::uuid IS NULL OR case_id > $4)
            ORDER BY case_id
            LIMIT $5
            """);
        command.Parameters.Add(new() { Value = (object?)hostParty ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = (object?)nationality?.ToUpperInvariant() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)inCountry ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Boolean });
        command.Parameters.Add(new() { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = size + 1 });
        var items = new List<CaseSummary>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
            items.Add(new CaseSummary(row.GetGuid(0), row.GetGuid(1), row.GetInt64(2), row.GetString(3), row.GetString(4), row.GetString(5), row.GetBoolean(6),
                Date(row, 7), Date(row, 8), row.GetString(9)));
        var next = items.Count > size ? items[size - 1].Id.ToString() : null;
        return Results.Ok(new CasePage(items.Take(size).ToList(), next));
    })
    .WithName("ListCases")
    .Produces<CasePage>()
    .ProducesValidationProblem();

    private static LocalDate? Date(NpgsqlDataReader row, int i) => row.IsDBNull(i) ? null : LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(i));
}
