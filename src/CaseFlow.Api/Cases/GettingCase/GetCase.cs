using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Cases.GettingCase;

/// <summary><c>GET /api/cases/{id}</c>: the status from the inline projection, the live evaluation as of today, ETag = version.</summary>
public static class GetCaseEndpoint
{
    public static void MapGetCase(this RouteGroupBuilder cases) => cases.MapGet("{id:guid}", async (
        Guid id, HttpContext http, NpgsqlDataSource db, CaseRepository repository, RuleCatalogue catalogue, IClock clock, CancellationToken ct) =>
    {
        await using var command = db.CreateCommand("""
            SELECT host_party_id, version, in_country, last_entry, last_exit, notification_status, last_notified FROM case_status WHERE case_id = $1
            """);
        command.Parameters.Add(new() { Value = id });
        await using var row = await command.ExecuteReaderAsync(ct);
        if (!await row.ReadAsync(ct)) return Problems.NotFound($"case {id}");
        var version = row.GetInt64(1);
        var loaded = await repository.LoadAsync(new CaseId(id), ct: ct);
        if (loaded is null) return Problems.NotFound($"case {id}");
        var today = RequestContext.TodayIn(clock);
        ETags.Set(http.Response, version);
        return Results.Ok(new CaseView(
            id, row.GetGuid(0), version, loaded.State.Person!, row.GetBoolean(2), Date(row, 3), Date(row, 4),
            Enum.Parse<NotificationStatus>(row.GetString(5), ignoreCase: true), Date(row, 6),
            RulesEngine.Evaluate(catalogue, CaseFactsMapper.From(loaded.Events), today)));
    })
    .WithName("GetCase")
    .Produces<CaseView>()
    .ProducesProblem(StatusCodes.Status404NotFound);

    private static LocalDate? Date(NpgsqlDataReader row, int i) => row.IsDBNull(i) ? null : LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(i));
}
