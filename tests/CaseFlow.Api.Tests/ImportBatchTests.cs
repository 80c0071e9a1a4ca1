using System.Net;
using System.Text;
using System.Text.Json;
using CaseFlow.Core.Imports;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>Imports stored in batches (ADR 12): the per-row report, skips and rejections as before, many cases per transaction.</summary>
public class ImportBatchTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private const string Header = "familyName,givenNames,nationality,birthDate,passportNumber,passportExpiry,stays,visas,notified";
    private readonly string run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();

    private string Person(int k, string family = "Batch", string nationality = "DE") =>
        $"{family}{k},Person,{nationality},1980-01-01,B{run}{k:D5},,2024-01-10/2024-01-20,,2024-01-11";

    private async Task<JsonElement> ImportAsync(IEnumerable<string> rows, bool hostB = false)
    {
        var csv = string.Join('\n', [Header, .. rows]);
        var response = await app.Client(hostB ? "complianceB" : "compliance")
            .PostAsync($"/api/imports?hostParty={(hostB ? app.HostB : app.HostA)}", new StringContent(csv, Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private Task<T> Scalar<T>(string sql, params object[] args) => app.ScalarAsync<T>(sql, args);

    [Fact]
    public async Task ManyBatches_EachRowReportedInOrder_DuplicatesSkippedWithinAndAcrossBatches_ManyCasesPerTransaction()
    {
        var known = (await ImportAsync([Person(1100)])).GetProperty("rows")[0].GetProperty("caseId").GetGuid(); // the host party has this person already
        var lines = Enumerable.Range(1, 1203).Select(k => k switch
        {
            10 => Person(5),                           // the same person as line 6, in the same batch
            700 => Person(3),                          // the same person as line 4, a batch later
            800 => Person(800, nationality: "XX"),     // rejected by the decider
            _ => Person(k),
        }).ToList();

        var report = await ImportAsync(lines);
        var rows = report.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(2, 1203), rows.Select(r => r.GetProperty("row").GetInt32())); // one result per data line, in file order
        JsonElement Line(int k) => rows[k - 1];
        Guid? Case(int k) => Line(k).GetProperty("caseId").ValueKind == JsonValueKind.Null ? null : Line(k).GetProperty("caseId").GetGuid();
        string Outcome(int k) => Line(k).GetProperty("outcome").GetString()!;

        Assert.Equal(("skipped", Case(5)), (Outcome(10), Case(10)));
        Assert.Equal(("skipped", Case(3)), (Outcome(700), Case(700)));
        Assert.Equal(("skipped", known), (Outcome(1100), Case(1100)));
        Assert.Equal(("rejected", (Guid?)null), (Outcome(800), Case(800)));
        Assert.Contains("person.unknown-nationality", Line(800).GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal((1199, 3, 1), (report.GetProperty("created").GetInt32(), report.GetProperty("skipped").GetInt32(), report.GetProperty("rejected").GetInt32()));

        var created = rows.Where(r => r.GetProperty("outcome").GetString() == "created").Select(r => r.GetProperty("caseId").GetGuid()).ToArray();
        Assert.Equal(created.Length, created.Distinct().Count());
        Assert.Equal((long)created.Length, await Scalar<long>("SELECT count(*) FROM case_status WHERE case_id = ANY($1)", created));
        // Every created case whole (opened, entered, notified, exited), and stored 500 rows to a transaction, not one.
        Assert.Equal(4L * created.Length, await Scalar<long>("SELECT count(*) FROM events WHERE stream_id = ANY($1)", created));
        Assert.InRange(await Scalar<long>("SELECT count(DISTINCT tx) FROM events WHERE stream_id = ANY($1)", created), 1, (created.Length + CaseImporter.BatchRows - 1) / CaseImporter.BatchRows);

        var view = await (await app.Client().GetAsync($"/api/cases/{Case(1203)}")).JsonAsync();
        Assert.Equal(("left", "2024-01-20"), (view.GetProperty("status").GetString(), view.GetProperty("lastExit").GetString()));
    }

    [Fact]
    public async Task APersonAnotherHostPartyHas_IsCreatedForThisOne_APersonItHasIsSkipped()
    {
        var atA = (await ImportAsync([Person(2001)])).GetProperty("rows")[0].GetProperty("caseId").GetGuid();
        var atB = (await ImportAsync([Person(2002)], hostB: true)).GetProperty("rows")[0].GetProperty("caseId").GetGuid();

        var rows = (await ImportAsync([Person(2001), Person(2002)], hostB: true)).GetProperty("rows").EnumerateArray()
            .Select(r => (Outcome: r.GetProperty("outcome").GetString(), Case: r.GetProperty("caseId").GetGuid())).ToList();
        Assert.Equal("created", rows[0].Outcome); // host A's case of this person is neither reused nor named to host B
        Assert.NotEqual(atA, rows[0].Case);
        Assert.Equal(("skipped", atB), rows[1]);
    }

    [Fact]
    public async Task ABatchTheDatabaseRefuses_IsStoredRowByRow_OnlyTheRefusedRowIsRejected_AndLeavesNothing()
    {
        // An insider's constraint the decider knows nothing of: the batch holding the one New Zealander fails as a whole, then goes row by row.
        await Scalar<object>("ALTER TABLE case_status ADD CONSTRAINT test_refuse CHECK (nationality <> 'NZ')");
        try
        {
            // The host party already has the fifth person: skipped before the batch is tried, and reported once when it goes row by row.
            var known = (await ImportAsync([Person(5)])).GetProperty("rows")[0].GetProperty("caseId").GetGuid();
            var report = await ImportAsync([Person(1), Person(2), Person(3, nationality: "NZ"), Person(4), Person(5)]);
            var rows = report.GetProperty("rows").EnumerateArray().ToList();
            Assert.Equal([2, 3, 4, 5, 6], rows.Select(r => r.GetProperty("row").GetInt32()));
            Assert.Equal(["created", "created", "rejected", "created", "skipped"], rows.Select(r => r.GetProperty("outcome").GetString()));
            Assert.Equal((3, 1, 1), (report.GetProperty("created").GetInt32(), report.GetProperty("skipped").GetInt32(), report.GetProperty("rejected").GetInt32()));
            Assert.Equal(known, rows[4].GetProperty("caseId").GetGuid());
            Assert.Equal("the row could not be stored; nothing of it was kept", rows[2].GetProperty("reason").GetString());
            var refusedEvents = await Scalar<long>("SELECT count(*) FROM events WHERE type = 'CaseOpened.v1' AND data->'person'->>'nationality' = 'NZ'");
            Assert.Equal(0L, refusedEvents);
            var created = rows.Where(r => r.GetProperty("outcome").GetString() == "created").Select(r => r.GetProperty("caseId").GetGuid()).ToArray();
            Assert.Equal(3L, await Scalar<long>("SELECT count(*) FROM case_status WHERE case_id = ANY($1)", created));
        }
        finally
        {
            await Scalar<object>("ALTER TABLE case_status DROP CONSTRAINT test_refuse");
        }
    }

    [Fact]
    public async Task BlankLines_TheRequiredColumnsAlone_AndShortRowsImport_AHeaderWithoutThePassportColumnIsRefusedWhole()
    {
        // A spreadsheet's export: an empty line and one of blanks between rows count as nothing (line numbers stay the file's).
        var csv = string.Join('\n', Header, Person(3001), "", " , ,  ,", Person(3002));
        var report = await (await app.Client().PostAsync($"/api/imports?hostParty={app.HostA}", new StringContent(csv, Encoding.UTF8, "text/csv"))).JsonAsync();
        Assert.Equal([(2, "created"), (5, "created")], report.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty("row").GetInt32(), r.GetProperty("outcome").GetString())));
        Assert.Equal(0, report.GetProperty("rejected").GetInt32());

        // Only the five required columns, and a row shorter than its header: each is a person not yet arrived.
        foreach (var file in new[]
                 {
                     string.Join('\n', "familyName,givenNames,nationality,birthDate,passportNumber", $"Five,Columns,DE,1980-01-01,F{run}1"),
                     string.Join('\n', Header, $"Short,Row,DE,1980-01-01,F{run}2"),
                 })
        {
            var five = await (await app.Client().PostAsync($"/api/imports?hostParty={app.HostA}", new StringContent(file, Encoding.UTF8, "text/csv"))).JsonAsync();
            var created = Assert.Single(five.GetProperty("rows").EnumerateArray());
            Assert.Equal("created", created.GetProperty("outcome").GetString());
            Assert.Equal("notArrived", (await (await app.Client().GetAsync($"/api/cases/{created.GetProperty("caseId").GetString()}")).JsonAsync()).GetProperty("status").GetString());
        }

        // The five columns that name a person are required; without passportNumber nothing is imported and line 1 says why.
        var noPassport = string.Join('\n', "familyName,givenNames,nationality,birthDate", "Nopass,Person,DE,1980-01-01");
        var refused = await (await app.Client().PostAsync($"/api/imports?hostParty={app.HostA}", new StringContent(noPassport, Encoding.UTF8, "text/csv"))).JsonAsync();
        var only = Assert.Single(refused.GetProperty("rows").EnumerateArray());
        Assert.Equal((1, "rejected", "header lacks column(s): passportNumber"),
            (only.GetProperty("row").GetInt32(), only.GetProperty("outcome").GetString(), only.GetProperty("reason").GetString()));
        Assert.Equal(0, refused.GetProperty("created").GetInt32());
    }

    [Fact]
    public async Task ABatchOfManyCases_FoldedOnEveryCore_RebuildsToTheRowsOfTheLog()
    {
        // 150 cases in one stream-pass batch: the case projections and the timeline take their parallel path (64 cases or more).
        await ImportAsync(Enumerable.Range(5000, 150).Select(k => Person(k, nationality: k % 2 == 0 ? "DE" : "UZ")));
        var ops = app.Client("ops");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await (await ops.GetAsync("/api/ops/projections")).JsonAsync()).EnumerateArray().Any(p => p.GetProperty("lagEvents").GetInt64() > 0))
        {
            Assert.True(DateTime.UtcNow < deadline, "projections did not catch up");
            await Task.Delay(50);
        }
        string[] tables = ["deadlines", "dashboard_cases", "offences", "case_timeline"];
        async Task<string[]> Checksums() => [.. await Task.WhenAll(tables.Select(t => Scalar<string>($"SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM {t} x")))];
        var before = await Checksums();
        Assert.True(await Scalar<long>("SELECT count(*) FROM case_timeline") >= 600);
        foreach (var name in new[] { "deadlines", "dashboard", "offences", "timeline" })
            Assert.Equal(HttpStatusCode.Accepted, (await ops.PostAsync($"/api/ops/projections/{name}/rebuild", null)).StatusCode);
        while (await Scalar<long>("SELECT count(*) FROM projections WHERE rebuild_requested OR state <> 'running'") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline.AddSeconds(30), "rebuild did not finish");
            await Task.Delay(50);
        }
        Assert.Equal(before, await Checksums());
    }
}
