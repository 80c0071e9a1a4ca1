using System.Net;
using System.Text.Json;
using CaseFlow.Api.Alerts;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Delivery;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>Issue 6 stories with a controlled clock on real PostgreSQL: each day the sweep runs as the scheduler would.</summary>
public class AlertTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private NpgsqlDataSource Db => app.Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>Sets the clock to noon in Almaty on <paramref name="date"/>.</summary>
    private void On(string date) => app.Clock.Set(Instant.FromUtc(int.Parse(date[..4]), int.Parse(date[5..7]), int.Parse(date[8..10]), 7, 0));

    private Task<SweepResult> Sweep(IServiceProvider? services = null) => app.SweepAsync(services);

    private async Task<List<(string RaisedOn, string Kind, string Level, string State, decimal? Mci)>> AlertsOf(string caseLocation)
    {
        await using var command = Db.CreateCommand("SELECT raised_on::text, kind, level, state, fine_mci FROM alerts WHERE case_id = $1 ORDER BY raised_on, kind, level");
        command.Parameters.Add(new() { Value = Guid.Parse(caseLocation.Split('/')[^1]) });
        var list = new List<(string, string, string, string, decimal?)>();
        await using var row = await command.ExecuteReaderAsync();
        while (await row.ReadAsync()) list.Add((row.GetString(0), row.GetString(1), row.GetString(2), row.GetString(3), row.IsDBNull(4) ? null : row.GetDecimal(4)));
        return list;
    }

    private async Task<string> OpenAsync(string nationality, string entry, string? notified = null, Guid? host = null)
    {
        var client = app.Client(host == app.HostB ? "complianceB" : "compliance");
        var open = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Alert", givenNames = nationality, nationality, birthDate = "1980-01-01", passportNumber = Guid.NewGuid().ToString("N")[..9], passportExpiry = "2035-01-01" },
            hostPartyId = host ?? app.HostA,
        });
        var c = open.Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/entries", new { date = entry, borderPoint = "ALA" }, "\"1\"")).StatusCode);
        if (notified is not null)
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/notifications", new { date = notified, channel = "eQonaq" }, "\"2\"")).StatusCode);
        return c;
    }

    [Fact]
    public async Task GermanVisitor_Friday3May2024_Reminder4_Due6_Missed7_ThenNotificationResolves()
    {
        On("2024-05-03");
        var c = await OpenAsync("DE", "2024-05-03");
        foreach (var day in new[] { "2024-05-03", "2024-05-04", "2024-05-05", "2024-05-06", "2024-05-07" })
        {
            On(day);
            await Sweep();
            Assert.Equal(0, (await Sweep()).AlertsRaised); // a repeated tick raises nothing new
        }
        var alerts = (await AlertsOf(c)).Where(a => a.Kind == "arrivalNotification").ToList();
        Assert.Equal([("2024-05-04", "reminder"), ("2024-05-06", "due"), ("2024-05-07", "missed")], alerts.Select(a => (a.RaisedOn, a.Level)).ToList());
        Assert.Equal(10m, alerts.Single(a => a.Level == "missed").Mci); // host A is small: art. 518, 10 MCI

        // Recording the notification (late) clears the condition: the next tick resolves the open alerts automatically.
        On("2024-05-08");
        var client = app.Client();
        // Three alerts were raised on their own stream: the ETag the user read after recording the entry is still the case's ("2").
        Assert.Equal("\"2\"", (await client.GetAsync(c)).Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/notifications", new { date = "2024-05-08", channel = "eQonaq" }, "\"2\"")).StatusCode);
        Assert.True((await Sweep()).AlertsResolved >= 1);
        Assert.All((await AlertsOf(c)).Where(a => a.Kind == "arrivalNotification"), a => Assert.Equal("resolved", a.State));
        // On the alert stream, each resolution says it was the sweep's (and why, sealed with the case's personal data: the inbox below opens it).
        await using (var resolutions = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("""
            SELECT count(*) FROM events WHERE stream_id = $1 AND type = 'AlertResolved.v1' AND (data->>'automatic')::boolean AND data ? 'personal'
            """))
        {
            resolutions.Parameters.Add(new() { Value = AlertRepository.StreamFor(new CaseFlow.Domain.Cases.CaseId(Guid.Parse(c.Split('/')[^1]))) });
            Assert.Equal(3L, await resolutions.ExecuteScalarAsync());
        }

        var inbox = (await (await client.GetAsync($"/api/alerts?kind=arrivalNotification&state=resolved&caseId={c.Split('/')[^1]}")).JsonAsync()).GetProperty("items");
        Assert.Equal(3, inbox.GetArrayLength());
        Assert.All(inbox.EnumerateArray(), a => Assert.Equal(("Alert, DE", "system:deadline-sweep", "condition no longer holds"),
            (a.GetProperty("personName").GetString(), a.GetProperty("resolvedByName").GetString(), a.GetProperty("resolution").GetString())));
    }

    [Fact]
    public async Task Overstayer_AlertsOnDays1_4_6_11_WithFines_AcknowledgeAndResolveByUser()
    {
        On("2024-01-05");
        var c = await OpenAsync("FR", "2024-01-01", "2024-01-02");
        for (var day = new LocalDate(2024, 1, 29); day <= new LocalDate(2024, 2, 12); day = day.PlusDays(1))
        {
            On(day.ToString("yyyy-MM-dd", null));
            await Sweep();
        }
        var overstay = (await AlertsOf(c)).Where(a => a.Kind == "overstay").ToList();
        Assert.Equal([("2024-01-31", "day1", 0m), ("2024-02-03", "day4", 10m), ("2024-02-05", "day6", 15m), ("2024-02-10", "day11", 25m)],
            overstay.Select(a => (a.RaisedOn, a.Level, a.Mci ?? -1)).ToList());

        var client = app.Client();
        var inbox = (await (await client.GetAsync($"/api/alerts?kind=overstay&state=open&caseId={c.Split('/')[^1]}&sort=due")).JsonAsync()).GetProperty("items");
        var first = inbox.EnumerateArray().First();
        var id = first.GetProperty("id").GetString();
        var etag = first.GetProperty("eTag").GetString()!;
        // If-Match on the alert: a stale tag is 412 and changes nothing; the current one acknowledges and moves the alert's tag only.
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.PostJsonAsync($"/api/alerts/{id}/acknowledge", new { }, "\"99\"")).StatusCode);
        var acknowledging = await client.PostJsonAsync($"/api/alerts/{id}/acknowledge", new { }, etag);
        Assert.Equal(HttpStatusCode.OK, acknowledging.StatusCode);
        Assert.NotEqual(etag, acknowledging.Headers.ETag!.Tag);
        var acked = await acknowledging.JsonAsync();
        Assert.Equal("acknowledged", acked.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.PostJsonAsync($"/api/alerts/{id}/resolve", new { reason = "late" }, etag)).StatusCode);
        var resolved = await (await client.PostJsonAsync($"/api/alerts/{id}/resolve", new { reason = "fine paid at the border" })).JsonAsync();
        Assert.Equal(("resolved", "fine paid at the border"), (resolved.GetProperty("state").GetString(), resolved.GetProperty("resolution").GetString()));
        var listed = (await (await client.GetAsync($"/api/alerts?caseId={c.Split('/')[^1]}&state=resolved&kind=overstay")).JsonAsync()).GetProperty("items")
            .EnumerateArray().Single(a => a.GetProperty("id").GetString() == id);
        Assert.Equal(("Officer A", "Officer A"), (listed.GetProperty("acknowledgedByName").GetString(), listed.GetProperty("resolvedByName").GetString()));
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("acknowledgedAt").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("complianceB").PostAsync($"/api/alerts/{id}/acknowledge", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client("auditor").PostAsync($"/api/alerts/{id}/acknowledge", null)).StatusCode);
    }

    [Fact]
    public async Task C3Visa_ExtensionWindowAlerts_OnTheRightWorkingDays()
    {
        On("2024-01-10");
        var client = app.Client();
        var open = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Visa", givenNames = "C3", nationality = "JO", birthDate = "1980-01-01", passportNumber = Guid.NewGuid().ToString("N")[..9], passportExpiry = "2035-01-01" },
            hostPartyId = app.HostA,
        });
        var c = open.Headers.Location!.ToString();
        await client.PostJsonAsync($"{c}/visas", new { date = "2024-01-01", category = "C3", entries = "multiple", validFrom = "2024-01-01", validTo = "2024-12-31" }, "\"1\"");
        await client.PostJsonAsync($"{c}/entries", new { date = "2024-01-10", borderPoint = "NQZ" }, "\"2\"");
        await client.PostJsonAsync($"{c}/notifications", new { date = "2024-01-10", channel = "eQonaq" }, "\"3\"");
        for (var day = new LocalDate(2024, 11, 15); day <= new LocalDate(2024, 12, 26); day = day.PlusDays(1))
        {
            On(day.ToString("yyyy-MM-dd", null));
            await Sweep();
        }
        var window = (await AlertsOf(c)).Where(a => a.Kind == "extensionWindow").Select(a => (a.RaisedOn, a.Level)).ToList();
        Assert.Equal([("2024-11-18", "opened"), ("2024-12-20", "closingSoon"), ("2024-12-25", "missed")], window);
    }

    [Fact]
    public async Task ThreeNodesSweepingConcurrently_NoAlertTwice_NoneMissed_AKilledSweepLosesNothing()
    {
        On("2024-03-01");
        var cases = new List<string>();
        for (var i = 0; i < 12; i++) cases.Add(await OpenAsync(i % 2 == 0 ? "US" : "IN", new LocalDate(2024, 1, 20).PlusDays(i * 3).ToString("yyyy-MM-dd", null)));

        // A sweep killed part-way: nothing it did is lost, and the checkpoint did not move.
        using (var killed = new CancellationTokenSource(TimeSpan.FromMilliseconds(30)))
        {
            try { await app.Services.GetRequiredService<AlertSweeper>().SweepAsync(killed.Token); } catch (OperationCanceledException) { }
        }

        await using var node2 = app.WithWebHostBuilder(_ => { });
        await using var node3 = app.WithWebHostBuilder(_ => { });
        // Every node starts a full sweep of the same day at once (the state says none ran yet).
        await using (var reset = Db.CreateCommand("UPDATE sweep_state SET last_full_date = NULL, position_tx = '0', position_seq = 0")) await reset.ExecuteNonQueryAsync();
        var results = await Task.WhenAll(Sweep(app.Services), Sweep(node2.Services), Sweep(node3.Services));
        var raisedByNodes = results.Sum(r => r.AlertsRaised);

        await using var duplicates = Db.CreateCommand("""
            SELECT count(*) FROM (SELECT data->>'alertId' FROM events WHERE type = 'AlertRaised.v1' GROUP BY 1 HAVING count(*) > 1) d
            """);
        Assert.Equal(0L, (long)(await duplicates.ExecuteScalarAsync())!);
        await using (var distinct = Db.CreateCommand("SELECT count(*) FROM alerts"))
            Assert.True((long)(await distinct.ExecuteScalarAsync())! >= raisedByNodes, "the nodes together raised no alert twice");
        // None missed: another sweep on the same day finds nothing left to raise.
        var again = await Sweep();
        Assert.Equal(0, again.AlertsRaised);
        foreach (var c in cases)
            Assert.Contains(await AlertsOf(c), a => a.Kind is "arrivalNotification" or "overstay");
    }

    /// <summary>
    /// Another writer changes the case's alert stream while a user's acknowledgement or resolution waits to append: the request is
    /// decided again on what is there now. A change of another alert leaves the user's If-Match valid (both changes stand); a change
    /// of the same alert makes it stale (412, the request changes nothing).
    /// </summary>
    [Fact]
    public async Task AnAlertStreamChangedMeanwhile_TheRequestIsDecidedAgain_ItsIfMatchJudgedOnWhatIsThereNow()
    {
        On("2024-05-03");
        var c = await OpenAsync("DE", "2024-05-03");
        var caseId = new CaseFlow.Domain.Cases.CaseId(Guid.Parse(c.Split('/')[^1]));
        foreach (var day in new[] { "2024-05-04", "2024-05-06" })
        {
            On(day);
            await Sweep();
        }
        var client = app.Client();
        var inbox = (await (await client.GetAsync($"/api/alerts?kind=arrivalNotification&caseId={caseId.Value}")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, inbox.Count);
        var (reminder, due) = (inbox.Single(a => a.GetProperty("level").GetString() == "reminder"), inbox.Single(a => a.GetProperty("level").GetString() == "due"));
        var reminderId = Guid.Parse(reminder.GetProperty("id").GetString()!);

        // The due alert acknowledged by the user while the reminder is acknowledged by another writer first: both stand.
        var acknowledging = await MeanwhileAsync(caseId, reminderId, acknowledge: true,
            () => client.PostJsonAsync($"/api/alerts/{due.GetProperty("id").GetString()}/acknowledge", new { }, due.GetProperty("eTag").GetString()));
        Assert.Equal(HttpStatusCode.OK, acknowledging.StatusCode);
        Assert.Equal("acknowledged", (await acknowledging.JsonAsync()).GetProperty("state").GetString());
        Assert.Equal([("reminder", "acknowledged"), ("due", "acknowledged")], (await AlertsOf(c)).Where(a => a.Kind == "arrivalNotification").Select(a => (a.Level, a.State)).ToList());

        // The reminder resolved by the user at the tag they read, while another writer resolves it first: 412, the other's reason stays.
        var tag = (await (await client.GetAsync($"/api/alerts?kind=arrivalNotification&caseId={caseId.Value}")).JsonAsync()).GetProperty("items").EnumerateArray()
            .Single(a => a.GetProperty("id").GetString() == reminderId.ToString()).GetProperty("eTag").GetString();
        var resolving = await MeanwhileAsync(caseId, reminderId, acknowledge: false,
            () => client.PostJsonAsync($"/api/alerts/{reminderId}/resolve", new { reason = "the user's" }, tag));
        Assert.Equal(HttpStatusCode.PreconditionFailed, resolving.StatusCode);
        var kept = (await (await client.GetAsync($"/api/alerts?state=resolved&caseId={caseId.Value}")).JsonAsync()).GetProperty("items").EnumerateArray()
            .Single(a => a.GetProperty("id").GetString() == reminderId.ToString());
        Assert.Equal(("the other writer's", "user:other"), (kept.GetProperty("resolution").GetString(), kept.GetProperty("resolvedByName").GetString()));
        var stream = AlertRepository.StreamFor(caseId);
        Assert.Equal(1, await Scalar("SELECT count(*) FROM events WHERE stream_id = $1 AND type = 'AlertResolved.v1'", stream));
        Assert.Equal(await Scalar("SELECT count(*) FROM events WHERE stream_id = $1", stream), await Scalar("SELECT version FROM streams WHERE id = $1", stream));
    }

    /// <summary>
    /// Starts <paramref name="request"/> while a transaction holds the case's alert stream; once the request waits for it, that
    /// transaction acknowledges (or resolves) <paramref name="alertId"/> and commits; then answers the request's response.
    /// </summary>
    private async Task<HttpResponseMessage> MeanwhileAsync(CaseFlow.Domain.Cases.CaseId caseId, Guid alertId, bool acknowledge, Func<Task<HttpResponseMessage>> request)
    {
        await using var other = await Db.OpenConnectionAsync();
        await using var tx = await other.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("SELECT version FROM streams WHERE id = $1 FOR UPDATE", other, tx))
        {
            hold.Parameters.Add(new() { Value = AlertRepository.StreamFor(caseId) });
            await hold.ExecuteScalarAsync();
        }
        var pending = request();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await Scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%WITH locked AS%'") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the request did not come to wait for the alert stream");
            await Task.Delay(20);
        }
        Assert.False(pending.IsCompleted);
        var loaded = (await AlertRepository.LoadManyAsync(other, app.Services.GetRequiredService<CaseFlow.Core.Security.DataKeys>(), [caseId.Value], CancellationToken.None)).Single();
        CaseFlow.Domain.Cases.CaseCommand command = acknowledge
            ? new CaseFlow.Domain.Cases.AcknowledgeAlert(caseId, alertId, "user:other", new LocalDate(2024, 5, 6))
            : new CaseFlow.Domain.Cases.ResolveAlert(caseId, alertId, "the other writer's", false, "user:other", new LocalDate(2024, 5, 6));
        var decision = CaseFlow.Domain.Cases.CaseDecider.Decide(command, loaded.State, CaseFlow.Domain.Rules.RuleCatalogue.Default);
        Assert.NotEmpty(decision.Events);
        await AlertRepository.AppendManyAsync(other, tx, [new AlertAppend(loaded, decision.Events)], new CaseFlow.EventStore.EventMetadata("user:other", Guid.NewGuid()), CancellationToken.None);
        await tx.CommitAsync();
        return await pending;
    }

    private async Task<long> Scalar(string sql, params object[] args)
    {
        await using var command = Db.CreateCommand(sql);
        foreach (var a in args) command.Parameters.Add(new() { Value = a });
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}

/// <summary>The first sweep of a day judges every person in the country from the inline status, so a lagging projection hides no one.</summary>
public class FullSweepTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    [Fact]
    public async Task DeadlinesProjectionPaused_TheDaysFirstSweepStillAlertsAnInCountryCase()
    {
        var ops = app.Client("ops");
        Assert.Equal(HttpStatusCode.Accepted, (await ops.PostAsync("/api/ops/projections/deadlines/pause", null)).StatusCode);
        await using (var clear = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("DELETE FROM deadlines")) await clear.ExecuteNonQueryAsync();
        app.Clock.Set(Instant.FromUtc(2024, 5, 24, 7, 0));
        var client = app.Client();
        var c = (await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Lag", givenNames = "Test", nationality = "DE", birthDate = "1980-01-01", passportNumber = "LAG" + Random.Shared.Next(100000, 999999) },
            hostPartyId = app.HostA,
        })).Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/entries", new { date = "2024-05-03", borderPoint = "NQZ" }, "\"1\"")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/notifications", new { date = "2024-05-03", channel = "eQonaq" }, "\"2\"")).StatusCode);
        await app.SweepAsync(); // 24 May: nothing due yet; the sweep's position moves past the case's events
        // 25 May: 7 days before the last lawful day (1 Jun, VF-30-ENTRY). The case did not change and the deadlines table does not know it.
        app.Clock.Set(Instant.FromUtc(2024, 5, 25, 7, 0));
        var result = await app.SweepAsync();
        Assert.True(result.Full);
        await using var alerts = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT kind || ':' || level FROM alerts WHERE case_id = $1");
        alerts.Parameters.Add(new() { Value = Guid.Parse(c.Split('/')[^1]) });
        Assert.Equal("stayEnding:7d", await alerts.ExecuteScalarAsync());
    }
}

public class SweepWhileAlertDatesRebuildTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    /// <summary>
    /// While the deadlines projection rebuilds (migration 0009 asks for it), its live alert dates are incomplete: the day's first sweep
    /// reads the whole log instead, so a case whose dates are missing still gets its alert.
    /// </summary>
    [Fact]
    public async Task AlertDatesBeingRebuilt_TheDaysFirstSweepReadsEveryChange()
    {
        var db = app.Services.GetRequiredService<NpgsqlDataSource>();
        async Task<long> Scalar(string sql, params object[] args)
        {
            await using var command = db.CreateCommand(sql);
            foreach (var a in args) command.Parameters.Add(new() { Value = a });
            return Convert.ToInt64(await command.ExecuteScalarAsync());
        }
        app.Clock.Set(Instant.FromUtc(2024, 5, 24, 7, 0));
        var client = app.Client();
        var c = (await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Rebuild", givenNames = "Test", nationality = "DE", birthDate = "1980-01-01", passportNumber = "RBD" + Random.Shared.Next(100000, 999999) },
            hostPartyId = app.HostA,
        })).Headers.Location!.ToString();
        var id = Guid.Parse(c.Split('/')[^1]);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/entries", new { date = "2024-05-03", borderPoint = "NQZ" }, "\"1\"")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/notifications", new { date = "2024-05-03", channel = "eQonaq" }, "\"2\"")).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await Scalar("SELECT count(*) FROM alert_dates WHERE case_id = $1 AND on_date = '2024-05-25'", id) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the deadlines projection did not write the case's alert dates");
            await Task.Delay(50);
        }
        await app.SweepAsync(); // 24 May: nothing due; the sweep's position moves past the case's events

        // The projection is paused with a rebuild asked for, and its live table lacks the case (as before a rebuild has swapped).
        Assert.Equal(HttpStatusCode.Accepted, (await app.Client("ops").PostAsync("/api/ops/projections/deadlines/pause", null)).StatusCode);
        await Scalar("WITH asked AS (UPDATE projections SET rebuild_requested = true WHERE name = 'deadlines' RETURNING 1) SELECT count(*) FROM asked");
        await Scalar("WITH gone AS (DELETE FROM alert_dates WHERE case_id = $1 RETURNING 1) SELECT count(*) FROM gone", id);
        app.Clock.Set(Instant.FromUtc(2024, 5, 25, 7, 0));
        Assert.True((await app.SweepAsync()).Full);
        Assert.Equal(1, await Scalar("SELECT count(*) FROM alerts WHERE case_id = $1 AND kind = 'stayEnding' AND level = '7d'", id));
    }

}
