using System.Net;
using CaseFlow.Core.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>
/// The edges the mutation run of the split endpoints showed untested: who may subscribe and list subscriptions, the inbox's host
/// filter, the history's page bounds, state-at's default date and the business-date boundary, the export's shape, the jobs list
/// without a scheduler, and a taken-over Idempotency-Key claim restamped.
/// </summary>
public class EndpointEdgeTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    [Fact]
    public async Task Subscriptions_OnlyTheHostsComplianceMaySubscribe_AdminMayNot_OthersSee404_AndTheListIsTheHosts()
    {
        var path = $"/api/host-parties/{app.HostA}/subscriptions";
        var other = await app.Client("complianceB").PostJsonAsync(path, new { channel = "email", target = "b@b.kz", mode = "each" });
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        // Alerts name foreigners: admin manages host parties and users, not personal data (issue 11).
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client("admin").PostJsonAsync(path, new { channel = "email", target = "admin@a.kz", mode = "digest" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client("admin").GetAsync(path)).StatusCode);
        var byDigest = await app.Client().PostJsonAsync(path, new { channel = "email", target = "digest@a.kz", mode = "digest" });
        Assert.Equal(HttpStatusCode.Created, byDigest.StatusCode);
        var byOwner = await app.Client().PostJsonAsync(path, new { channel = "webhook", target = "http://127.0.0.1:9/a", mode = "each" });
        Assert.Equal(HttpStatusCode.Created, byOwner.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await app.Client("complianceB").PostJsonAsync($"/api/host-parties/{app.HostB}/subscriptions",
            new { channel = "email", target = "b@b.kz", mode = "each" })).StatusCode);

        foreach (var user in new[] { "compliance", "auditor" })
        {
            var list = await (await app.Client(user).GetAsync(path)).JsonAsync();
            var targets = list.EnumerateArray().Select(s => s.GetProperty("target").GetString()!).ToList();
            Assert.Contains("digest@a.kz", targets);
            Assert.Contains("http://127.0.0.1:9/a", targets);
            Assert.DoesNotContain("b@b.kz", targets);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("auditorB").GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("complianceB").GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task History_PageSize1And500_Page1_Accepted_0And501_Refused()
    {
        var c = await OpenAsync("HISTORY1");
        var auditor = app.Client("auditor");
        foreach (var ok in new[] { "pageSize=1", "pageSize=500", "page=1" })
            Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"{c}/history?{ok}")).StatusCode);
        foreach (var (bad, field) in new[] { ("pageSize=0", "pageSize"), ("pageSize=501", "pageSize"), ("page=0", "page") })
        {
            var answer = await auditor.GetAsync($"{c}/history?{bad}");
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            Assert.True((await answer.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await auditor.GetAsync($"/api/cases/{Guid.NewGuid()}/history")).StatusCode);
    }

    [Fact]
    public async Task StateAt_JudgesTheKnownAtDateByDefault_AndAnEventOnTheJudgedDateCounts()
    {
        var c = await OpenAsync("STATEAT1");
        await app.Client().PostJsonAsync($"{c}/entries", new { date = "2024-05-20", borderPoint = "ALA" }, "\"1\"");
        var auditor = app.Client("auditor");
        // 2030-01-01T20:00Z is already 2 January in Almaty: the judged date follows knownAt, not today (1 June 2024 by the test clock).
        var known = await (await auditor.GetAsync($"{c}/state?knownAt=2030-01-01T20:00:00Z")).JsonAsync();
        Assert.Equal("2030-01-02", known.GetProperty("asOfDate").GetString());
        var onEntryDay = await (await auditor.GetAsync($"{c}/state?asOfDate=2024-05-20")).JsonAsync();
        Assert.True(onEntryDay.GetProperty("state").GetProperty("inCountry").GetBoolean());
        var dayBefore = await (await auditor.GetAsync($"{c}/state?asOfDate=2024-05-19")).JsonAsync();
        Assert.False(dayBefore.GetProperty("state").GetProperty("inCountry").GetBoolean());

        // knownAt keeps to the dates every input keeps to (1900-01-01 to 2100-12-31) by its date in Almaty: 18:59 UTC on the last day
        // is still that day there, 19:00 is the next; an instant at the calendar's very end once answered 500 (no date to compute).
        Assert.Equal("2100-12-31", (await (await auditor.GetAsync($"{c}/state?knownAt=2100-12-31T18:59:59Z")).JsonAsync()).GetProperty("asOfDate").GetString());
        foreach (var beyond in new[] { "2100-12-31T19:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T20:00:00%2B14:00", "1899-12-31T12:00:00Z" })
        {
            var refused = await auditor.GetAsync($"{c}/state?knownAt={beyond}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.StartsWith("an instant from 1900-01-01 to 2100-12-31", (await refused.JsonAsync()).GetProperty("errors").GetProperty("knownAt")[0].GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Export_CsvHasItsHeaderAndFileName_JsonNamesTheCaseAndDate()
    {
        var c = await OpenAsync("EXPORT01");
        var auditor = app.Client("auditor");
        var csv = await auditor.GetAsync($"{c}/export?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"case-{c.Split('/')[^1]}.csv", csv.Content.Headers.ContentDisposition!.FileName);
        Assert.StartsWith("version,sequence,recordedAt,actor,correlationId,type,businessDate,text,hash\n1,", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var json = await (await auditor.GetAsync($"{c}/export")).JsonAsync();
        Assert.Equal((c.Split('/')[^1], "2024-06-01", 1), (json.GetProperty("caseId").GetString(), json.GetProperty("exportedAsOf").GetString(), json.GetProperty("version").GetInt32()));
        var bad = await auditor.GetAsync($"{c}/export?format=xml");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("json or csv", (await bad.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inbox_FiltersByTheHostPartyAsked_AnotherHostsIsEmpty()
    {
        var compliance = app.Client();
        var c = await OpenAsync("INBOX001");
        var b = await app.Client("complianceB").PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Other", givenNames = "O", nationality = "DE", birthDate = "1980-01-01", passportNumber = "INBOXB01" },
            hostPartyId = app.HostB,
        });
        await RaiseAsync(c, app.HostA, "inbox probe");
        await RaiseAsync(b.Headers.Location!.ToString(), app.HostB, "another host's alert");
        var mine = (await (await compliance.GetAsync($"/api/alerts?hostParty={app.HostA}&pageSize=200")).JsonAsync()).GetProperty("items");
        Assert.Contains(mine.EnumerateArray(), a => a.GetProperty("message").GetString() == "inbox probe");
        Assert.DoesNotContain(mine.EnumerateArray(), a => a.GetProperty("message").GetString() == "another host's alert");
        var others = await (await compliance.GetAsync($"/api/alerts?hostParty={app.HostB}")).JsonAsync();
        Assert.Equal(0, others.GetProperty("items").GetArrayLength());
        Assert.Equal(0, others.GetProperty("total").GetInt64());
        var theirs = (await (await app.Client("complianceB").GetAsync($"/api/alerts?hostParty={app.HostB}&pageSize=200")).JsonAsync()).GetProperty("items");
        Assert.Contains(theirs.EnumerateArray(), a => a.GetProperty("message").GetString() == "another host's alert");
    }

    private async Task RaiseAsync(string caseLocation, Guid host, string message)
    {
        await using var insert = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("""
            INSERT INTO alerts (id, case_id, host_party_id, kind, level, due, raised_on, raised_at, message, rule, state, updated_at)
            VALUES ($1, $2, $3, 'arrivalNotification', 'due', '2024-05-23', '2024-05-23', now(), $4, 'NOTIFY-3WD', 'raised', now())
            """);
        insert.Parameters.Add(new() { Value = Guid.NewGuid() });
        insert.Parameters.Add(new() { Value = Guid.Parse(caseLocation.Split('/')[^1]) });
        insert.Parameters.Add(new() { Value = host });
        insert.Parameters.Add(new() { Value = message });
        await insert.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Jobs_WithoutAScheduler_ShowTheLastRecordedRun()
    {
        var fired = new DateTime(2024, 6, 1, 3, 30, 0, DateTimeKind.Utc);
        await JobRunLog.RecordRunAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), "retention", "node-x", fired, fired.AddSeconds(1), null, CancellationToken.None);
        var jobs = await (await app.Client("ops").GetAsync("/api/ops/jobs")).JsonAsync();
        var retention = jobs.EnumerateArray().Single(j => j.GetProperty("name").GetString() == "retention");
        Assert.Equal((new DateTimeOffset(fired), "succeeded", "node-x"),
            (retention.GetProperty("lastFire").GetDateTimeOffset(), retention.GetProperty("lastOutcome").GetString(), retention.GetProperty("lastNode").GetString()));
    }

    [Fact]
    public async Task ATakenOverClaim_IsRestamped_SoASecondRetryWaitsForIt()
    {
        var db = app.Services.GetRequiredService<NpgsqlDataSource>();
        var path = $"/api/host-parties/{app.HostA}/subscriptions";
        var hash = CaseFlow.Api.Infrastructure.Http.Idempotency.Hash("POST", path, "{\"channel\":\"email\",\"target\":\"restamp@a.kz\",\"mode\":\"each\"}");
        await using (var claim = db.CreateCommand("INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) SELECT id, 'restamp', $1, now() - interval '10 minutes' FROM users WHERE name = 'Officer A'"))
        {
            claim.Parameters.Add(new() { Value = hash });
            await claim.ExecuteNonQueryAsync();
        }
        Assert.Equal(HttpStatusCode.Created, (await app.Client().PostJsonAsync(path, new { channel = "email", target = "restamp@a.kz", mode = "each" }, idempotencyKey: "restamp")).StatusCode);
        await using var age = db.CreateCommand("SELECT now() - created_at < interval '1 minute' FROM idempotency_keys WHERE key = 'restamp'");
        Assert.True((bool)(await age.ExecuteScalarAsync())!);
    }

    private async Task<string> OpenAsync(string passport)
    {
        var open = await app.Client().PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Edge", givenNames = "E", nationality = "DE", birthDate = "1980-01-01", passportNumber = passport },
            hostPartyId = app.HostA,
        });
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        return open.Headers.Location!.ToString();
    }
}
