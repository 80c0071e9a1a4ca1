using CaseFlow.Core.Security;
using System.Diagnostics;
using System.Globalization;
using CaseFlow.Core.Cases;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Imports;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace CaseFlow.Bench;

/// <summary>
/// CSV import (the path <c>POST /api/imports/cases</c> and <c>caseflow import</c> call) of a generated file (default 10,000 rows, each
/// a person with one or two stays, a visa for one in three and the notifications), into a fresh host party: rows a second, then
/// the same file again (every row skipped: what a re-import costs).
/// </summary>
internal static class ImportBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rows = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 10_000;
        var connectionString = await BenchDatabase.ConnectionStringAsync("import");
        await using var dataSource = CaseFlowDataSource.Create(connectionString);
        await Migrator.MigrateAsync(dataSource);
        var catalogue = RuleCatalogue.Default;
        var cases = new CaseRepository(new PostgresEventStore(dataSource), new DataKeys(KeyRing.Ephemeral()), [new CaseStatusProjection(catalogue)]);
        var importer = new CaseImporter(cases, catalogue, dataSource, NullLogger<CaseImporter>.Instance);
        var host = await new HostPartyStore(dataSource).AddAsync(
            new HostParty(Guid.CreateVersion7(), "Import Bench", $"{Random.Shared.NextInt64(100_000_000_000, 999_999_999_999)}", HostPartySize.Medium), "bench")
            ?? throw new InvalidOperationException("host party not created");
        var csv = Csv(rows);
        var today = new LocalDate(2026, 11, 20);

        foreach (var pass in new[] { "import", "re-import (all skipped)" })
        {
            var watch = Stopwatch.StartNew();
            var report = await importer.ImportAsync(new StringReader(csv), new HostPartyId(host.Id), "bench", today);
            var seconds = watch.Elapsed.TotalSeconds;
            foreach (var reason in report.Rows.Where(r => r.Outcome == ImportOutcome.Rejected).Select(r => r.Reason).Distinct().Take(3)) Console.WriteLine($"  rejected: {reason}");
            Console.WriteLine($"{pass,-24} {rows / seconds,10:N0} rows/s  ({rows:N0} rows in {seconds:N2} s: {report.Created:N0} created, {report.Skipped:N0} skipped, {report.Rejected:N0} rejected)");
        }
        return 0;
    }

    private static string Csv(int rows)
    {
        var csv = new System.Text.StringBuilder(string.Join(',', CaseImporter.Columns)).Append('\n');
        string[] nationalities = ["DE", "US", "RU", "IN", "UZ", "JO", "KR", "TR"];
        for (var i = 0; i < rows; i++)
        {
            var entry = new LocalDate(2025, 1, 1).PlusDays(i % 500);
            var stays = i % 2 == 0 ? $"{D(entry)}/{D(entry.PlusDays(10 + i % 20))}" : $"{D(entry)}/{D(entry.PlusDays(5))};{D(entry.PlusDays(60))}/";
            var visa = i % 3 == 0 ? $"B1:multiple:{D(entry.PlusDays(-10))}:{D(entry.PlusDays(354))}" : "";
            csv.Append(CultureInfo.InvariantCulture, $"Bench{i},Person,{nationalities[i % nationalities.Length]},1985-03-0{1 + i % 9},P{i:D8},,{stays},{visa},{D(entry.PlusDays(1))}\n");
        }
        return csv.ToString();
    }

    private static string D(LocalDate date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
