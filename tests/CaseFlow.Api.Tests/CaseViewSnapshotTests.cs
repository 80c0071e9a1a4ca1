using System.Net;
using System.Text;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Security;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>
/// Issue 14: a long case's view at constant cost from a sealed snapshot (<see cref="CaseViewSnapshots"/>). What must hold: the snapshot
/// is served only for the stream's current version, this day and this basis; an edited, moved or stale row is recomputed from the
/// events, never served and never a 500; tenancy holds on the snapshot path; the stored answer is sealed; erasure deletes it.
/// </summary>
public sealed class CaseViewSnapshotTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    /// <summary>
    /// A German national's case of two-day stays from 2003 (as the bench's long case), recorded in one append: exactly
    /// <see cref="CaseViewSnapshots.FromVersion"/> events (the shortest case that keeps a snapshot), or <paramref name="events"/>.
    /// </summary>
    private async Task<Guid> LongCaseAsync(Guid host, string family, long events = CaseViewSnapshots.FromVersion)
    {
        var id = CaseId.New();
        var history = new List<CaseEvent> { new CaseOpened(id, new(family, "Long", "DE", new LocalDate(1970, 1, 1), $"L{Guid.NewGuid():N}"[..9].ToUpperInvariant()), new(host), "test") };
        for (var day = new LocalDate(2003, 1, 6); history.Count + 2 <= events; day = day.PlusDays(2))
        {
            history.Add(new Entered(id, day, "ALA", "test"));
            history.Add(new Exited(id, day.PlusDays(1), "test"));
        }
        if (history.Count < events) history.Add(new Notified(id, new LocalDate(2003, 1, 7), NotificationChannel.EQonaq, null, "test"));
        await app.Services.GetRequiredService<CaseRepository>().AppendAsync(null, id, history, new EventMetadata("test", Guid.NewGuid()), CancellationToken.None);
        Assert.Equal(events, history.Count);
        return id.Value;
    }

    private async Task<(string Body, string? ETag)> ReadAsync(Guid id, string user = "compliance")
    {
        var response = await app.Client(user).GetAsync($"/api/cases/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        return (await response.Content.ReadAsStringAsync(), response.Headers.ETag?.Tag);
    }

    /// <summary>Stores <paramref name="answer"/> as the case's snapshot, sealed as the reader would seal it at the current version and day.</summary>
    private async Task ForgeAsync(Guid id, string answer, long version, LocalDate asOf)
    {
        var keys = await app.Services.GetRequiredService<DataKeys>().LoadAsync(app.Services.GetRequiredService<Npgsql.NpgsqlDataSource>(), [id], CancellationToken.None);
        var basis = CaseViewSnapshots.BasisOf(app.Services.GetRequiredService<RuleCatalogue>(), CaseFlow.Domain.Rules.HostPartySize.Small);
        var stored = CaseViewSnapshots.Seal(keys, id, version, asOf, app.HostA, basis, Encoding.UTF8.GetBytes(answer))!;
        await app.Services.GetRequiredService<CaseViewSnapshots>().SaveAsync(stored, CancellationToken.None);
    }

    private LocalDate Today => app.Clock.GetCurrentInstant().InZone(DateTimeZoneProviders.Tzdb["Asia/Almaty"]).Date;

    [Fact]
    public async Task ALongCase_IsAnsweredFromItsSealedSnapshot_OnlyWhileItsVersionDayAndBasisHold()
    {
        var id = await LongCaseAsync(app.HostA, "Snapshotted");
        var (first, etag) = await ReadAsync(id);
        Assert.Equal("\"1000\"", etag);
        Assert.Equal((1000L, Today.ToDateOnly()), (await app.ScalarAsync<long>("SELECT version FROM case_view_snapshots WHERE case_id = $1", id),
            await app.ScalarAsync<DateOnly>("SELECT as_of FROM case_view_snapshots WHERE case_id = $1", id)));
        var sealedBytes = await app.ScalarAsync<byte[]>("SELECT sealed FROM case_view_snapshots WHERE case_id = $1", id);
        Assert.Contains("Snapshotted", first, StringComparison.Ordinal);
        Assert.DoesNotContain("Snapshotted", Encoding.UTF8.GetString(sealedBytes), StringComparison.Ordinal); // personal data never in clear
        Assert.Equal((first, etag), await ReadAsync(id)); // byte for byte what the computation gave

        // The stored answer is what a read serves (a forged one, sealed as the reader seals, shows it), to its own tenant only.
        await ForgeAsync(id, first.Replace("Snapshotted", "FromTheSnapshot", StringComparison.Ordinal), 1000, Today);
        Assert.Contains("FromTheSnapshot", (await ReadAsync(id)).Body, StringComparison.Ordinal);
        Assert.Contains("FromTheSnapshot", (await ReadAsync(id, "auditor")).Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("complianceB").GetAsync($"/api/cases/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("auditorB").GetAsync($"/api/cases/{id}")).StatusCode);

        // A new event: the snapshot of the old version is not served.
        Assert.Equal(HttpStatusCode.OK, (await app.Client().PostJsonAsync($"/api/cases/{id}/entries", new { date = "2024-05-30", borderPoint = "ALA" }, "\"1000\"")).StatusCode);
        var (afterEntry, entryTag) = await ReadAsync(id);
        Assert.Equal("\"1001\"", entryTag);
        Assert.DoesNotContain("FromTheSnapshot", afterEntry, StringComparison.Ordinal);
        Assert.Contains("\"inCountry\":true", afterEntry, StringComparison.Ordinal);
        // A slow reader of the old version saving its answer late never replaces the newer one.
        await ForgeAsync(id, first, 1000, Today);
        Assert.Equal(1001L, await app.ScalarAsync<long>("SELECT version FROM case_view_snapshots WHERE case_id = $1", id));

        // Another day: computed again as of that day.
        await ForgeAsync(id, afterEntry.Replace("Snapshotted", "FromTheSnapshot", StringComparison.Ordinal), 1001, Today);
        var now = app.Clock.GetCurrentInstant();
        try
        {
            app.Clock.Set(now.Plus(Duration.FromDays(1)));
            Assert.DoesNotContain("FromTheSnapshot", (await ReadAsync(id)).Body, StringComparison.Ordinal);
            Assert.Equal(Today.ToDateOnly(), await app.ScalarAsync<DateOnly>("SELECT as_of FROM case_view_snapshots WHERE case_id = $1", id));
        }
        finally
        {
            app.Clock.Set(now);
        }

        // Another host size (art. 518's tier, from today on): computed again with it; the basis names each size and the day it holds from.
        await ForgeAsync(id, afterEntry.Replace("Snapshotted", "FromTheSnapshot", StringComparison.Ordinal), 1001, Today);
        var size = (await (await app.Client("admin").GetAsync($"/api/host-parties/{app.HostA}")).JsonAsync()).GetProperty("size").GetString();
        Assert.Equal("small", size);
        Assert.Equal(HttpStatusCode.OK, (await app.Client("admin").PutJsonAsync($"/api/host-parties/{app.HostA}", new { size = "medium" })).StatusCode);
        try
        {
            Assert.DoesNotContain("FromTheSnapshot", (await ReadAsync(id)).Body, StringComparison.Ordinal);
            Assert.Contains("|Small,2024-06-01:Medium|", await app.ScalarAsync<string>("SELECT basis FROM case_view_snapshots WHERE case_id = $1", id), StringComparison.Ordinal);
        }
        finally
        {
            Assert.Equal(HttpStatusCode.OK, (await app.Client("admin").PutJsonAsync($"/api/host-parties/{app.HostA}", new { size = "small" })).StatusCode);
        }
    }

    [Fact]
    public async Task AnEditedOrMovedSnapshotRow_IsNeverServed_TheCaseIsComputedFromItsEvents()
    {
        var id = await LongCaseAsync(app.HostA, "Tampered");
        var other = await LongCaseAsync(app.HostA, "Bystander");
        var (expected, _) = await ReadAsync(id);
        var (otherExpected, _) = await ReadAsync(other);

        foreach (var edit in new[]
                 {
                     "UPDATE case_view_snapshots SET sealed = set_byte(sealed, 39, get_byte(sealed, 39) # 255) WHERE case_id = $1", // a byte inverted (overwritten with 0xff it stayed the same one run in 256)
                     "UPDATE case_view_snapshots SET sealed = (SELECT sealed FROM case_view_snapshots WHERE case_id = $2) WHERE case_id = $1", // another case's answer
                     "UPDATE case_view_snapshots SET as_of = as_of + 1 WHERE case_id = $1", // another day (a replay)
                     "UPDATE case_view_snapshots SET basis = 'another|Large|x|y' WHERE case_id = $1",
                 })
        {
            await app.ScalarAsync<object>(edit, id, other);
            Assert.Equal(expected, (await ReadAsync(id)).Body);
        }
        Assert.Equal(otherExpected, (await ReadAsync(other)).Body);

        // The row moved to another tenant (of the same size, so only the seal tells): that tenant still sees nothing, its own tenant
        // still reads the case.
        await app.ScalarAsync<object>("UPDATE case_view_snapshots SET host_party_id = $2 WHERE case_id = $1", id, app.HostB);
        Assert.Equal(HttpStatusCode.OK, (await app.Client("admin").PutJsonAsync($"/api/host-parties/{app.HostB}", new { size = "small" })).StatusCode);
        try
        {
            Assert.Equal(HttpStatusCode.NotFound, (await app.Client("complianceB").GetAsync($"/api/cases/{id}")).StatusCode);
        }
        finally
        {
            Assert.Equal(HttpStatusCode.OK, (await app.Client("admin").PutJsonAsync($"/api/host-parties/{app.HostB}", new { size = "large" })).StatusCode);
        }
        Assert.Equal(expected, (await ReadAsync(id)).Body);
    }

    [Fact]
    public async Task ErasingALongCase_DeletesItsSnapshot_AndAShortCaseNeverHasOne()
    {
        var id = await LongCaseAsync(app.HostA, "Forgotten");
        await ReadAsync(id);
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM case_view_snapshots WHERE case_id = $1", id));
        Assert.Equal(HttpStatusCode.OK, (await app.Client("admin").PostJsonAsync($"/api/cases/{id}/erasure", new { reason = "request of the person" })).StatusCode);
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM case_view_snapshots WHERE case_id = $1", id));
        var (erased, _) = await ReadAsync(id);
        Assert.DoesNotContain("Forgotten", erased, StringComparison.Ordinal);
        Assert.Contains("\"personalDataErased\":true", erased, StringComparison.Ordinal);
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM case_view_snapshots WHERE case_id = $1", id)); // no key, nothing sealed

        var shorter = await LongCaseAsync(app.HostA, "Shorter", CaseViewSnapshots.FromVersion - 1);
        await ReadAsync(shorter);
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM case_view_snapshots WHERE case_id = $1", shorter));

        var open = await app.Client().PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Brief", givenNames = "Stay", nationality = "DE", birthDate = "1990-01-01", passportNumber = $"B{Guid.NewGuid():N}"[..9].ToUpperInvariant() },
            hostPartyId = app.HostA,
        });
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client().GetAsync(open.Headers.Location)).StatusCode);
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM case_view_snapshots WHERE case_id = $1", Guid.Parse(open.Headers.Location!.ToString().Split('/')[^1])));
    }
}
