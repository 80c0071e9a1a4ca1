using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>The compliance inbox (issue 11): each sort key, each filter, pages and totals, and what each alert carries.</summary>
public class InboxTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>, IAsyncLifetime
{
    // xUnit makes a test class per test; the alerts are written once per app (its database).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<CaseFlowApp, Lazy<Task<(string, string)>>> Seeded = new();
    private string caseOne = "", caseTwo = "";

    public async Task InitializeAsync() => (caseOne, caseTwo) = await Seeded.GetOrAdd(app, _ => new Lazy<Task<(string, string)>>(SeedAsync)).Value;

    private async Task<(string, string)> SeedAsync()
    {
        var caseOne = await OpenAsync("INBOXA01", "One");
        var caseTwo = await OpenAsync("INBOXA02", "Two");
        // (name, case, kind, level, due, raised at, fine MCI, state)
        await AlertAsync("a", caseOne, "overstay", "day4", "2024-06-10", "2024-06-13 08:00", 10m, "raised");
        await AlertAsync("b", caseOne, "arrivalNotification", "missed", "2024-06-01", "2024-06-02 08:00", 15m, "acknowledged");
        await AlertAsync("c", caseOne, "stayEnding", "7d", "2024-06-20", "2024-06-13 09:00", null, "resolved");
        await AlertAsync("d", caseTwo, "overstay", "day1", "2024-06-05", "2024-06-06 08:00", 0m, "raised");
        // Host B's open alert: never in host A's inbox, totals or digest.
        await AlertAsync("x", await OpenAsync("INBOXB01", "Other", hostB: true), "overstay", "day1", "2024-06-04", "2024-06-05 08:00", 0m, "raised", app.HostB);
        return (caseOne, caseTwo);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> OpenAsync(string passport, string family, bool hostB = false)
    {
        var open = await app.Client(hostB ? "complianceB" : "compliance").PostJsonAsync("/api/cases", new
        {
            person = new { familyName = family, givenNames = "Inbox", nationality = "DE", birthDate = "1980-01-01", passportNumber = passport },
            hostPartyId = hostB ? app.HostB : app.HostA,
        });
        return open.Headers.Location!.ToString().Split('/')[^1];
    }

    private async Task AlertAsync(string message, string caseId, string kind, string level, string due, string raisedAt, decimal? fine, string state, Guid? host = null)
    {
        await using var insert = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("""
            INSERT INTO alerts (id, case_id, host_party_id, kind, level, due, raised_on, raised_at, message, rule, fine_article, fine_mci, fine_tenge, state,
                                resolved_by, resolved_at, updated_at)
            VALUES (gen_random_uuid(), $1, $2, $3, $4, $5::date, $6::timestamptz::date, $6::timestamptz, $7, 'RULE', $8, $9, $10, $11,
                    CASE WHEN $11 = 'resolved' THEN 'system:deadline-sweep' END, CASE WHEN $11 = 'resolved' THEN $6::timestamptz END, now())
            """);
        foreach (var value in new object?[] { Guid.Parse(caseId), host ?? app.HostA, kind, level, due, raisedAt, message, fine is null ? null : 517, fine, fine * 3692m, state })
            insert.Parameters.Add(new() { Value = value ?? DBNull.Value });
        await insert.ExecuteNonQueryAsync();
    }

    private async Task<JsonElement> PageAsync(string query)
    {
        var response = await app.Client().GetAsync($"/api/alerts?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private async Task<string> Messages(string query) =>
        string.Concat((await PageAsync(query)).GetProperty("items").EnumerateArray().Select(a => a.GetProperty("message").GetString()));

    [Theory]
    [InlineData("sort=due", "bdac")]
    [InlineData("sort=-due", "cadb")]
    [InlineData("sort=raisedAt", "bdac")]
    [InlineData("sort=-raisedAt", "cadb")]
    [InlineData("", "cadb")]
    [InlineData("sort=fine", "cdab")]
    [InlineData("sort=-fine", "badc")]
    [InlineData("sort=kind", "bdac")]
    [InlineData("sort=level", "cdab")]
    public async Task EachSortKey_OrdersTheInbox(string query, string order) => Assert.Equal(order, await Messages(query));

    [Theory]
    [InlineData("kind=overstay&sort=due", "da")]
    [InlineData("level=missed", "b")]
    [InlineData("state=open&sort=due", "bda")]
    [InlineData("state=resolved", "c")]
    [InlineData("state=raised&sort=due", "da")]
    [InlineData("state=acknowledged", "b")]
    [InlineData("kind=overstay&level=day4", "a")]
    public async Task EachFilter_KeepsOnlyItsAlerts(string query, string expected) => Assert.Equal(expected, await Messages(query));

    [Fact]
    public async Task TheDailyDigest_ListsEveryOpenAlert_AcknowledgedToo_ByDueDate()
    {
        // An acknowledged alert is still an obligation not met: the digest lists it; only a resolved one drops out.
        var open = await CaseFlow.Core.Alerts.AlertProjection.OpenAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), app.HostA, CancellationToken.None);
        Assert.Equal("bda", string.Concat(open.Select(a => a.Message)));
    }

    [Fact]
    public async Task ReadingTheInbox_LeavesAnAccessLogEntry_NamingTheCasesItShowed()
    {
        // The inbox shows names (issue 12, docs/security.md): each read is in the access log, as a case read is.
        const string entries = "SELECT count(*) FROM access_log WHERE endpoint = 'ListAlerts' AND case_ids @> ARRAY[$1::uuid]";
        var before = await app.ScalarAsync<long>(entries, Guid.Parse(caseTwo));
        Assert.Equal("d", await Messages($"caseId={caseTwo}"));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await app.ScalarAsync<long>(entries, Guid.Parse(caseTwo)) == before)
        {
            Assert.True(DateTime.UtcNow < deadline, "no access-log entry for the inbox read");
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task ACaseFilter_PagesAndTotals_AndWhatAnAlertCarries()
    {
        Assert.Equal("bac", await Messages($"caseId={caseOne}&sort=due"));
        Assert.Equal("d", await Messages($"caseId={caseTwo}"));
        var second = await PageAsync("sort=due&page=2&pageSize=1");
        Assert.Equal((2, 1, 4L), (second.GetProperty("page").GetInt32(), second.GetProperty("pageSize").GetInt32(), second.GetProperty("total").GetInt64()));
        Assert.Equal("d", second.GetProperty("items")[0].GetProperty("message").GetString());
        Assert.Equal(0, (await PageAsync("sort=due&page=3&pageSize=2")).GetProperty("items").GetArrayLength());
        var last = await PageAsync("page=100000&pageSize=200"); // the last page number accepted: empty, with the total
        Assert.Equal((0, 4L), (last.GetProperty("items").GetArrayLength(), last.GetProperty("total").GetInt64()));

        var b = (await PageAsync("sort=due&page=1&pageSize=1")).GetProperty("items")[0];
        Assert.Equal((517, 15m, 55_380m, "One, Inbox"), (b.GetProperty("fineArticle").GetInt32(), b.GetProperty("fineMci").GetDecimal(), b.GetProperty("fineTenge").GetDecimal(),
            b.GetProperty("personName").GetString()));
        var c = (await PageAsync("state=resolved")).GetProperty("items")[0];
        Assert.Equal(("2024-06-13T09:00:00Z", "system:deadline-sweep"), (c.GetProperty("resolvedAt").GetString(), c.GetProperty("resolvedByName").GetString()));
        Assert.Equal(JsonValueKind.Null, c.GetProperty("fineMci").ValueKind);
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (b.GetProperty("resolution").ValueKind, c.GetProperty("resolution").ValueKind)); // none given
        Assert.Equal("\"1\"", c.GetProperty("eTag").GetString());
    }

    [Theory]
    [InlineData("sort=name", "sort")]
    [InlineData("page=0", "page")]
    [InlineData("page=100001", "page")]
    [InlineData("pageSize=201", "pageSize")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("level=bad!", "level")]
    [InlineData("kind=everything", "kind")]
    [InlineData("state=lost", "state")]
    public async Task UnknownFilterValues_Are400_NamingTheParameter(string query, string parameter)
    {
        var response = await app.Client().GetAsync($"/api/alerts?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty(parameter, out _));
    }
}
