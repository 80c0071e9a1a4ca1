using CaseFlow.Core.Security;
using System.Diagnostics;
using CaseFlow.Core.Projections;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using CaseFlow.EventStore.Projections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using CaseFlow.TestSupport;
using Npgsql;

namespace CaseFlow.Bench;

/// <summary>
/// Rebuild throughput of each projection from a generated store (default 1,000,000 events: 250,000 cases of CaseOpened, Entered,
/// Notified, Exited), next to a plain sequential read of the global log in the same run.
/// </summary>
internal static class RebuildBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 1_000_000;
        var cases = events / 4;
        // A running node has compiled the rebuild's paths by the time it rebuilds; a fresh process would measure its first projection on
        // code the runtime has not optimized yet (JIT took 8% of a profile of the deadlines' pass). So each projection is first rebuilt
        // over a store of 100,000 events in a database of its own (on the throwaway cluster only), its rates printed as the cold figures.
        if (Environment.GetEnvironmentVariable("CASEFLOW_DB") is not { Length: > 0 })
        {
            await using var warm = await StoreAsync(await BenchDatabase.ConnectionStringAsync("rebuildwarm"), Math.Min(cases, 25_000));
            Console.Write("cold, in a fresh process:");
            await RebuildEachAsync(warm, line: false);
            Console.WriteLine();
            await Task.Delay(TimeSpan.FromSeconds(2)); // the runtime's background compiler finishes what ran hot
        }
        // Issue 14's scaling target compares a larger log's rebuild with the 1,000,000-event one: measured here in the same run, first
        // (on the throwaway cluster only: a second store would collide with the first in CASEFLOW_DB's database).
        IReadOnlyDictionary<string, double>? reference = null;
        if (events > ReferenceEvents && Environment.GetEnvironmentVariable("CASEFLOW_DB") is not { Length: > 0 })
        {
            var referenceDb = await BenchDatabase.ConnectionStringAsync("rebuildreference");
            await using (var smaller = await StoreAsync(referenceDb, ReferenceEvents / 4))
                reference = await RebuildEachAsync(smaller, line: true, rounds: ScalingRounds);
            // Dropped before the larger store is made: its pages would otherwise hold a fifth of the buffer cache the larger rebuild reads through.
            NpgsqlConnection.ClearAllPools();
            await TestPostgres.DropDatabaseAsync(referenceDb);
        }
        await using var main = await StoreAsync(await BenchDatabase.ConnectionStringAsync("rebuild"), cases);
        await RebuildEachAsync(main, line: true, reference, reference is null ? 1 : ScalingRounds);
        return 0;
    }

    /// <summary>A migrated database with its projections, holding <paramref name="cases"/> generated cases of four events each.</summary>
    private static async Task<BenchStore> StoreAsync(string connectionString, int cases)
    {
        var dataSource = CaseFlowDataSource.Create(connectionString);
        await Migrator.MigrateAsync(dataSource);
        var store = new PostgresEventStore(dataSource);
        var host = new ProjectionCatalog(store, RuleCatalogue.Default, new DataKeys(KeyRing.Ephemeral()));
        await host.EnsureAsync(CancellationToken.None);
        var watch = Stopwatch.StartNew();
        await GenerateAsync(dataSource, cases);
        // A store at rest, as autovacuum keeps a live one (and as the sweep bench's): otherwise autovacuum's first pass over the new
        // million rows lands inside whichever rebuild is running, on the same two cores.
        await using (var vacuum = dataSource.CreateCommand("VACUUM (ANALYZE) events, streams"))
        {
            vacuum.CommandTimeout = 0;
            await vacuum.ExecuteNonQueryAsync();
        }
        Console.WriteLine($"Generated {cases * 4:N0} events ({cases:N0} cases), vacuumed, in {watch.Elapsed.TotalSeconds:N1} s");
        return new BenchStore(dataSource, store, host);
    }

    private sealed record BenchStore(NpgsqlDataSource DataSource, PostgresEventStore Store, ProjectionCatalog Host) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => DataSource.DisposeAsync();
    }

    /// <summary>The log a larger rebuild is compared with (issue 14: 4,000,000 events in at most 4.4 times its time).</summary>
    private const int ReferenceEvents = 1_000_000;

    /// <summary>
    /// Rebuilds of each projection at each size in the scaling comparison, the fastest kept: this machine's runs of the same rebuild
    /// spread by 20-30%, as wide as the 4.4x target's margin over 4x, and the fastest of a few is the least disturbed measurement. Both
    /// sizes are measured alike.
    /// </summary>
    private const int ScalingRounds = 2;

    /// <summary>
    /// Each projection rebuilt in turn, timed from the request to the swap; a line each, or (cold) one line of rates. With
    /// <paramref name="rounds"/> above 1 each projection is rebuilt that many times and its fastest round kept (the rounds' times are
    /// printed too). Returns each projection's seconds; with <paramref name="reference"/> (the same projections' seconds over the
    /// reference log, same run) each line also says how many times that time this one took.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, double>> RebuildEachAsync(BenchStore bench, bool line, IReadOnlyDictionary<string, double>? reference = null, int rounds = 1)
    {
        var times = new Dictionary<string, double>();
        var (read, readRate) = line ? await BenchDatabase.ReadTheLogAsync(bench.Store) : (await bench.Store.CountAsync(CancellationToken.None), double.NaN);
        foreach (var projection in bench.Host.Projections)
        {
            var each = new List<(double Seconds, double Busy, long Allocated)>();
            for (var round = 0; round < rounds; round++) each.Add(await RebuildAsync(bench, projection));
            var (seconds, busy, allocated) = each.MinBy(r => r.Seconds);
            times[projection.Name] = seconds;
            var ofRounds = rounds > 1 ? $", fastest of {string.Join(" / ", each.Select(r => $"{r.Seconds:N1}"))} s" : "";
            var scaled = reference is not null && reference.TryGetValue(projection.Name, out var before) ? $", {seconds / before:N2}x the {ReferenceEvents:N0}-event time (target at most 4.4x for 4x the events)" : "";
            if (line)
                Console.WriteLine($"{"rebuild " + projection.Name,-28} {read / seconds,12:N0} events/s  ({seconds:N1} s{ofRounds}, {readRate / (read / seconds):N1}x the read time, cores {busy:P0} busy, {allocated / (double)read:N0} B allocated an event{scaled})");
            else
                Console.Write($" {projection.Name} {read / seconds:N0} events/s");
        }
        return times;
    }

    /// <summary>One rebuild of <paramref name="projection"/>, from the request to the swap: its seconds, the cores' busy share, the bytes allocated.</summary>
    private static async Task<(double Seconds, double Busy, long Allocated)> RebuildAsync(BenchStore bench, IProjection projection)
    {
        await QuietAsync(bench.DataSource);
        await ProjectionTable.ControlAsync(bench.DataSource, projection.Name, "rebuild", CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var idleBefore = CpuTimes.Read();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var runner = new ProjectionRunner(bench.Store, projection, new ProjectionOptions { BatchSize = 1000 }, "bench").RunAsync(stop.Token);
        // The control row alone: the status view also counts the lag of every projection, a scan of the log that would compete.
        while (await ProjectionTable.ReadAsync(bench.DataSource, projection.Name, CancellationToken.None) is { RebuildRequested: true } or { State: not "running" })
            await Task.Delay(50);
        var seconds = watch.Elapsed.TotalSeconds;
        var busy = CpuTimes.Read().BusySince(idleBefore);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        await stop.CancelAsync();
        await runner;
        return (seconds, busy, allocated);
    }

    /// <summary>
    /// Waits (at most a minute) until no autovacuum worker runs: the table a rebuild swapped in is vacuumed and analyzed by autovacuum
    /// soon after, which would otherwise land on the next projection's timing. Each rebuild is measured alone, as one is run.
    /// </summary>
    private static async Task QuietAsync(NpgsqlDataSource db)
    {
        await using var busy = db.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'");
        for (var waited = 0; waited < 600 && (long)(await busy.ExecuteScalarAsync())! > 0; waited++) await Task.Delay(100);
    }

    private static async Task GenerateAsync(NpgsqlDataSource db, int cases)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using (var hostParty = new NpgsqlCommand("""
            INSERT INTO host_parties (id, name, bin, size, created_by) VALUES ('0190a1b2-0000-7000-8000-00000000b001', 'Bench Host', '999999999999', 'medium', 'bench')
            ON CONFLICT DO NOTHING
            """, connection))
            await hostParty.ExecuteNonQueryAsync();
        await using (var streams = new NpgsqlCommand("""
            INSERT INTO streams (id, type, tenant, version, last_hash)
            SELECT md5('bench-' || i)::uuid, 'case', '0190a1b2-0000-7000-8000-00000000b001', 4, '\x00'::bytea FROM generate_series(1, $1) i
            """, connection))
        {
            streams.Parameters.Add(new() { Value = cases });
            await streams.ExecuteNonQueryAsync();
        }
        await using var command = new NpgsqlCommand("""
            INSERT INTO events (id, stream_id, version, type, data, metadata, recorded_at, hash)
            SELECT md5('bench-ev-' || i || '-' || v)::uuid, md5('bench-' || i)::uuid, v,
                   (ARRAY['CaseOpened.v1', 'Entered.v1', 'Notified.v1', 'Exited.v1'])[v],
                   CASE v
                     WHEN 1 THEN jsonb_build_object('caseId', md5('bench-' || i)::uuid, 'hostPartyId', '0190a1b2-0000-7000-8000-00000000b001', 'recordedBy', 'bench',
                                 'person', jsonb_build_object('familyName', 'Bench', 'givenNames', 'N' || i, 'nationality', (ARRAY['DE','US','RU','IN','UZ','JO','KR','TR'])[1 + i % 8],
                                                              'birthDate', '1980-01-01', 'passportNumber', 'B' || i, 'passportExpiry', null))
                     WHEN 2 THEN jsonb_build_object('caseId', md5('bench-' || i)::uuid, 'date', (date '2024-01-01' + (i % 600))::text, 'borderPoint', 'ALA', 'recordedBy', 'bench')
                     WHEN 3 THEN jsonb_build_object('caseId', md5('bench-' || i)::uuid, 'date', (date '2024-01-01' + (i % 600) + 1 + (i % 5))::text, 'channel', 'eQonaq',
                                                    'reference', null, 'recordedBy', 'bench')
                     ELSE jsonb_build_object('caseId', md5('bench-' || i)::uuid, 'date', (date '2024-01-01' + (i % 600) + 8 + (i % 40))::text, 'recordedBy', 'bench')
                   END,
                   '{"actor":"bench","correlationId":"00000000-0000-0000-0000-000000000000"}'::jsonb, now(), '\x00'::bytea
            FROM generate_series(1, $1) i CROSS JOIN generate_series(1, 4) v
            ORDER BY i, v;
            """, connection) { CommandTimeout = 0 };
        command.Parameters.Add(new() { Value = cases });
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>The machine's CPU time from /proc/stat (Linux): how busy all cores were between two readings (no figure elsewhere).</summary>
internal readonly record struct CpuTimes(long Busy, long Idle)
{
    public static CpuTimes Read()
    {
        if (!File.Exists("/proc/stat")) return default;
        // "cpu  user nice system idle iowait irq softirq steal ...": idle and iowait are idle, the rest busy.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var idle = fields[3] + fields[4];
        return new CpuTimes(fields.Sum() - idle, idle);
    }

    public double BusySince(CpuTimes before) => Busy + Idle - before.Busy - before.Idle is var total and > 0 ? (double)(Busy - before.Busy) / total : double.NaN;
}

