using System.Net;
using System.Text.Json;
using CaseFlow.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>Issue 12, "Done when": erasure by crypto-shredding, one access-log entry per read, and seals that catch an insider's rewrite.</summary>
public sealed class ErasureAndSealTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private NpgsqlDataSource Db => app.Services.GetRequiredService<NpgsqlDataSource>();

    private async Task<string> OpenAsync(string family, string passport)
    {
        var client = app.Client();
        var open = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = family, givenNames = "Erika", nationality = "DE", birthDate = "1990-01-01", passportNumber = passport }, hostPartyId = app.HostA,
        });
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        var c = open.Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/entries", new { date = "2024-05-20", borderPoint = "ALA" }, "\"1\"")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/address-changes", new { date = "2024-05-21", address = $"{family} street 1" }, "\"2\"")).StatusCode);
        return c;
    }

    [Fact]
    public async Task Erasure_ShowsEveryPersonalFieldErased_TheChainVerifies_ARebuildAgrees_AndTheBlindIndexForgetsThePassport()
    {
        var passport = $"E{Guid.NewGuid():N}"[..9].ToUpperInvariant();
        var c = await OpenAsync("Shredder", passport);
        var id = Guid.Parse(c.Split('/')[^1]);
        var officer = app.Client();
        Assert.Equal("Shredder", (await (await officer.GetAsync(c)).JsonAsync()).GetProperty("person").GetProperty("familyName").GetString());

        Assert.Equal(HttpStatusCode.Forbidden, (await officer.PostJsonAsync($"{c}/erasure", new { reason = "request of the person" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Client("admin").PostJsonAsync($"{c}/erasure", new { reason = " " })).StatusCode);
        // A case that does not exist: CaseFlow's not-found problem, and no erasure is recorded for it.
        var nobody = Guid.CreateVersion7();
        var unknown = await app.Client("admin").PostJsonAsync($"/api/cases/{nobody}/erasure", new { reason = "request of the person" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM streams WHERE id = $1", nobody));
        var erased = await app.Client("admin").PostJsonAsync($"{c}/erasure", new { reason = "request of the person (art. 15)" });
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.True((await erased.JsonAsync()).GetProperty("personalDataErased").GetBoolean());

        var view = await (await officer.GetAsync(c)).JsonAsync();
        Assert.Equal(("[erased]", "[erased]", "[erased]", JsonValueKind.Null), (view.GetProperty("person").GetProperty("familyName").GetString(),
            view.GetProperty("person").GetProperty("givenNames").GetString(), view.GetProperty("person").GetProperty("passportNumber").GetString(),
            view.GetProperty("person").GetProperty("birthDate").ValueKind));
        Assert.Equal("inCountry", view.GetProperty("status").GetString()); // the stay is still judged: only the person is gone
        foreach (var read in new[] { "history", "events", "export", "state?asOfDate=2024-05-25" })
        {
            var text = await (await officer.GetAsync($"{c}/{read}")).Content.ReadAsStringAsync();
            Assert.Contains("[erased]", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Shredder", text, StringComparison.Ordinal);
            Assert.DoesNotContain(passport, text, StringComparison.Ordinal);
        }
        var listed = (await (await officer.GetAsync($"/api/cases?hostParty={app.HostA}&limit=500")).JsonAsync()).GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("id").GetGuid() == id);
        Assert.Equal("[erased]", listed.GetProperty("familyName").GetString());
        Assert.Equal(0, (await (await officer.GetAsync("/api/cases?q=Shredder")).JsonAsync()).GetProperty("items").GetArrayLength());
        Assert.Equal(0, (await (await officer.GetAsync($"/api/cases?q={passport}")).JsonAsync()).GetProperty("items").GetArrayLength());
        Assert.True((await (await app.Client("auditor").GetAsync($"/api/audit/verify?case={id}")).JsonAsync()).GetProperty("intact").GetBoolean());
        var index = app.Services.GetRequiredService<KeyRing>().PassportIndex("DE", passport);
        Assert.Equal(0L, await Scalar<long>("SELECT count(*) FROM case_status WHERE passport_index = $1", index));
        Assert.Equal(1L, await Scalar<long>("SELECT count(*) FROM data_keys WHERE case_id = $1 AND wrapped IS NULL", id));
        // The same person may be opened again: the old case no longer holds their passport.
        Assert.Equal(HttpStatusCode.Created, (await officer.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Shredder", givenNames = "Erika", nationality = "DE", birthDate = "1990-01-01", passportNumber = passport }, hostPartyId = app.HostA,
        })).StatusCode);
        Assert.Equal("case.erased", (await (await officer.PostJsonAsync($"{c}/exits", new { date = "2024-05-30" }, "\"4\"")).JsonAsync()).GetProperty("code").GetString());

        // Projections rebuilt from the log show the same rows (the timeline never held the name).
        // The projections run in the background: the timeline must have the erasure before a rebuild is compared with it.
        await app.ProjectionsCaughtUpAsync();
        var before = await Scalar<string>("SELECT string_agg(t::text, '|' ORDER BY version) FROM case_timeline t WHERE case_id = $1", id);
        Assert.Contains("Personal data erased (request)", before, StringComparison.Ordinal);
        var ops = app.Client("ops");
        Assert.Equal(HttpStatusCode.Accepted, (await ops.PostAsync("/api/ops/projections/timeline/rebuild", null)).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await Scalar<long>("SELECT count(*) FROM projections WHERE name = 'timeline' AND (rebuild_requested OR state <> 'running')") > 0
               || await Scalar<string>("SELECT string_agg(t::text, '|' ORDER BY version) FROM case_timeline t WHERE case_id = $1", id) != before)
        {
            Assert.True(DateTime.UtcNow < deadline, "the rebuild did not reproduce the timeline");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Retention_ErasesThePeopleOfCasesClosedMoreThanFiveYearsAgo_AndNoOther()
    {
        var closed = await OpenAsync("Retained", $"T{Guid.NewGuid():N}"[..9].ToUpperInvariant());
        var open = await OpenAsync("Kept", $"K{Guid.NewGuid():N}"[..9].ToUpperInvariant());
        var client = app.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{closed}/exits", new { date = "2024-05-25" }, "\"3\"")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{closed}/closure", new { date = "2024-05-26", reason = "contract ended" }, "\"4\"")).StatusCode);
        var retention = app.Services.GetRequiredService<CaseFlow.Core.Jobs.RetentionService>();
        var now = app.Clock.GetCurrentInstant();
        try
        {
            app.Clock.Set(NodaTime.Instant.FromUtc(2029, 5, 26, 12, 0)); // five years to the day: not yet
            Assert.Equal(0, await retention.ErasePersonalDataAsync(CancellationToken.None));
            app.Clock.Set(NodaTime.Instant.FromUtc(2029, 5, 27, 12, 0));
            Assert.Equal(1, await retention.ErasePersonalDataAsync(CancellationToken.None));
            Assert.Equal(0, await retention.ErasePersonalDataAsync(CancellationToken.None)); // done once
        }
        finally
        {
            app.Clock.Set(now);
        }
        Assert.True((await (await client.GetAsync(closed)).JsonAsync()).GetProperty("personalDataErased").GetBoolean());
        Assert.Equal("Kept", (await (await client.GetAsync(open)).JsonAsync()).GetProperty("person").GetProperty("familyName").GetString());
        Assert.Equal("retention", await Scalar<string>("SELECT erasure_basis FROM data_keys WHERE case_id = $1", Guid.Parse(closed.Split('/')[^1])));
    }

    [Fact]
    public async Task EachReadOfPersonalData_LeavesExactlyOneAccessEntry_NamingTheUserAndTheCase()
    {
        var c = await OpenAsync("Reader", $"R{Guid.NewGuid():N}"[..9].ToUpperInvariant());
        var id = Guid.Parse(c.Split('/')[^1]);
        var auditor = app.Client("auditor");
        var auditorId = await Scalar<Guid>("SELECT id FROM users WHERE name = 'Auditor A'");
        foreach (var (read, endpoint) in new[] { ("", "GetCase"), ("/history", "GetCaseHistory"), ("/events", "GetCaseEvents"), ("/export", "ExportCase"),
                     ("/state?asOfDate=2024-05-25", "GetCaseStateAt") })
        {
            var before = await Scalar<long>("SELECT count(*) FROM access_log WHERE case_ids @> ARRAY[$1]", id);
            Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync(c + read)).StatusCode);
            var entries = (await (await auditor.GetAsync($"/api/audit/access?caseId={id}&limit=1000")).JsonAsync()).EnumerateArray().ToList();
            Assert.Equal(before + 1, entries.Count);
            Assert.Equal((auditorId, endpoint), (entries[0].GetProperty("userId").GetGuid(), entries[0].GetProperty("endpoint").GetString()));
        }
        var listed = await Scalar<long>("SELECT count(*) FROM access_log WHERE endpoint = 'ListCases' AND case_ids @> ARRAY[$1]", id);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/api/cases?q=Reader")).StatusCode);
        Assert.Equal(listed + 1, await Scalar<long>("SELECT count(*) FROM access_log WHERE endpoint = 'ListCases' AND case_ids @> ARRAY[$1]", id));
        // A list that shows no one, and a read the reader may not make, leave nothing; ops cannot read the log; it is append-only.
        var logged = await Scalar<long>("SELECT count(*) FROM access_log");
        Assert.Equal(0, (await (await auditor.GetAsync("/api/cases?q=Nobodyhasthisname")).JsonAsync()).GetProperty("items").GetArrayLength());
        Assert.Equal(logged, await Scalar<long>("SELECT count(*) FROM access_log"));
        var total = await Scalar<long>("SELECT count(*) FROM access_log");
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("auditorB").GetAsync(c)).StatusCode);
        Assert.Equal(total, await Scalar<long>("SELECT count(*) FROM access_log"));
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client("ops").GetAsync($"/api/audit/access?caseId={id}")).StatusCode);
        await Assert.ThrowsAsync<PostgresException>(() => Scalar<object>("DELETE FROM access_log"));
    }

    [Fact]
    public async Task AnInsiderWhoRecomputesAStreamsChain_OrCutsItsTail_IsReportedAgainstTheLatestSeal()
    {
        var edited = Guid.Parse((await OpenAsync("Sealed", $"S{Guid.NewGuid():N}"[..9].ToUpperInvariant())).Split('/')[^1]);
        var cut = Guid.Parse((await OpenAsync("Cut", $"C{Guid.NewGuid():N}"[..9].ToUpperInvariant())).Split('/')[^1]);
        var ops = app.Client("ops");
        Assert.Equal(HttpStatusCode.OK, (await ops.PostAsync("/api/audit/seals", null)).StatusCode);
        var seal = (await (await app.Client("auditor").GetAsync("/api/audit/seals?limit=1")).JsonAsync())[0].GetProperty("export");
        Assert.True(Seals.VerifySignature(Convert.FromBase64String(seal.GetProperty("publicKey").GetString()!), seal.GetProperty("payload").GetString()!,
            Convert.FromBase64String(seal.GetProperty("signature").GetString()!))); // checkable with the public key alone
        Assert.True((await (await ops.GetAsync("/api/audit/verify")).JsonAsync()).GetProperty("intact").GetBoolean());

        // The insider rewrites one stream's history from version 2 on (their own entry date) and rebuilds its chain with the store's own
        // append function, so every hash links and the head agrees: the chain alone verifies. From the other stream the last event goes
        // and the head rolls back to the one before.
        await Scalar<object>("""
            ALTER TABLE events DISABLE TRIGGER events_immutable;
            DELETE FROM events WHERE stream_id = $1 AND version >= 2;
            UPDATE streams SET version = 1, last_hash = (SELECT hash FROM events WHERE stream_id = $1 AND version = 1) WHERE id = $1;
            DELETE FROM events WHERE stream_id = $2 AND version = 3;
            UPDATE streams SET version = 2, last_hash = (SELECT hash FROM events WHERE stream_id = $2 AND version = 2) WHERE id = $2;
            ALTER TABLE events ENABLE TRIGGER events_immutable;
            """.Replace("$1", $"'{edited}'", StringComparison.Ordinal).Replace("$2", $"'{cut}'", StringComparison.Ordinal));
        var store = app.Services.GetRequiredService<CaseFlow.EventStore.PostgresEventStore>();
        var forged = new CaseFlow.Domain.Cases.Entered(new CaseFlow.Domain.Cases.CaseId(edited), new NodaTime.LocalDate(2024, 5, 28), "ALA", "user:someone");
        await store.AppendAsync(edited, CaseFlow.Core.Cases.CaseRepository.StreamType, app.HostA.ToString(), 1,
            [CaseFlow.Core.Cases.CaseRepository.Types.ToNew(forged, Guid.CreateVersion7()), CaseFlow.Core.Cases.CaseRepository.Types.ToNew(forged, Guid.CreateVersion7())], new CaseFlow.EventStore.EventMetadata("user:someone", Guid.NewGuid()));
        var chainOnly = await store.VerifyAllAsync();
        Assert.DoesNotContain(chainOnly.Broken, b => b.StreamId == edited || b.StreamId == cut); // what the chain alone cannot see
        var report = await (await ops.GetAsync("/api/audit/verify")).JsonAsync();
        Assert.False(report.GetProperty("intact").GetBoolean());
        var broken = report.GetProperty("seal").GetProperty("broken").EnumerateArray()
            .ToDictionary(b => b.GetProperty("streamId").GetGuid(), b => b.GetProperty("problem").GetString()!);
        Assert.StartsWith("rewritten", broken[edited], StringComparison.Ordinal);
        Assert.Equal("truncated: sealed at version 3, its head is now version 2", broken[cut]);
        Assert.Equal(2, broken.Count);
        Assert.True(report.GetProperty("seal").GetProperty("signatureValid").GetBoolean());
    }

    private Task<T> Scalar<T>(string sql, params object[] args) => app.ScalarAsync<T>(sql, args);
}
