using System.Diagnostics;
using CaseFlow.EventStore;
using Npgsql;

namespace CaseFlow.Bench;

/// <summary>
/// Event store append throughput for 1, 4 and 16 concurrent writers with 1- and 10-event appends, next to plain multi-row INSERTs
/// of the same rows into an unindexed table with the same columns, in the same run on the same database. The ratio is the
/// store's overhead (version check, hash chain, indexes, stream row). Beside it the same rows into a table with the events' own
/// keys and constraints (no stream row, no chain): the floor of any store that keeps those keys, as a ratio to the plain
/// inserts. The earlier baseline, rows generated in the database, is printed last. One run, one machine: ratios, not promises.
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
        // The events' columns, keys (position, event id, stream and version), constraints and defaults; no trigger is copied.
        await using (var create = dataSource.CreateCommand("CREATE TABLE IF NOT EXISTS keyed_events (LIKE events INCLUDING ALL)"))
            await create.ExecuteNonQueryAsync();
        var store = new PostgresEventStore(dataSource);
        var meta = new EventMetadata("bench", Guid.NewGuid(), null, "bench");
        const string data = """{"date":"2024-05-03","borderPoint":"NQZ airport","basis":"visaFree"}""";

        Console.WriteLine($"Append benchmark: {eventsPerRun} events per configuration, PostgreSQL at {new NpgsqlConnectionStringBuilder(connectionString).Host}");
        Console.WriteLine($"{"writers",7} {"batch",5} {"store ev/s",11} {"plain ev/s",11} {"ratio",6} {"keyed ev/s",11} {"floor",6} {"generated ev/s",15} {"ratio",6}");
        Func<Task> Store(int batch)
        {
            var stream = Guid.CreateVersion7();
            long version = 0;
            return async () =>
            {
                var events = Enumerable.Range(0, batch).Select(_ => new NewEvent(Guid.CreateVersion7(), "Entered.v1", data)).ToList();
                await store.AppendAsync(stream, "bench", "bench", version, events, meta);
                version += batch;
            };
        }

        // A warm-up of every path first (JIT compilation, prepared statements, PL/pgSQL plans), so no configuration pays for them.
        foreach (var batch in new[] { 1, 10 })
            await Measure(4, 200, batch, _ => Task.FromResult(Store(batch)));
        var metadata = await StoredMetadataAsync(dataSource); // the metadata exactly as the store wrote it: the baselines insert the same rows
        foreach (var batch in new[] { 1, 10 })
        {
            await Measure(4, 200, batch, _ => Task.FromResult(PlainValues(dataSource, batch, data, metadata)));
            await Measure(4, 200, batch, _ => Task.FromResult(KeyedValues(dataSource, batch, data, metadata)));
            await Measure(4, 200, batch, _ => Task.FromResult(PlainGenerated(dataSource, batch, data, metadata)));
        }

        foreach (var writers in new[] { 1, 4, 16 })
            foreach (var batch in new[] { 1, 10 })
            {
                var appends = eventsPerRun / batch / writers;
                var storeRate = await Measure(writers, appends, batch, _ => Task.FromResult(Store(batch)));
                var plainRate = await Measure(writers, appends, batch, _ => Task.FromResult(PlainValues(dataSource, batch, data, metadata)));
                var keyedRate = await Measure(writers, appends, batch, _ => Task.FromResult(KeyedValues(dataSource, batch, data, metadata)));
                var generatedRate = await Measure(writers, appends, batch, _ => Task.FromResult(PlainGenerated(dataSource, batch, data, metadata)));
                Console.WriteLine($"{writers,7} {batch,5} {storeRate,11:N0} {plainRate,11:N0} {plainRate / storeRate,6:N2} {keyedRate,11:N0} {plainRate / keyedRate,6:N2} {generatedRate,15:N0} {generatedRate / storeRate,6:N2}");
            }
        return 0;
    }

    private static async Task<string> StoredMetadataAsync(NpgsqlDataSource dataSource)
    {
        await using var read = dataSource.CreateCommand("SELECT metadata::text FROM events LIMIT 1");
        return (string)(await read.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The baseline: one multi-row <c>INSERT ... VALUES</c> per append carrying the same rows the store receives (each event's id,
    /// stream, version, type, data, metadata and a 32-byte hash sent by the client; the instant and transaction id from the server).
    /// </summary>
    private static Func<Task> PlainValues(NpgsqlDataSource dataSource, int batch, string data, string metadata) =>
        ValuesInsert(dataSource, "plain_events", keyed: false, batch, data, metadata);

    /// <summary>The same rows into <c>keyed_events</c>, whose identity draws the sequence number and whose default the transaction id.</summary>
    private static Func<Task> KeyedValues(NpgsqlDataSource dataSource, int batch, string data, string metadata) =>
        ValuesInsert(dataSource, "keyed_events", keyed: true, batch, data, metadata);

    private static Func<Task> ValuesInsert(NpgsqlDataSource dataSource, string table, bool keyed, int batch, string data, string metadata)
    {
        var stream = Guid.CreateVersion7();
        long version = 0;
        var first = keyed ? 1 : 0; // the keyed table draws seq itself
        var columns = keyed ? "id, stream_id, version, type, data, metadata, recorded_at, hash" : "seq, id, stream_id, version, type, data, metadata, recorded_at, tx, hash";
        var width = 8 - first;
        var sql = $"INSERT INTO {table} ({columns}) VALUES " + string.Join(", ", Enumerable.Range(0, batch).Select(i =>
        {
            var p = Enumerable.Range(i * width + 1, width).Select(n => $"${n}").ToArray();
            return keyed
                ? $"({p[0]}, {p[1]}, {p[2]}, {p[3]}, {p[4]}::jsonb, {p[5]}::jsonb, now(), {p[6]})"
                : $"({p[0]}, {p[1]}, {p[2]}, {p[3]}, {p[4]}, {p[5]}::jsonb, {p[6]}::jsonb, now(), pg_current_xact_id(), {p[7]})";
        }));
        return async () =>
        {
            await using var insert = dataSource.CreateCommand(sql);
            for (var i = 0; i < batch; i++)
            {
                version++;
                if (!keyed) insert.Parameters.Add(new() { Value = version });
                insert.Parameters.Add(new() { Value = Guid.CreateVersion7() });
                insert.Parameters.Add(new() { Value = stream });
                insert.Parameters.Add(new() { Value = version });
                insert.Parameters.Add(new() { Value = "Entered.v1" });
                insert.Parameters.Add(new() { Value = data });
                insert.Parameters.Add(new() { Value = metadata });
                insert.Parameters.Add(new() { Value = new byte[32] });
            }
            await insert.ExecuteNonQueryAsync();
        };
    }

    /// <summary>
    /// The baseline of the earlier sessions, printed for comparison: the rows generated in the database from one data value
    /// (<c>generate_series</c>, ids drawn there, the data parsed once per statement rather than per row).
    /// </summary>
    private static Func<Task> PlainGenerated(NpgsqlDataSource dataSource, int batch, string data, string metadata)
    {
        var stream = Guid.CreateVersion7();
        long version = 0;
        return async () =>
        {
            await using var insert = dataSource.CreateCommand("""
                INSERT INTO plain_events (seq, id, stream_id, version, type, data, metadata, recorded_at, tx, hash)
                SELECT v, gen_random_uuid(), $1, v, 'Entered.v1', $2::jsonb, $3::jsonb, now(), pg_current_xact_id(), $4
                FROM generate_series($5::bigint, $6::bigint) AS v
                """);
            insert.Parameters.Add(new() { Value = stream });
            insert.Parameters.Add(new() { Value = data });
            insert.Parameters.Add(new() { Value = metadata });
            insert.Parameters.Add(new() { Value = new byte[32] });
            insert.Parameters.Add(new() { Value = version + 1 });
            insert.Parameters.Add(new() { Value = version + batch });
            await insert.ExecuteNonQueryAsync();
            version += batch;
        };
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
