using System.Diagnostics;
using CaseFlow.EventStore;
using Npgsql;

namespace CaseFlow.Bench;

/// <summary>
/// Whole-store verify (issue 14: at least 100,000 events/s over 1,000,000 events) on a store written through the real append path
/// (so every hash is real), next to a plain sequential read of the same log in the same run.
/// </summary>
internal static class VerifyBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 1_000_000;
        var connectionString = await BenchDatabase.ConnectionStringAsync("verify");
        await using var dataSource = CaseFlowDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        await Migrator.MigrateAsync(dataSource);
        var store = new PostgresEventStore(dataSource);

        var watch = Stopwatch.StartNew();
        var meta = new EventMetadata("bench", Guid.NewGuid(), null, "bench");
        const int perStream = 4, streamsPerAppend = 500;
        for (var written = 0; written < events; written += perStream * streamsPerAppend)
        {
            var appends = Enumerable.Range(0, streamsPerAppend).Select(s => new StreamAppend(Guid.CreateVersion7(), "case", "bench", 0,
                [.. Enumerable.Range(0, perStream).Select(v => new NewEvent(Guid.CreateVersion7(), "Entered.v1",
                    $$"""{"date":"2024-05-{{1 + v:00}}","borderPoint":"NQZ airport","n":{{written + s}},"ok":true}"""))])).ToList();
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await PostgresEventStore.AppendManyAsync(connection, tx, appends, meta);
            await tx.CommitAsync();
        }
        foreach (var table in new[] { "events", "streams" })
            await using (var vacuum = dataSource.CreateCommand($"VACUUM ANALYZE {table}")) await vacuum.ExecuteNonQueryAsync();
        var total = await Count(dataSource);
        Console.WriteLine($"Wrote {total:N0} events through AppendManyAsync in {watch.Elapsed.TotalSeconds:N1} s");

        await BenchDatabase.ReadTheLogAsync(store);

        watch.Restart();
        var (streams, broken) = await store.VerifyAllAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"{"verify (whole store)",-28} {total / seconds,12:N0} events/s  ({seconds:N1} s, {streams:N0} streams, {broken.Count} broken)");
        return broken.Count == 0 ? 0 : 1;
    }

    private static async Task<long> Count(NpgsqlDataSource db)
    {
        await using var count = db.CreateCommand("SELECT count(*) FROM events");
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
