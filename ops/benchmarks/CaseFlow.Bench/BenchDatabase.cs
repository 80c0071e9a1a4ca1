using System.Diagnostics;
using CaseFlow.EventStore;
using CaseFlow.TestSupport;

namespace CaseFlow.Bench;

/// <summary>What the database benchmarks share: where they run, and the baseline they are measured against.</summary>
internal static class BenchDatabase
{
    /// <summary>The database named by CASEFLOW_DB, or a new one on a throwaway cluster (fsync off, as the tests').</summary>
    public static async Task<string> ConnectionStringAsync(string name) =>
        Environment.GetEnvironmentVariable("CASEFLOW_DB") is { Length: > 0 } db ? db : await TestPostgres.CreateDatabaseAsync(name);

    /// <summary>A plain sequential read of the whole global log (batches of 1,000): the events read and their rate per second.</summary>
    public static async Task<(long Events, double Rate)> ReadTheLogAsync(PostgresEventStore store)
    {
        var watch = Stopwatch.StartNew();
        long read = 0;
        for (var position = GlobalPosition.Start; ;)
        {
            var batch = await store.ReadAllAsync(position, 1000);
            if (batch.Count == 0) break;
            read += batch.Count;
            position = batch[^1].Position;
        }
        var rate = read / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"{"sequential read of the log",-28} {rate,12:N0} events/s");
        return (read, rate);
    }
}
