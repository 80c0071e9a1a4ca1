using System.Diagnostics;
using CaseFlow.EventStore;
using Npgsql;

namespace CaseFlow.Bench;

/// <summary>
/// Event store append throughput for 1, 4 and 16 concurrent writers with 1- and 10-event appends, next to plain multi-row INSERTs
/// of the same rows into an unindexed table with the same columns, in the same run on the same database. The ratio is the
/// store's overhead (version check, hash chain, indexes, stream row). One run, one machine: ratios, not promises.
/// </summary>
internal static class AppendBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var eventsPerRun = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 20_000;
        var connectionString = await BenchDatabase.ConnectionStringAsync("bench");
        await using var dataSource = CaseFlowDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 64 }.ConnectionString);
        await Migrator.MigrateAsync(dataSource);
        await using (var create = dataSource.CreateCommand("""
            CREATE TABLE IF NOT EXISTS plain_events (seq bigint, id uuid, stream_id uuid, version bigint, type text, data jsonb, metadata jsonb,
                                                     recorded_at timestamptz, tx xid8, hash bytea)
            """))
            await create.ExecuteNonQueryAsync();
        var store = new PostgresEventStore(dataSource);
        var meta = new EventMetadata("bench", Guid.NewGuid(), null, "bench");
        const string data = """{"date":"2024-05-03","borderPoint":"NQZ airport","basis":"visaFree"}""";

        Console.WriteLine($"Append benchmark: {eventsPerRun} events per configuration, PostgreSQL at {new NpgsqlConnectionStringBuilder(connectionString).Host}");
        Console.WriteLine($"{"writers",7} {"batch",5} {"store ev/s",11} {"plain ev/s",11} {"ratio",6}");
        foreach (var writers in new[] { 1, 4, 16 })
            foreach (var batch in new[] { 1, 10 })
            {
                var appends = eventsPerRun / batch / writers;
                var storeRate = await Measure(writers, appends, batch, async _ =>
                {
                    var stream = Guid.CreateVersion7();
                    long version = 0;
                    return async () =>
                    {
                        var events = Enumerable.Range(0, batch).Select(_ => new NewEvent(Guid.CreateVersion7(), "Entered.v1", data)).ToList();
                        await store.AppendAsync(stream, "bench", "bench", version, events, meta);
                        version += batch;
                    };
                });
                var plainRate = await Measure(writers, appends, batch, _ =>
                {
                    var stream = Guid.CreateVersion7();
                    long version = 0;
                    return Task.FromResult<Func<Task>>(async () =>
                    {
                        await using var insert = dataSource.CreateCommand("""
                            INSERT INTO plain_events (seq, id, stream_id, version, type, data, metadata, recorded_at, tx, hash)
                            SELECT v, gen_random_uuid(), $1, v, 'Entered.v1', $2::jsonb, $3::jsonb, now(), pg_current_xact_id(), $4
                            FROM generate_series($5::bigint, $6::bigint) AS v
                            """);
                        insert.Parameters.Add(new() { Value = stream });
                        insert.Parameters.Add(new() { Value = data });
                        insert.Parameters.Add(new() { Value = """{"actor":"bench","correlationId":"00000000-0000-0000-0000-000000000000"}""" });
                        insert.Parameters.Add(new() { Value = new byte[32] });
                        insert.Parameters.Add(new() { Value = version + 1 });
                        insert.Parameters.Add(new() { Value = version + batch });
                        await insert.ExecuteNonQueryAsync();
                        version += batch;
                    });
                });
                Console.WriteLine($"{writers,7} {batch,5} {storeRate,11:N0} {plainRate,11:N0} {plainRate / storeRate,6:N2}");
            }
        return 0;
    }

    private static async Task<double> Measure(int writers, int appendsPerWriter, int batch, Func<int, Task<Func<Task>>> writer)
    {
        var appenders = await Task.WhenAll(Enumerable.Range(0, writers).Select(writer));
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(appenders.Select(append => Task.Run(async () =>
        {
            for (var i = 0; i < appendsPerWriter; i++) await append();
        })));
        watch.Stop();
        return writers * appendsPerWriter * batch / watch.Elapsed.TotalSeconds;
    }
}
