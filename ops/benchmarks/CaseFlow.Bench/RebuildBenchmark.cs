using CaseFlow.Core.Security;
using System.Diagnostics;
using CaseFlow.Core.Projections;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using CaseFlow.EventStore.Projections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
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
        var connectionString = await BenchDatabase.ConnectionStringAsync("rebuild");
        await using var dataSource = CaseFlowDataSource.Create(connectionString);
        await Migrator.MigrateAsync(dataSource);
        var store = new PostgresEventStore(dataSource);
        var host = new ProjectionCatalog(store, RuleCatalogue.Default, new DataKeys(KeyRing.Ephemeral()));
        await host.EnsureAsync(CancellationToken.None);

        var watch = Stopwatch.StartNew();
        await GenerateAsync(dataSource, cases);
        Console.WriteLine($"Generated {cases * 4:N0} events ({cases:N0} cases) in {watch.Elapsed.TotalSeconds:N1} s");

        var (read, readRate) = await BenchDatabase.ReadTheLogAsync(store);

        foreach (var projection in host.Projections)
        {
            await ProjectionTable.ControlAsync(dataSource, projection.Name, "rebuild", CancellationToken.None);
            using var stop = new CancellationTokenSource();
            var idleBefore = CpuTimes.Read();
            watch.Restart();
            var runner = new ProjectionRunner(store, projection, new ProjectionOptions { BatchSize = 1000 }, "bench").RunAsync(stop.Token);
            // The control row alone: the status view also counts the lag of every projection, a scan of the log that would compete.
            while (await ProjectionTable.ReadAsync(dataSource, projection.Name, CancellationToken.None) is { RebuildRequested: true } or { State: not "running" })
                await Task.Delay(50);
            var seconds = watch.Elapsed.TotalSeconds;
            var busy = CpuTimes.Read().BusySince(idleBefore);
            await stop.CancelAsync();
            await runner;
            Console.WriteLine($"{"rebuild " + projection.Name,-28} {read / seconds,12:N0} events/s  ({seconds:N1} s, {readRate / (read / seconds):N1}x the read time, cores {busy:P0} busy)");
        }
        return 0;
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

