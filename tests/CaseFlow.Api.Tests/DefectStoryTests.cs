using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace CaseFlow.Api.Tests;

/// <summary>
/// One story per defect found by using CaseFlow (issue 9, "Defects found by using it"); each failed before its fix. The clock is
/// 2024-06-01 12:00 Asia/Almaty unless a test moves it (and puts it back).
/// </summary>
public class DefectStoryTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private async Task<(string Location, HttpClient Client)> OpenAsync(string nationality, string user = "compliance", Guid? host = null, string? passport = null,
        string familyName = "Story", string givenNames = "Defect")
    {
        var client = app.Client(user);
        var response = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName, givenNames, nationality, birthDate = "1985-01-01", passportNumber = passport ?? Guid.NewGuid().ToString("N")[..9], passportExpiry = "2035-01-01" },
            hostPartyId = host ?? app.HostA,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (response.Headers.Location!.ToString(), client);
    }

    private static async Task<JsonElement> Ok(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    private static JsonElement? Deadline(JsonElement view, string kind) =>
        view.GetProperty("evaluation").GetProperty("deadlines").EnumerateArray().Where(d => d.GetProperty("kind").GetString() == kind).Cast<JsonElement?>().FirstOrDefault();

    [Fact]
    public async Task CategoryChangeToAVisaEndingSooner_PermittedUntilIsTheNewVisasEnd()
    {
        // 000 §4.1: C3 -> B2 is on the matrix (CHG-B2). The new B2 ends on 20 Jun, before the C3's 30 Jun.
        var (c, client) = await OpenAsync("JO");
        await Ok(client.PostJsonAsync($"{c}/visas", new { date = "2024-04-20", category = "C3", entries = "multiple", validFrom = "2024-04-20", validTo = "2024-06-30" }, "\"1\""));
        await Ok(client.PostJsonAsync($"{c}/entries", new { date = "2024-04-25", borderPoint = "NQZ airport" }, "\"2\""));
        var view = await Ok(client.PostJsonAsync($"{c}/category-changes",
            new { date = "2024-05-20", to = "B2", entries = "single", validFrom = "2024-05-20", validTo = "2024-06-20" }, "\"3\""));
        Assert.Equal("2024-06-20", view.GetProperty("permittedUntil").GetString());
        Assert.Equal("2024-06-20", Deadline(view, "exit")!.Value.GetProperty("due").GetString());
        Assert.Equal(20, view.GetProperty("daysLeft").GetInt32()); // 1 to 20 June inclusive
    }

    [Fact]
    public async Task AuditExport_OfALargeHost_ShowsTheSameArt518FineAsTheCaseView()
    {
        // Host B is large: art. 518 first offence 20 MCI (FINE518-1); the export once showed a small business's 10.
        var (c, client) = await OpenAsync("DE", user: "complianceB", host: app.HostB);
        await Ok(client.PostJsonAsync($"{c}/entries", new { date = "2024-05-24", borderPoint = "NQZ airport" }, "\"1\""));
        await Ok(client.PostJsonAsync($"{c}/notifications", new { date = "2024-05-30", channel = "eQonaq" }, "\"2\""));
        var view = await Ok(client.GetAsync(c));
        var export = await Ok(client.GetAsync($"{c}/export"));
        Assert.Equal(20m, view.GetProperty("fineExposure").GetProperty("mci").GetDecimal());
        Assert.Equal(20m, export.GetProperty("evaluation").GetProperty("fines")[0].GetProperty("mci").GetDecimal());
    }

    [Fact]
    public async Task WholeStoreVerify_CountsTheStreams()
    {
        await OpenAsync("FR");
        var result = await Ok(app.Client("ops").GetAsync("/api/audit/verify"));
        await using var count = app.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().CreateCommand("SELECT count(*) FROM streams");
        var streams = (long)(await count.ExecuteScalarAsync())!;
        Assert.True(streams > 0);
        Assert.Equal(streams, result.GetProperty("streams").GetInt64());
        Assert.True(result.GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task VisaFreeVisitorAfterJuly2026_RegistrationDayAfterTheStayEnds_IsNotAnOpenNextDeadline()
    {
        // From 1 Jul 2026 visa-free arrivals register by day 30 (calendar.md); a German's stay is 30 days (000 §3): entering
        // 16 Nov 2026 the last lawful day is 15 Dec, the registration day 16 Dec can never come within the stay.
        var before = app.Clock.GetCurrentInstant();
        app.Clock.Set(Instant.FromUtc(2026, 11, 20, 6, 0));
        try
        {
            var (c, client) = await OpenAsync("DE");
            var view = await Ok(client.PostJsonAsync($"{c}/entries", new { date = "2026-11-16", borderPoint = "NQZ airport" }, "\"1\""));
            Assert.Equal("2026-12-15", view.GetProperty("permittedUntil").GetString());
            Assert.Equal(("exit", "2026-12-15"), (view.GetProperty("nextDeadline").GetProperty("kind").GetString(), view.GetProperty("nextDeadline").GetProperty("due").GetString()));
            Assert.Equal("notApplicable", Deadline(view, "arrivalNotification")!.Value.GetProperty("status").GetString());
            var listed = (await Ok(client.GetAsync($"/api/cases?q={c.Split('/')[^1]}"))).GetProperty("items");
            var row = (await Ok(client.GetAsync("/api/cases?limit=500"))).GetProperty("items").EnumerateArray().Single(i => c.EndsWith(i.GetProperty("id").GetString()!, StringComparison.Ordinal));
            Assert.Equal("exit", row.GetProperty("nextDeadline").GetProperty("kind").GetString());
            Assert.Equal(0, listed.GetArrayLength());
        }
        finally
        {
            app.Clock.Set(before);
        }
    }

    [Fact]
    public async Task PersonWhoLeft_HasNoExtensionWindowAsNextDeadline()
    {
        var (c, client) = await OpenAsync("JO");
        await Ok(client.PostJsonAsync($"{c}/visas", new { date = "2024-04-20", category = "C3", entries = "multiple", validFrom = "2024-04-20", validTo = "2024-07-31" }, "\"1\""));
        await Ok(client.PostJsonAsync($"{c}/entries", new { date = "2024-04-25", borderPoint = "NQZ airport" }, "\"2\""));
        await Ok(client.PostJsonAsync($"{c}/notifications", new { date = "2024-04-26", channel = "eQonaq" }, "\"3\""));
        var view = await Ok(client.PostJsonAsync($"{c}/exits", new { date = "2024-05-10" }, "\"4\""));
        Assert.Equal("left", view.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("nextDeadline").ValueKind);
        Assert.Null(Deadline(view, "extensionWindowCloses"));
        var row = (await Ok(client.GetAsync("/api/cases?status=left&limit=500"))).GetProperty("items").EnumerateArray().Single(i => c.EndsWith(i.GetProperty("id").GetString()!, StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.Null, row.GetProperty("nextDeadline").ValueKind);
    }

    [Fact]
    public async Task Search_IgnoresAccents_TreatsPercentAndUnderscoreAsText_FindsAReplacedPassport()
    {
        var passport = "GR" + Random.Shared.Next(1_000_000, 9_999_999);
        var (c, client) = await OpenAsync("ES", familyName: "García", givenNames: "Lucía", passport: passport);
        await OpenAsync("ES", familyName: "Other", givenNames: "Person");
        Assert.Contains((await Ok(client.GetAsync("/api/cases?q=Garcia&limit=500"))).GetProperty("items").EnumerateArray(), i => c.EndsWith(i.GetProperty("id").GetString()!, StringComparison.Ordinal));
        Assert.Contains((await Ok(client.GetAsync("/api/cases?q=lucia%20garcia&limit=500"))).GetProperty("items").EnumerateArray(), i => c.EndsWith(i.GetProperty("id").GetString()!, StringComparison.Ordinal));
        Assert.Equal(0, (await Ok(client.GetAsync("/api/cases?q=%25&limit=500"))).GetProperty("items").GetArrayLength());
        Assert.Equal(0, (await Ok(client.GetAsync("/api/cases?q=_&limit=500"))).GetProperty("items").GetArrayLength());
        await Ok(client.PostJsonAsync($"{c}/passport-replacements", new { date = "2024-05-01", passportNumber = "NEW" + passport }, "\"1\""));
        foreach (var number in new[] { passport, "NEW" + passport })
            Assert.Single((await Ok(client.GetAsync($"/api/cases?q={number}"))).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task PassportReplacement_ToANumberAnotherCaseHas_409NamesThatCase_NothingAppended()
    {
        var taken = "TK" + Random.Shared.Next(1_000_000, 9_999_999);
        var (first, _) = await OpenAsync("IT", passport: taken);
        var (second, client) = await OpenAsync("IT");
        var refused = await client.PostJsonAsync($"{second}/passport-replacements", new { date = "2024-05-01", passportNumber = taken }, "\"1\"");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.JsonAsync();
        Assert.Equal("urn:caseflow:case.duplicate-person", problem.GetProperty("type").GetString());
        Assert.Equal(first.Split('/')[^1], problem.GetProperty("existingCaseId").GetString());
        Assert.Equal(("case.duplicate-person", "passportNumber"), (problem.GetProperty("code").GetString(), problem.GetProperty("field").GetString()));
        // The detail names the case and the person's nationality, and the passport number only masked.
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(first.Split('/')[^1], detail, StringComparison.Ordinal);
        Assert.Contains($"IT passport {taken[..2]}*****{taken[^2..]}", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(taken, detail, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.Equal(1, (await Ok(client.GetAsync(second))).GetProperty("version").GetInt64());

        var again = await client.PostJsonAsync("/api/cases", new { person = new { familyName = "Dup", givenNames = "X", nationality = "IT", birthDate = "1985-01-01", passportNumber = taken }, hostPartyId = app.HostA });
        Assert.Equal(first.Split('/')[^1], (await again.JsonAsync()).GetProperty("existingCaseId").GetString());
    }

    [Fact]
    public async Task Import_OneBadRowIsRejected_EveryOtherRowImported_TheSameFileAgainCompletes()
    {
        var tag = Random.Shared.Next(100_000, 999_999);
        var csv = $"""
            familyName,givenNames,nationality,birthDate,passportNumber,passportExpiry,stays,visas,notified
            Good,One,DE,1980-01-01,GA{tag},,2024-05-01/,,2024-05-02
            Bad,Nul,DE,1980-01-01,GB{tag},,2024-05-01/,,"2024-05-02{'\0'}"
            Bad,Date,DE,0001-01-01,GC{tag},,,,
            Bad,Text{'\u0001'},DE,1980-01-01,GD{tag},,,,
            Good,Two,FR,1981-01-01,GE{tag},,2024-05-03/2024-05-10,,2024-05-04
            """;
        var client = app.Client();
        for (var run = 0; run < 2; run++)
        {
            var response = await client.PostAsync($"/api/imports?hostParty={app.HostA}", new StringContent(csv, Encoding.UTF8, "text/csv"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var report = await response.JsonAsync();
            Assert.Equal(run == 0 ? (2, 0, 3) : (0, 2, 3), (report.GetProperty("created").GetInt32(), report.GetProperty("skipped").GetInt32(), report.GetProperty("rejected").GetInt32()));
            var rows = report.GetProperty("rows").EnumerateArray().ToList();
            Assert.Equal(["created", "rejected", "rejected", "rejected", "created"], rows.Select(r => r.GetProperty("outcome").GetString() is "skipped" ? "created" : r.GetProperty("outcome").GetString()));
            if (run == 1) Assert.All(rows.Where(r => r.GetProperty("outcome").GetString() == "skipped"), r => Assert.NotEqual(JsonValueKind.Null, r.GetProperty("caseId").ValueKind));
        }
    }

    [Fact]
    public async Task RebuildThenCancelOverHttp_TheProjectionRunsAgain_WithAFreshHeartbeat()
    {
        var ops = app.Client("ops");
        await OpenAsync("NL");
        Assert.Equal(HttpStatusCode.Accepted, (await ops.PostAsync("/api/ops/projections/timeline/rebuild", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await ops.PostAsync("/api/ops/projections/timeline/cancel-rebuild", null)).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement timeline;
        do
        {
            await Task.Delay(100);
            timeline = (await Ok(ops.GetAsync("/api/ops/projections"))).EnumerateArray().Single(p => p.GetProperty("name").GetString() == "timeline");
            Assert.True(DateTime.UtcNow < deadline, $"the projection stayed {timeline}");
        }
        while (timeline.GetProperty("state").GetString() != "running" || timeline.GetProperty("rebuild").ValueKind != JsonValueKind.Null);
        Assert.False(timeline.GetProperty("heartbeatStale").GetBoolean());
    }
}
