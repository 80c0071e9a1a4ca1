using System.Net;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Projections;
using CaseFlow.Core.Security;
using CaseFlow.Domain.Rules;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>
/// ADR 26: the status rows the lists read are a projection of each case's events; an insider's edit of one (or a row deleted or made
/// up) is found by comparing them with the events, and put right from them.
/// </summary>
public sealed class StatusCheckTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private NpgsqlDataSource Db => app.Services.GetRequiredService<NpgsqlDataSource>();

    private Task<RowCheckResult> CheckAsync(bool repair, int page = 2) => CaseStatusProjection.CheckAsync(Db, app.Services.GetRequiredService<DataKeys>(),
        app.Services.GetRequiredService<RuleCatalogue>(), app.Clock.GetCurrentInstant(), repair, CancellationToken.None, page);

    private async Task<Guid> OpenAsync(string family)
    {
        var client = app.Client();
        var open = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = family, givenNames = "Drift", nationality = "DE", birthDate = "1990-01-01", passportNumber = $"D{Guid.NewGuid():N}"[..9] },
            hostPartyId = app.HostA,
        });
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        var c = open.Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/entries", new { date = "2024-05-20", borderPoint = "ALA" }, "\"1\"")).StatusCode);
        return Guid.Parse(c.Split('/')[^1]);
    }

    private async Task EditAsync(string sql, params object[] args)
    {
        await using var command = Db.CreateCommand(sql);
        foreach (var a in args) command.Parameters.Add(new() { Value = a });
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private async Task<string> StatusOfAsync(Guid id) => await app.ScalarAsync<string>("SELECT status FROM case_status WHERE case_id = $1", id);

    [Fact]
    public async Task RowsEditedInSql_AreNamedWithTheirColumns_ARepairWritesThemFromTheEvents_ThenNoneDrifts()
    {
        var (a, b, c, d, erased) = (await OpenAsync("Edited"), await OpenAsync("Swapped"), await OpenAsync("Untokened"), await OpenAsync("Deleted"), await OpenAsync("Erased"));
        Assert.Equal(HttpStatusCode.OK, (await app.Client("admin").PostJsonAsync($"/api/cases/{erased}/erasure", new { reason = "request of the person" })).StatusCode);
        var clean = await CheckAsync(repair: false);
        Assert.Equal((5L, 0L, 0L), (clean.Cases, clean.Drifted, clean.Repaired));

        var orphan = Guid.CreateVersion7();
        await EditAsync("UPDATE case_status SET status = 'left', fine_mci = 99, passport_index = sha256(passport_index) WHERE case_id = $1", a);
        await EditAsync("UPDATE case_status SET personal = (SELECT personal FROM case_status WHERE case_id = $2) WHERE case_id = $1", b, c);
        await EditAsync("UPDATE case_status SET search_tokens = array_replace(search_tokens, search_tokens[1], '\\x00'::bytea) WHERE case_id = $1", c);
        await EditAsync("DELETE FROM case_status WHERE case_id = $1", d);
        // A row for a stream that is no case (the row's key must name a stream): the insider makes both.
        await EditAsync("INSERT INTO streams (id, type, tenant, version, last_hash) VALUES ($1, 'made-up', 'x', 1, '\\x00')", orphan);
        await EditAsync("""
            INSERT INTO case_status (case_id, host_party_id, version, nationality, personal, in_country, notification_status, updated_at, status)
            SELECT $2, host_party_id, version, nationality, personal, in_country, notification_status, updated_at, status FROM case_status WHERE case_id = $1
            """, a, orphan);
        await EditAsync("UPDATE case_status SET version = version + 1, personal = (SELECT personal FROM case_status WHERE case_id = $2) WHERE case_id = $1", erased, c);

        var found = await CheckAsync(repair: false);
        Assert.Equal((5L, 6L, 0L), (found.Cases, found.Drifted, found.Repaired));
        Assert.Equal(new Dictionary<Guid, string>
            {
                [a] = "status fine_mci passport_index", [b] = "personal", [c] = "search_tokens", [d] = RowCheck.WholeRow, [erased] = "version personal", [orphan] = RowCheck.WholeRow,
            }.OrderBy(p => p.Key),
            found.Drifts.ToDictionary(x => x.Id, x => string.Join(' ', x.Columns)).OrderBy(p => p.Key));
        Assert.Equal("left", await StatusOfAsync(a)); // a check alone changes nothing

        var repaired = await CheckAsync(repair: true);
        Assert.Equal((6L, 6L), (repaired.Drifted, repaired.Repaired));
        Assert.Equal((0L, 0L), await CheckAsync(repair: false) is var after ? (after.Drifted, after.Repaired) : default);
        Assert.Equal(("inCountry", "inCountry"), (await StatusOfAsync(a), await StatusOfAsync(d)));
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM case_status WHERE case_id = $1", orphan));
        var listed = await (await app.Client().GetAsync("/api/cases?q=Swapped")).JsonAsync();
        Assert.Equal("Swapped", listed.GetProperty("items")[0].GetProperty("familyName").GetString());
    }
}
