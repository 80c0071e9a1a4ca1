using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace CaseFlow.Api.Tests;

/// <summary>
/// A host party's size over time (migration 0019): art. 518's tier by the host's category (000 offences section, art. 518: small 10 MCI,
/// large 20) taken on the offence's date (CaseFlow's reading, docs/rules.md), so a size changed today re-prices no earlier offence; a state "as known at" an instant uses the sizes known then;
/// every size is recorded with who set it, a size set by hand in SQL too. Host B starts large; the clock starts on 2024-06-01.
/// </summary>
public sealed class HostPartySizeHistoryTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private async Task<string> OpenWithEntryAsync(string entry, string? notified = null)
    {
        var client = app.Client("complianceB");
        var open = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Size", givenNames = "History", nationality = "DE", birthDate = "1985-01-01", passportNumber = Guid.NewGuid().ToString("N")[..9], passportExpiry = "2035-01-01" },
            hostPartyId = app.HostB,
        });
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        var c = open.Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/entries", new { date = entry, borderPoint = "NQZ airport" }, "\"1\"")).StatusCode);
        if (notified is not null)
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/notifications", new { date = notified, channel = "eQonaq" }, "\"2\"")).StatusCode);
        return c;
    }

    private async Task<JsonElement> ReadAsync(string url)
    {
        var response = await app.Client("complianceB").GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static decimal? Art518(JsonElement evaluation) =>
        evaluation.GetProperty("fines").EnumerateArray().Where(f => f.GetProperty("article").GetInt32() == 518).Select(f => (decimal?)f.GetProperty("mci").GetDecimal()).SingleOrDefault();

    [Fact]
    public async Task ASizeChange_HoldsFromItsDay_AStateAsKnownBeforeItKeepsTheOldSize_AndAHandEditIsRecorded()
    {
        var start = app.Clock.GetCurrentInstant();
        try
        {
            // Notified late on 30 May: an offence of a large host, 20 MCI. Entered Fri 31 May: due Wed 5 June, not yet missed.
            var late = await OpenWithEntryAsync("2024-05-24", notified: "2024-05-30");
            var pending = await OpenWithEntryAsync("2024-05-31");
            Assert.Equal(20m, Art518((await ReadAsync(late)).GetProperty("evaluation")));
            await Task.Delay(20);
            var beforeTheChange = InstantPattern.ExtendedIso.Format(SystemClock.Instance.GetCurrentInstant());
            await Task.Delay(20);

            Assert.Equal(HttpStatusCode.OK, (await app.Client("admin").PutJsonAsync($"/api/host-parties/{app.HostB}", new { size = "small" })).StatusCode);
            Assert.Equal(20m, Art518((await ReadAsync(late)).GetProperty("evaluation"))); // before the change: still a large host's offence

            app.Clock.Set(Instant.FromUtc(2024, 6, 20, 6, 0));
            Assert.Equal(10m, Art518((await ReadAsync(pending)).GetProperty("evaluation"))); // missed on 6 June, a small host's
            var knownThen = await ReadAsync($"{pending}/state?asOfDate=2024-06-20&knownAt={beforeTheChange}");
            Assert.Equal(20m, Art518(knownThen.GetProperty("evaluation"))); // what we knew before the change: a large host
            Assert.Equal(10m, Art518((await ReadAsync($"{pending}/state?asOfDate=2024-06-20")).GetProperty("evaluation")));

            var recorded = await app.ScalarAsync<string>(
                "SELECT string_agg(effective_from || ' ' || size || ' ' || (recorded_by = 'user:' || (SELECT id FROM users WHERE name = 'Admin')), ';' ORDER BY seq) FROM host_party_sizes WHERE host_party_id = $1",
                app.HostB);
            Assert.Equal("1900-01-01 large false;2024-06-01 small true", recorded);
            var listed = await ReadAsync($"/api/host-parties/{app.HostB}/sizes");
            Assert.Equal(["1900-01-01 large", "2024-06-01 small"], listed.EnumerateArray().Select(e => $"{e.GetProperty("from").GetString()} {e.GetProperty("size").GetString()}"));
            Assert.StartsWith("user:", listed[1].GetProperty("recordedBy").GetString(), StringComparison.Ordinal);
            Assert.True(InstantPattern.ExtendedIso.Parse(listed[1].GetProperty("recordedAt").GetString()!).Value > InstantPattern.ExtendedIso.Parse(beforeTheChange).Value);
            Assert.Equal(HttpStatusCode.OK, (await app.Client("auditorB").GetAsync($"/api/host-parties/{app.HostB}/sizes")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await app.Client("auditor").GetAsync($"/api/host-parties/{app.HostB}/sizes")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await app.Client("admin").GetAsync($"/api/host-parties/{Guid.NewGuid()}/sizes")).StatusCode);

            // An insider sets the size in SQL: recorded from today in Almaty by the database user; no 2024 offence is re-priced.
            await app.ScalarAsync<int>("WITH u AS (UPDATE host_parties SET size = 'large' WHERE id = $1 RETURNING 1) SELECT count(*)::int FROM u", app.HostB);
            var byHand = await app.ScalarAsync<string>("SELECT effective_from || ' ' || size || ' ' || recorded_by FROM host_party_sizes WHERE host_party_id = $1 ORDER BY seq DESC LIMIT 1", app.HostB);
            Assert.StartsWith("large db:", byHand[11..], StringComparison.Ordinal);
            Assert.Equal(10m, Art518((await ReadAsync(pending)).GetProperty("evaluation")));
            Assert.Equal("large", (await (await app.Client("admin").GetAsync($"/api/host-parties/{app.HostB}")).JsonAsync()).GetProperty("size").GetString());
        }
        finally
        {
            app.Clock.Set(start);
        }
    }

    [Fact]
    public async Task ARenameOrTheSameSize_RecordsNoNewSize()
    {
        var count = () => app.ScalarAsync<long>("SELECT count(*) FROM host_party_sizes WHERE host_party_id = $1", app.HostA);
        var before = await count();
        var current = (await (await app.Client("admin").GetAsync($"/api/host-parties/{app.HostA}")).JsonAsync()).GetProperty("size").GetString();
        Assert.Equal(HttpStatusCode.OK, (await app.Client("admin").PutJsonAsync($"/api/host-parties/{app.HostA}", new { name = "Host A", size = current })).StatusCode);
        Assert.Equal(before, await count());
    }

    [Fact]
    public async Task AHostWhoseRecordedSizesAreDeleted_KeepsItsSizeNow()
    {
        // An insider deletes Host A's recorded sizes: its size now (small) holds for all time, not "size unknown".
        await app.ScalarAsync<int>("WITH d AS (DELETE FROM host_party_sizes WHERE host_party_id = $1 RETURNING 1) SELECT count(*)::int FROM d", app.HostA);
        var client = app.Client("compliance");
        var open = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Size", givenNames = "Deleted", nationality = "DE", birthDate = "1985-01-01", passportNumber = Guid.NewGuid().ToString("N")[..9], passportExpiry = "2035-01-01" },
            hostPartyId = app.HostA,
        });
        var c = open.Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/entries", new { date = "2024-05-24", borderPoint = "NQZ airport" }, "\"1\"")).StatusCode);
        var evaluation = (await (await client.GetAsync(c)).JsonAsync()).GetProperty("evaluation");
        Assert.Equal(10m, Art518(evaluation));
        Assert.DoesNotContain(evaluation.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("Host party size", StringComparison.Ordinal));
        var listed = await app.Client("admin").GetAsync($"/api/host-parties/{app.HostA}/sizes"); // it exists: an empty list, not 404
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Empty((await listed.JsonAsync()).EnumerateArray());
    }

    [Fact]
    public async Task TwoChangesOnOneDay_TheLaterHolds()
    {
        // An admin corrects a size the same day (small -> large -> medium): from today the last recorded holds, for the rules as for the list.
        var host = (await (await app.Client("admin").PostJsonAsync("/api/host-parties", new { name = "Corrected", bin = "777777777702", size = "small" })).JsonAsync()).GetProperty("id").GetGuid();
        foreach (var size in new[] { "large", "medium" })
            Assert.Equal(HttpStatusCode.OK, (await app.Client("admin").PutJsonAsync($"/api/host-parties/{host}", new { size })).StatusCode);
        await using var connection = await app.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().OpenConnectionAsync();
        var sizes = (await CaseFlow.Core.HostParties.HostPartyStore.SizesAsync(connection, null, [host], CancellationToken.None))[host]!;
        Assert.Equal((CaseFlow.Domain.Rules.HostPartySize.Medium, CaseFlow.Domain.Rules.HostPartySize.Medium, CaseFlow.Domain.Rules.HostPartySize.Small),
            (sizes.Current, sizes.On(new LocalDate(2024, 6, 1)), sizes.On(new LocalDate(2024, 5, 31))));
        var listed = (await (await app.Client("admin").GetAsync($"/api/host-parties/{host}/sizes")).JsonAsync()).EnumerateArray().Select(r => r.GetProperty("size").GetString());
        Assert.Equal(["small", "large", "medium"], listed);
    }

    [Fact]
    public async Task TheSizesList_IsBounded_ToTheNewestThousand()
    {
        var host = (await (await app.Client("admin").PostJsonAsync("/api/host-parties", new { name = "Many Sizes", bin = "777777777701", size = "small" })).JsonAsync()).GetProperty("id").GetGuid();
        await app.ScalarAsync<int>("""
            WITH i AS (INSERT INTO host_party_sizes (host_party_id, effective_from, size, recorded_by)
                       SELECT $1, DATE '2024-01-01' + n, (ARRAY['small', 'medium', 'large'])[n % 3 + 1], 'test' FROM generate_series(1, 1004) n RETURNING 1)
            SELECT count(*)::int FROM i
            """, host);
        var sizes = (await (await app.Client("admin").GetAsync($"/api/host-parties/{host}/sizes")).JsonAsync()).EnumerateArray().ToList();
        Assert.Equal(1000, sizes.Count);
        Assert.Equal(("2024-01-06", "2026-10-01"), (sizes[0].GetProperty("from").GetString(), sizes[^1].GetProperty("from").GetString()));
    }
}
