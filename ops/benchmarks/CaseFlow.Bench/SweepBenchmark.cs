using System.Diagnostics;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.Projections;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using CaseFlow.EventStore.Projections;
using CaseFlow.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;

namespace CaseFlow.Bench;

/// <summary>
/// The deadline sweep over a generated store of open cases (default 1,000,000: CaseOpened + Entered each, entries spread over the last
/// 60 days so many cases are due an alert), with the deadlines table filled and the sweep's log checkpoint at the head: first the full
/// sweep of the day, then an incremental minute tick after 100 cases changed.
/// </summary>
internal static class SweepBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var cases = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 1_000_000;
        var connectionString = Environment.GetEnvironmentVariable("CASEFLOW_DB") is { Length: > 0 } db ? db : await TestPostgres.CreateDatabaseAsync("sweep");
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        await Migrator.MigrateAsync(dataSource);
        var catalogue = RuleCatalogue.Default;
        var store = new PostgresEventStore(dataSource);
        await new ProjectionCatalog(store, catalogue).EnsureAsync(CancellationToken.None);

        var clock = SystemClock.Instance;
        var today = CaseFlow.Domain.Calendar.LegalTime.Today(clock);
        var watch = Stopwatch.StartNew();
        await GenerateAsync(dataSource, cases, today);
        Console.WriteLine($"Generated {cases:N0} open cases ({cases * 2:N0} events) with their deadlines in {watch.Elapsed.TotalSeconds:N1} s");

        var repository = new CaseRepository(store, [new CaseStatusProjection(catalogue), new AlertProjection()]);
        var sweeper = new AlertSweeper(dataSource, repository, catalogue, clock, Options.Create(new AlertOptions()), NullLogger<AlertSweeper>.Instance);
        watch.Restart();
        var full = await sweeper.SweepAsync(CancellationToken.None);
        var fullSeconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"full sweep:        {fullSeconds,8:N1} s  {full.CasesChecked:N0} cases checked ({full.CasesChecked / fullSeconds:N0}/s), {full.AlertsRaised:N0} alerts raised");

        // The same day again, every alert already raised: the cost of checking alone.
        await using (var reset = dataSource.CreateCommand("UPDATE sweep_state SET last_full_date = NULL")) await reset.ExecuteNonQueryAsync();
        watch.Restart();
        var again = await sweeper.SweepAsync(CancellationToken.None);
        Console.WriteLine($"full sweep again:  {watch.Elapsed.TotalSeconds,8:N1} s  {again.CasesChecked:N0} cases checked ({again.CasesChecked / watch.Elapsed.TotalSeconds:N0}/s), {again.AlertsRaised:N0} alerts raised");

        // 100 cases change (a notification recorded each), then the minute tick.
        var changed = 0;
        for (var i = 1; changed < 100 && i <= cases; i += Math.Max(1, cases / 100))
        {
            var id = new CaseFlow.Domain.Cases.CaseId(GuidOf(i));
            var loaded = await repository.LoadAsync(id);
            if (loaded is null) continue;
            var decision = CaseFlow.Domain.Cases.CaseDecider.Decide(
                new CaseFlow.Domain.Cases.RecordNotification(id, today, CaseFlow.Domain.Cases.NotificationChannel.EQonaq, null, "bench", today), loaded.State, catalogue);
            if (decision.Events.Count == 0) continue;
            await repository.AppendAsync(loaded, id, decision.Events, new EventMetadata("bench", Guid.NewGuid()), CancellationToken.None);
            changed++;
        }
        watch.Restart();
        var tick = await sweeper.SweepAsync(CancellationToken.None);
        Console.WriteLine($"incremental tick:  {watch.Elapsed.TotalMilliseconds,8:N0} ms  {tick.CasesChecked:N0} changed cases, {tick.AlertsResolved:N0} alerts resolved");
        return 0;
    }

    private static Guid GuidOf(int i) => Guid.Parse(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes($"sweep-{i}"))));

    private static async Task GenerateAsync(NpgsqlDataSource db, int cases, LocalDate today)
    {
        var day0 = today.PlusDays(-60).ToDateOnly();
        string[] steps =
        [
            "INSERT INTO host_parties (id, name, bin, size, created_by) VALUES ('0190a1b2-0000-7000-8000-00000000c001', 'Sweep Host', '888888888888', 'small', 'bench') ON CONFLICT DO NOTHING",
            "INSERT INTO streams (id, type, tenant, version, last_hash) SELECT md5('sweep-' || i)::uuid, 'case', '0190a1b2-0000-7000-8000-00000000c001', 2, '\\x00'::bytea FROM generate_series(1, $1) i",
            """
            INSERT INTO events (id, stream_id, version, type, data, metadata, recorded_at, hash)
            SELECT md5('sweep-ev-' || i || '-' || v)::uuid, md5('sweep-' || i)::uuid, v, (ARRAY['CaseOpened.v1', 'Entered.v1'])[v],
                   CASE v WHEN 1 THEN jsonb_build_object('caseId', md5('sweep-' || i)::uuid, 'hostPartyId', '0190a1b2-0000-7000-8000-00000000c001', 'recordedBy', 'bench',
                                      'person', jsonb_build_object('familyName', 'Sweep', 'givenNames', 'N' || i, 'nationality', (ARRAY['DE','US','RU','IN','UZ','KR','TR','FR'])[1 + i % 8],
                                                                   'birthDate', '1980-01-01', 'passportNumber', 'S' || i, 'passportExpiry', null))
                          ELSE jsonb_build_object('caseId', md5('sweep-' || i)::uuid, 'date', ($2::date + (i % 60))::text, 'borderPoint', 'ALA', 'recordedBy', 'bench') END,
                   '{"actor":"bench","correlationId":"00000000-0000-0000-0000-000000000000"}'::jsonb, now(), '\x00'::bytea
            FROM generate_series(1, $1) i CROSS JOIN generate_series(1, 2) v ORDER BY i, v
            """,
            """
            INSERT INTO deadlines (case_id, kind, due, status, host_party_id, rule, catalogue_version)
            SELECT md5('sweep-' || i)::uuid, 'exit', $2::date + (i % 60) + 29, 'open', '0190a1b2-0000-7000-8000-00000000c001', 'bench', 'bench' FROM generate_series(1, $1) i
            """,
            "UPDATE sweep_state SET last_full_date = NULL, position_tx = (SELECT max(tx) FROM events), position_seq = (SELECT max(seq) FROM events)",
        ];
        await using var connection = await db.OpenConnectionAsync();
        foreach (var sql in steps)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            if (sql.Contains("$1", StringComparison.Ordinal)) command.Parameters.Add(new() { Value = cases });
            if (sql.Contains("$2", StringComparison.Ordinal)) command.Parameters.Add(new() { Value = day0 });
            await command.ExecuteNonQueryAsync();
        }
    }
}
