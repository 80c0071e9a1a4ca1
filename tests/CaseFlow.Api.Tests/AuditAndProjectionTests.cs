using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>Issue 5 over HTTP: async projections, ops control, and the auditor's time travel, exports and verification.</summary>
public class AuditAndProjectionTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private NpgsqlDataSource Db => app.Services.GetRequiredService<NpgsqlDataSource>();

    private Task<T> Scalar<T>(string sql, params object[] args) => app.ScalarAsync<T>(sql, args);

    private async Task<string> OpenWithEntryAsync(HttpClient client, string nationality, string entry)
    {
        var open = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Audit", givenNames = nationality, nationality, birthDate = "1980-01-01", passportNumber = Guid.NewGuid().ToString("N")[..9] },
            hostPartyId = app.HostA,
        });
        var location = open.Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{location}/entries", new { date = entry, borderPoint = "ALA" }, "\"1\"")).StatusCode);
        return location;
    }

    private static string Status(JsonElement state, string kind) =>
        state.GetProperty("evaluation").GetProperty("deadlines").EnumerateArray().First(d => d.GetProperty("kind").GetString() == kind).GetProperty("status").GetString()!;

    [Fact]
    public async Task LateRecordedNotification_ChangesKnownAtAnswers_NotAsOfDateAnswers()
    {
        var client = app.Client();
        var c = await OpenWithEntryAsync(client, "DE", "2024-05-03");
        await Task.Delay(20);
        var before = InstantPattern.ExtendedIso.Format(SystemClock.Instance.GetCurrentInstant());
        await Task.Delay(20);
        // Recorded today, dated 6 May: the notification was made in time but entered late into CaseFlow.
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/notifications", new { date = "2024-05-06", channel = "eQonaq" }, "\"2\"")).StatusCode);
        var auditor = app.Client("auditor");
        async Task<JsonElement> State(string query) => await (await auditor.GetAsync($"{c}/state?{query}")).JsonAsync();

        // On 20 May, what did we believe then (before the late record) was true on 20 May: missed. What we know now: met.
        Assert.Equal("missed", Status(await State($"asOfDate=2024-05-20&knownAt={before}"), "arrivalNotification"));
        Assert.Equal("met", Status(await State("asOfDate=2024-05-20"), "arrivalNotification"));
        // What was true on 5 May does not depend on the late record: open either way.
        Assert.Equal("open", Status(await State($"asOfDate=2024-05-05&knownAt={before}"), "arrivalNotification"));
        Assert.Equal("open", Status(await State("asOfDate=2024-05-05"), "arrivalNotification"));
        var known = await State($"asOfDate=2024-05-20&knownAt={before}");
        Assert.Equal(2, known.GetProperty("eventsKnown").GetInt32());
        Assert.StartsWith("2026.", known.GetProperty("evaluation").GetProperty("catalogueVersion").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await auditor.GetAsync($"{c}/state?knownAt=yesterday")).StatusCode);
    }

    [Fact]
    public async Task Timeline_TellsAnAlertRecordedOnTheCaseStream_NotTheEventsOfTheCasesAlertStream()
    {
        // Since issue 11 alerts live on a stream of their own per case, which the timeline follows in the log but must not write as
        // lines (they would sit under the alert stream's id, a case that does not exist); an alert recorded on the case's own stream
        // before issue 11 stays part of the case's story.
        var c = await OpenWithEntryAsync(app.Client(), "FR", "2024-04-01"); // never notified: the sweep raises on the alert stream
        var caseId = Guid.Parse(c.Split('/')[^1]);
        var store = app.Services.GetRequiredService<CaseFlow.EventStore.PostgresEventStore>();
        var legacy = new CaseFlow.Domain.Cases.AlertRaised(new CaseFlow.Domain.Cases.CaseId(caseId), Guid.CreateVersion7(), "arrivalNotification", "due",
            new LocalDate(2024, 4, 4), new LocalDate(2024, 4, 4), "Recorded on the case stream (NOTIFY-3WD)", "NOTIFY-3WD", null, null, null, null, "sweep");
        await store.AppendAsync(caseId, CaseFlow.Core.Cases.CaseRepository.StreamType, app.HostA.ToString(), (await store.StreamVersionAsync(caseId))!.Value,
            [CaseFlow.Core.Cases.CaseRepository.Types.ToNew(legacy, Guid.CreateVersion7())], new CaseFlow.EventStore.EventMetadata("sweep", Guid.NewGuid()));
        await app.SweepAsync();
        await app.ProjectionsCaughtUpAsync();

        var alertStream = CaseFlow.Core.Alerts.AlertRepository.StreamFor(new CaseFlow.Domain.Cases.CaseId(caseId));
        Assert.True(await Scalar<long>("SELECT count(*) FROM events WHERE stream_id = $1", alertStream) > 0);
        Assert.Equal(0, await Scalar<long>("SELECT count(*) FROM case_timeline WHERE case_id = $1", alertStream));
        var timeline = await (await app.Client("auditor").GetAsync($"{c}/timeline")).JsonAsync();
        Assert.Contains(timeline.EnumerateArray(), l => l.GetProperty("text").GetString() == "Alert raised on 2024-04-04: Recorded on the case stream (NOTIFY-3WD)");
    }

    [Fact]
    public async Task Projections_FillDeadlinesDashboardOffencesTimeline_RebuildIsIdentical()
    {
        var client = app.Client();
        // Notified late (due Wed 3 Apr, 000 §1): an art. 518 offence dated 4 Apr, a fact as of the notification's date.
        var overstayer = await OpenWithEntryAsync(client, "FR", "2024-04-01");
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{overstayer}/notifications", new { date = "2024-04-10", channel = "eQonaq" }, "\"2\"")).StatusCode);
        await OpenWithEntryAsync(client, "RU", "2024-05-25");
        await app.ProjectionsCaughtUpAsync();

        // The late notification fulfilled its deadline (it leaves the table); the exit deadline stays while the person is in the country.
        Assert.Equal("exit", await Scalar<string>("SELECT string_agg(kind, ',' ORDER BY kind) FROM deadlines WHERE case_id = $1", Guid.Parse(overstayer.Split('/')[^1])));
        var timeline = await (await app.Client("auditor").GetAsync($"{overstayer}/timeline")).JsonAsync();
        Assert.Equal("Entered Kazakhstan on 2024-04-01 at ALA", timeline[1].GetProperty("text").GetString());
        var versions = timeline.EnumerateArray().Select(l => l.GetProperty("version").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, versions.Count).Select(v => (long)v), versions); // oldest first, every version once
        var dashboard = await (await client.GetAsync($"/api/host-parties/{app.HostA}/dashboard")).JsonAsync();
        Assert.True(dashboard.GetProperty("byStatus").GetProperty("inCountry").GetInt64() >= 1);
        var offences = await (await client.GetAsync($"/api/host-parties/{app.HostA}/offences")).JsonAsync();
        Assert.Contains(offences.EnumerateArray(), o => o.GetProperty("caseId").GetString() == overstayer.Split('/')[^1] && o.GetProperty("article").GetInt32() == 518
            && o.GetProperty("offenceDate").GetString() == "2024-04-04");

        var ops = app.Client("ops");
        var listed = await (await ops.GetAsync("/api/ops/projections")).JsonAsync();
        Assert.Equal(new[] { "dashboard", "deadlines", "offences", "timeline" }, listed.EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToArray());
        Assert.All(listed.EnumerateArray(), p => Assert.Equal(0, p.GetProperty("lagEvents").GetInt64()));

        string[] tables = ["deadlines", "dashboard_cases", "offences", "case_timeline"];
        var before = new List<string>();
        foreach (var t in tables) before.Add(await Scalar<string>($"SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM {t} x"));
        foreach (var name in new[] { "deadlines", "dashboard", "offences", "timeline" })
            Assert.Equal(HttpStatusCode.Accepted, (await ops.PostAsync($"/api/ops/projections/{name}/rebuild", null)).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await Scalar<long>("SELECT count(*) FROM projections WHERE rebuild_requested OR state <> 'running'") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "rebuild did not finish");
            await Task.Delay(50);
        }
        for (var i = 0; i < tables.Length; i++)
            Assert.Equal(before[i], await Scalar<string>($"SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM {tables[i]} x"));
        Assert.Equal(HttpStatusCode.NotFound, (await ops.PostAsync("/api/ops/projections/nope/rebuild", null)).StatusCode);
        Assert.Equal(0, (await (await ops.GetAsync("/api/ops/projections/deadlines/errors")).JsonAsync()).GetArrayLength());
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/ops/projections")).StatusCode);
    }

    [Fact]
    public async Task Health_Degraded_WhenAProjectionFailed()
    {
        await app.ProjectionsCaughtUpAsync();
        await using (var fail = Db.CreateCommand("UPDATE projections SET state = 'failed', last_error = 'test' WHERE name = 'timeline'")) await fail.ExecuteNonQueryAsync();
        var health = await (await app.Client(null).GetAsync("/health/ready")).JsonAsync();
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Accepted, (await app.Client("ops").PostAsync("/api/ops/projections/timeline/resume", null)).StatusCode);
        Assert.Equal("ready", (await (await app.Client(null).GetAsync("/health/ready")).JsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task History_Paged_Export_Verify()
    {
        var client = app.Client();
        var c = await OpenWithEntryAsync(client, "IT", "2024-05-10");
        await client.PostJsonAsync($"{c}/notifications", new { date = "2024-05-11", channel = "eQonaq" }, "\"2\"");
        var auditor = app.Client("auditor");
        var page = await (await auditor.GetAsync($"{c}/history?page=2&pageSize=2")).JsonAsync();
        Assert.Equal((3, 1), (page.GetProperty("total").GetInt32(), page.GetProperty("items").GetArrayLength()));
        Assert.Equal("Notified.v1", page.GetProperty("items")[0].GetProperty("type").GetString());
        Assert.StartsWith("user:", page.GetProperty("items")[0].GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.Equal("Officer A", page.GetProperty("items")[0].GetProperty("actorName").GetString()); // the name next to the id

        var csv = await (await auditor.GetAsync($"{c}/export?format=csv")).Content.ReadAsStringAsync();
        Assert.Equal(4, csv.Trim().Split('\n').Length);
        var json = await (await auditor.GetAsync($"{c}/export?format=json")).JsonAsync();
        Assert.Equal(3, json.GetProperty("events").GetArrayLength());
        Assert.True(json.GetProperty("evaluation").TryGetProperty("deadlines", out _));

        var verify = await (await auditor.GetAsync($"/api/audit/verify?case={c.Split('/')[^1]}")).JsonAsync();
        Assert.True(verify.GetProperty("intact").GetBoolean());
        var store = await (await app.Client("ops").GetAsync("/api/audit/verify")).JsonAsync();
        Assert.True(store.GetProperty("intact").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.GetAsync("/api/audit/verify")).StatusCode);
    }
}
