using System.Net;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Projections;
using CaseFlow.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>
/// ADR 26: the compliance inbox is a projection of the alert streams; an alert an insider resolved, re-dated, deleted or made up in SQL
/// is found by comparing the rows with the events, and put right from them.
/// </summary>
public sealed class AlertCheckTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private NpgsqlDataSource Db => app.Services.GetRequiredService<NpgsqlDataSource>();

    private Task<RowCheckResult> CheckAsync(bool repair) =>
        AlertProjection.CheckAsync(Db, app.Services.GetRequiredService<DataKeys>(), repair, CancellationToken.None, page: 2);

    /// <summary>A case that missed its arrival notification (entered 20 May 2024, none filed by 1 June): the sweep raises its alerts; the first one's id.</summary>
    private async Task<Guid> AlertedAsync(string family)
    {
        var client = app.Client();
        var open = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = family, givenNames = "Inbox", nationality = "DE", birthDate = "1990-01-01", passportNumber = $"A{Guid.NewGuid():N}"[..9] },
            hostPartyId = app.HostA,
        });
        var c = open.Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/entries", new { date = "2024-05-20", borderPoint = "ALA" }, "\"1\"")).StatusCode);
        await app.SweepAsync();
        return await app.ScalarAsync<Guid>("SELECT id FROM alerts WHERE case_id = $1 ORDER BY raised_on, kind, level, id LIMIT 1", Guid.Parse(c.Split('/')[^1]));
    }

    private async Task EditAsync(string sql, params object[] args)
    {
        await using var command = Db.CreateCommand(sql);
        foreach (var a in args) command.Parameters.Add(new() { Value = a });
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task InboxRowsEditedInSql_AreNamedWithTheirColumns_ARepairWritesThemFromTheAlertEvents_ThenNoneDrifts()
    {
        var (hidden, redated, deleted, copied, reasoned, erased) = (await AlertedAsync("Hidden"), await AlertedAsync("Redated"), await AlertedAsync("Deleted"),
            await AlertedAsync("Copied"), await AlertedAsync("Reasoned"), await AlertedAsync("Erased"));
        var officer = app.Client();
        Assert.Equal(HttpStatusCode.OK, (await officer.PostJsonAsync($"/api/alerts/{redated}/acknowledge", new { })).StatusCode);
        foreach (var (alert, why) in new[] { (reasoned, "filed on paper at the office"), (copied, "another reason"), (erased, "left the country") })
            Assert.Equal(HttpStatusCode.OK, (await officer.PostJsonAsync($"/api/alerts/{alert}/resolve", new { reason = why })).StatusCode);
        // An erased person's resolved alert (its reason sealed under a key now destroyed) and a case with no alerts at all check clean.
        var erasedCase = await app.ScalarAsync<Guid>("SELECT case_id FROM alerts WHERE id = $1", erased);
        Assert.Equal(HttpStatusCode.OK, (await app.Client("admin").PostJsonAsync($"/api/cases/{erasedCase}/erasure", new { reason = "request of the person" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await officer.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Unalerted", givenNames = "Inbox", nationality = "DE", birthDate = "1990-01-01", passportNumber = "UNALERT01" }, hostPartyId = app.HostA,
        })).StatusCode);
        var clean = await CheckAsync(repair: false);
        Assert.Equal((7L, 0L), (clean.Cases, clean.Drifted));

        var (madeUp, orphan) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        // Made up already resolved, so no list shows it open: one under an id in its case's order (ADR 28), one under any id.
        var copiedCase = new CaseFlow.Domain.Cases.CaseId(await app.ScalarAsync<Guid>("SELECT case_id FROM alerts WHERE id = $1", copied));
        var (resolvedInOrder, resolvedAnyId) = (CaseFlow.Domain.Alerts.AlertIds.InCaseOrder(copiedCase, "made up"), Guid.NewGuid());
        foreach (var id in new[] { resolvedInOrder, resolvedAnyId })
            await EditAsync("INSERT INTO alerts (id, case_id, host_party_id, kind, level, due, raised_on, raised_at, message, rule, state, resolved_by, resolved_at, version, updated_at) SELECT $2, case_id, host_party_id, kind, level, due, raised_on, raised_at, message, rule, 'resolved', 'user:nobody', now(), 2, updated_at FROM alerts WHERE id = $1", copied, id);
        await EditAsync("UPDATE alerts SET state = 'resolved', resolved_by = 'user:nobody', version = 2, resolved_at = now() WHERE id = $1", hidden);
        await EditAsync("UPDATE alerts SET raised_at = raised_at + interval '1 microsecond' WHERE id = $1", reasoned);
        await EditAsync("UPDATE alerts SET due = due + 30, fine_mci = 0, acknowledged_at = acknowledged_at - interval '3 days' WHERE id = $1", redated);
        await EditAsync("DELETE FROM alerts WHERE id = $1", deleted);
        await EditAsync("INSERT INTO alerts (id, case_id, host_party_id, kind, level, due, raised_on, raised_at, message, rule, state, updated_at) SELECT $2, case_id, host_party_id, kind, level, due, raised_on, raised_at, message, rule, 'raised', updated_at FROM alerts WHERE id = $1", copied, madeUp);
        await EditAsync("UPDATE alerts SET resolution = (SELECT resolution FROM alerts WHERE id = $2) WHERE id = $1", reasoned, copied); // another alert's sealed reason
        await EditAsync("UPDATE alerts SET resolution = NULL WHERE id = $1", copied);
        await EditAsync("INSERT INTO streams (id, type, tenant, version, last_hash) VALUES ($1, 'made-up', 'x', 1, '\\x00')", orphan);
        await EditAsync("INSERT INTO alerts (id, case_id, host_party_id, kind, level, due, raised_on, raised_at, message, rule, state, updated_at) SELECT $2, $2, host_party_id, kind, level, due, raised_on, raised_at, message, rule, 'raised', updated_at FROM alerts WHERE id = $1", copied, orphan);

        var found = await CheckAsync(repair: false);
        Assert.Equal(new Dictionary<Guid, string>
            {
                [hidden] = "state resolved_by resolved_at version", [redated] = "due fine_mci acknowledged_at", [deleted] = RowCheck.WholeRow, [madeUp] = RowCheck.WholeRow,
                [reasoned] = "raised_at resolution",
                [copied] = "resolution", [orphan] = RowCheck.WholeRow, [resolvedInOrder] = RowCheck.WholeRow, [resolvedAnyId] = RowCheck.WholeRow,
            }.OrderBy(p => p.Key),
            found.Drifts.ToDictionary(x => x.Id, x => string.Join(' ', x.Columns)).OrderBy(p => p.Key));
        Assert.Equal((9L, 0L), (found.Drifted, found.Repaired));
        Assert.Equal("resolved", await app.ScalarAsync<string>("SELECT state FROM alerts WHERE id = $1", hidden)); // a check alone changes nothing

        var repaired = await CheckAsync(repair: true);
        Assert.Equal((9L, 9L), (repaired.Drifted, repaired.Repaired));
        Assert.Equal(0L, (await CheckAsync(repair: false)).Drifted);
        Assert.Equal(("raised", 1), (await app.ScalarAsync<string>("SELECT state FROM alerts WHERE id = $1", hidden), await app.ScalarAsync<int>("SELECT version FROM alerts WHERE id = $1", hidden)));
        Assert.Equal(("acknowledged", 2), (await app.ScalarAsync<string>("SELECT state FROM alerts WHERE id = $1", redated), await app.ScalarAsync<int>("SELECT version FROM alerts WHERE id = $1", redated)));
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE id = ANY($1)", new[] { madeUp, orphan, resolvedInOrder, resolvedAnyId }));
        var inbox = await (await app.Client().GetAsync($"/api/alerts?limit=200")).JsonAsync();
        Assert.Contains(inbox.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetGuid() == deleted);
        var reason = (await (await app.Client().GetAsync($"/api/alerts?state=resolved&limit=200")).JsonAsync()).GetProperty("items").EnumerateArray()
            .Single(a => a.GetProperty("id").GetGuid() == reasoned).GetProperty("resolution").GetString();
        Assert.Equal("filed on paper at the office", reason);
    }
}
