using CaseFlow.EventStore.Projections;
using Npgsql;

namespace CaseFlow.EventStore.Tests;

/// <summary>
/// The counting projection, rebuildable stream by stream: one row per stream written at once from the whole stream. A stream holding a
/// "Poison.v1" event fails as a whole, so the runner isolates it event by event through <see cref="CountingProjection.ApplyAsync"/>.
/// </summary>
public sealed class StreamCountingProjection(string name, IReadOnlyCollection<string> streamTypes, PoisonPolicy policy = PoisonPolicy.Skip) : IStreamProjection
{
    private readonly CountingProjection byEvent = new(name, policy);

    public string Name => name;
    public PoisonPolicy Policy => policy;
    public IReadOnlyList<string> Tables => [name];
    public IReadOnlyCollection<string> StreamTypes => streamTypes;

    /// <summary>Called with every whole-stream batch (each attempt).</summary>
    public Func<IReadOnlyList<IReadOnlyList<RecordedEvent>>, Task>? OnStreams { get; set; }

    public string CreateSql() => byEvent.CreateSql();

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> batch, CancellationToken ct) => byEvent.ApplyAsync(context, batch, ct);

    public async Task ApplyStreamsAsync(ProjectionContext context, IReadOnlyList<IReadOnlyList<RecordedEvent>> streams, CancellationToken ct)
    {
        if (OnStreams is not null) await OnStreams(streams);
        foreach (var stream in streams)
        {
            if (stream.Any(e => e.Type == "Poison.v1")) throw new InvalidOperationException($"cannot project stream {stream[0].StreamId}");
            await using var insert = new NpgsqlCommand($"INSERT INTO {context.Table(name)} (stream_id, events, last_version, last_type) VALUES ($1, $2, $3, $4)",
                context.Connection, context.Transaction);
            insert.Parameters.Add(new() { Value = stream[0].StreamId });
            insert.Parameters.Add(new() { Value = stream.Count });
            insert.Parameters.Add(new() { Value = stream[^1].Version });
            insert.Parameters.Add(new() { Value = stream[^1].Type });
            await insert.ExecuteNonQueryAsync(ct);
        }
    }
}

public class RebuildStreamPassTests(EventStoreFixture fixture) : ProjectionTestBase(fixture), IClassFixture<EventStoreFixture>
{
    private static readonly ProjectionOptions SmallPasses = Fast with { RebuildBatchEvents = 10 };

    /// <summary>The events a counting projection counts: all but the poison events (the class's tests share one store).</summary>
    private async Task<long> Projectable() => await TotalEvents() - await Scalar<long>("SELECT count(*) FROM events WHERE type = 'Poison.v1'");

    private async Task<StreamCountingProjection> StreamCounting(string name, PoisonPolicy policy = PoisonPolicy.Skip)
    {
        // Every stream type in the store: the same events the incremental path (which reads the whole log) counts.
        var types = new List<string>();
        await using (var list = Fx.DataSource.CreateCommand("SELECT DISTINCT type FROM streams"))
        await using (var row = await list.ExecuteReaderAsync())
            while (await row.ReadAsync()) types.Add(row.GetString(0));
        var projection = new StreamCountingProjection(name, types, policy);
        await using var create = Fx.DataSource.CreateCommand(projection.CreateSql());
        await create.ExecuteNonQueryAsync();
        return projection;
    }

    private async Task RebuildAsync(string name)
    {
        await using (var request = Fx.DataSource.CreateCommand("UPDATE projections SET rebuild_requested = true WHERE name = $1"))
        {
            request.Parameters.Add(new() { Value = name });
            await request.ExecuteNonQueryAsync();
        }
        await Until(async () => await Scalar<bool>("SELECT NOT rebuild_requested AND state <> 'rebuilding' FROM projections WHERE name = $1", name));
    }

    [Fact]
    public async Task Snapshot_HoldsWhatCommittedBeforeIt_AndTheLogGoesOnFromItsEnd_EvenForATransactionRunningAtTheTime()
    {
        await WriteAsync(3, 2);
        var late = Guid.CreateVersion7();
        await using var writer = await Fx.DataSource.OpenConnectionAsync();
        await using var running = await writer.BeginTransactionAsync();
        await PostgresEventStore.AppendAsync(writer, running, late, "probe", "t", 0, [new NewEvent(Guid.CreateVersion7(), "Probe.v1", "{}")], Meta);

        await using var snapshot = await Fx.Store.OpenSnapshotAsync();
        await running.CommitAsync();
        var after = Guid.CreateVersion7();
        await Fx.Store.AppendAsync(after, "probe", "t", 0, [new NewEvent(Guid.CreateVersion7(), "Probe.v1", "{}")], Meta);

        var seen = new List<RecordedEvent>();
        await foreach (var stream in snapshot.StreamsAsync(["probe"], CancellationToken.None))
        {
            Assert.True(stream.Select(e => e.Version).SequenceEqual(Enumerable.Range(1, stream.Count).Select(v => (long)v)), "a stream comes whole, in version order");
            Assert.Single(stream.Select(e => e.StreamId).Distinct());
            seen.AddRange(stream);
        }
        Assert.DoesNotContain(seen, e => e.StreamId == late || e.StreamId == after);
        Assert.Equal(snapshot.Count, await Scalar<long>("SELECT count(*) FROM events WHERE (tx, seq) <= ($1::text::xid8, $2)", snapshot.End.Transaction.ToString(), snapshot.End.Sequence));
        Assert.True(seen.Max(e => e.Position).CompareTo(snapshot.End) <= 0);

        // What the snapshot left out is exactly what the log holds after its end: the running transaction's event, then the later one.
        await LogShowsEverythingAsync();
        var rest = await Fx.Store.ReadAllAsync(snapshot.End, int.MaxValue);
        Assert.Equal(await TotalEvents(), snapshot.Count + rest.Count);
        Assert.Contains(rest, e => e.StreamId == late);
        Assert.Contains(rest, e => e.StreamId == after);
    }

    [Fact]
    public async Task Snapshot_OfAnEmptyLog_EndsAtTheStart_AndHoldsNothing()
    {
        await using var empty = CaseFlowDataSource.Create(await CaseFlow.TestSupport.TestPostgres.CreateDatabaseAsync("emptysnapshot"));
        await Migrator.MigrateAsync(empty);
        await using var snapshot = await new PostgresEventStore(empty).OpenSnapshotAsync();
        Assert.Equal((GlobalPosition.Start, 0L), (snapshot.End, snapshot.Count));
        await foreach (var _ in snapshot.StreamsAsync(["probe"], CancellationToken.None)) Assert.Fail("an empty log has no streams");
    }

    [Fact]
    public async Task StreamPassRebuild_GivesTheRowsOfTheLog_CatchesUpWhatCameAfterItsSnapshot_AndShowsARate()
    {
        await WriteAsync(12, 3);
        var projection = await StreamCounting("p_stream_rebuild");
        using var cts = new CancellationTokenSource();
        var run = new ProjectionRunner(Fx.Store, projection, SmallPasses, "node-a").RunAsync(cts.Token);
        await Until(async () => await Processed("p_stream_rebuild") == await Projectable());
        var incremental = await Checksum("p_stream_rebuild");

        // Appended while the pass runs (after its snapshot): the catch-up in log order must bring them in.
        var batches = new List<int[]>();
        var isolated = new HashSet<Guid>(); // streams of a batch holding a poison stream (another test's): they are retried one by one
        var during = Guid.Empty;
        projection.OnStreams = async streams =>
        {
            lock (batches)
            {
                if (streams.Any(s => s.Any(e => e.Type == "Poison.v1"))) isolated.UnionWith(streams.Select(s => s[0].StreamId));
                else if (!streams.All(s => isolated.Contains(s[0].StreamId))) batches.Add([.. streams.Select(s => s.Count)]);
                if (batches.Count != 1 || during != Guid.Empty) return;
            }
            during = Guid.CreateVersion7();
            await Fx.Store.AppendAsync(during, "probe", "t", 0, [new NewEvent(Guid.CreateVersion7(), "Probe.v1", "{}"), new NewEvent(Guid.CreateVersion7(), "Late.v1", "{}")], Meta);
        };
        await RebuildAsync("p_stream_rebuild");
        // Whole streams, batched by events: each batch but the last reaches RebuildBatchEvents and would not without its last stream.
        Assert.True(batches.Count > 1, "the rebuild went stream by stream, in several batches");
        Assert.All(batches, b => Assert.NotEmpty(b));
        Assert.All(batches[..^1], b => Assert.True(b.Sum() >= SmallPasses.RebuildBatchEvents && b.Sum() - b[^1] < SmallPasses.RebuildBatchEvents, string.Join(",", b)));

        await Until(async () => await Processed("p_stream_rebuild") == await Projectable());
        Assert.Equal(await Projectable(), await Sum("p_stream_rebuild"));
        Assert.Equal((2, 2L, "Late.v1"), await Row("p_stream_rebuild", during));
        var rebuilt = await Scalar<string>("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY stream_id), '')) FROM p_stream_rebuild t WHERE stream_id <> $1", during);
        Assert.Equal(incremental, rebuilt);
        Assert.True(await Scalar<double>("SELECT rebuild_processed / extract(epoch FROM now() - rebuild_started_at)::float8 FROM projections WHERE name = 'p_stream_rebuild'") > 0);
        cts.Cancel();
        await run;
    }

    private async Task<(int Events, long LastVersion, string LastType)> Row(string table, Guid stream)
    {
        await using var command = Fx.DataSource.CreateCommand($"SELECT events, last_version, last_type FROM {table} WHERE stream_id = $1");
        command.Parameters.Add(new() { Value = stream });
        await using var row = await command.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync(), $"no row for {stream}");
        return (row.GetInt32(0), row.GetInt64(1), row.GetString(2));
    }

    [Fact]
    public async Task StreamPass_APoisonStream_GoesEventByEvent_SkippedOrPausedByThePolicy_AsWhenFollowingTheLog()
    {
        await WriteAsync(4, 2);
        var poisoned = Guid.CreateVersion7();
        await Fx.Store.AppendAsync(poisoned, "probe", "t", 0, [new NewEvent(Guid.CreateVersion7(), "Probe.v1", "{}")], Meta);
        await Fx.Store.AppendAsync(poisoned, "probe", "t", 1, [new NewEvent(Guid.CreateVersion7(), "Poison.v1", "{}")], Meta);
        await Fx.Store.AppendAsync(poisoned, "probe", "t", 2, [new NewEvent(Guid.CreateVersion7(), "Probe.v1", "{}")], Meta);
        await WriteAsync(4, 2);
        await LogShowsEverythingAsync();

        var skip = await StreamCounting("p_stream_skip");
        using var cts = new CancellationTokenSource();
        var run = new ProjectionRunner(Fx.Store, skip, SmallPasses, "node-a").RunAsync(cts.Token);
        await Until(async () => await Processed("p_stream_skip") == await Projectable());
        var incremental = await Checksum("p_stream_skip");
        await RebuildAsync("p_stream_skip");
        Assert.Equal(incremental, await Checksum("p_stream_skip"));
        Assert.Equal((2, 3L, "Probe.v1"), await Row("p_stream_skip", poisoned)); // the poison event skipped, the events around it kept
        Assert.Equal(2L, await Scalar<long>("SELECT count(*) FROM projection_errors WHERE projection = 'p_stream_skip' AND action = 'skipped'"));
        Assert.Equal("running", await Scalar<string>("SELECT state FROM projections WHERE name = 'p_stream_skip'"));
        Assert.Equal(await Projectable(), await Processed("p_stream_skip")); // the isolated events counted once, the poison event not

        var pause = await StreamCounting("p_stream_pause", PoisonPolicy.Pause);
        await using (var row = Fx.DataSource.CreateCommand("INSERT INTO projections (name, state, rebuild_requested) VALUES ('p_stream_pause', 'running', true)"))
            await row.ExecuteNonQueryAsync();
        var runPause = new ProjectionRunner(Fx.Store, pause, SmallPasses, "node-a").RunAsync(cts.Token);
        await Until(async () => await Scalar<string>("SELECT state FROM projections WHERE name = 'p_stream_pause'") == "failed");
        // Paused it stays: the runner goes through its loop twice more (each pass beats) without starting the rebuild again.
        for (var pass = 0; pass < 2; pass++)
        {
            var beat = await Scalar<DateTime>("SELECT heartbeat_at FROM projections WHERE name = 'p_stream_pause'");
            await Until(async () => await Scalar<DateTime>("SELECT heartbeat_at FROM projections WHERE name = 'p_stream_pause'") > beat);
        }
        Assert.Equal("failed", await Scalar<string>("SELECT state FROM projections WHERE name = 'p_stream_pause'"));
        Assert.Equal(1L, await Scalar<long>("SELECT count(*) FROM projection_errors WHERE projection = 'p_stream_pause' AND action = 'paused'"));
        Assert.Equal(0L, await Scalar<long>("SELECT count(*) FROM p_stream_pause"));
        cts.Cancel();
        await run;
        await runPause;
    }

    /// <summary>Each index of <paramref name="table"/>: its name and its definition with the table's name taken out.</summary>
    private async Task<List<string>> Indexes(string table)
    {
        var found = new List<string>();
        await using var command = Fx.DataSource.CreateCommand("SELECT indexname, replace(indexdef, $1, 'T') FROM pg_indexes WHERE tablename = $1 ORDER BY indexname");
        command.Parameters.Add(new() { Value = table });
        await using var row = await command.ExecuteReaderAsync();
        while (await row.ReadAsync()) found.Add(row.GetString(0).Replace(table, "T", StringComparison.Ordinal) + ": " + row.GetString(1));
        return found;
    }

    [Fact]
    public async Task StreamPass_WritesWithoutThePlainIndexes_KeepsThePrimaryKey_AndTheSwappedTableHasEveryIndexBack()
    {
        await WriteAsync(6, 2);
        var projection = await StreamCounting("p_stream_indexes");
        // Default names, as the migrations give projection tables (a shadow made LIKE the live table gets them the same way).
        await using (var create = Fx.DataSource.CreateCommand("""
            CREATE INDEX ON p_stream_indexes (last_type, last_version);
            CREATE INDEX ON p_stream_indexes (events) WHERE events > 1;
            CREATE UNIQUE INDEX ON p_stream_indexes (stream_id, events);
            """))
            await create.ExecuteNonQueryAsync();
        var live = await Indexes("p_stream_indexes");
        Assert.Equal(4, live.Count);
        using var cts = new CancellationTokenSource();
        var run = new ProjectionRunner(Fx.Store, projection, SmallPasses, "node-a").RunAsync(cts.Token);
        await Until(async () => await Processed("p_stream_indexes") == await Projectable());

        var duringPass = new List<string>();
        projection.OnStreams = async _ =>
        {
            if (duringPass.Count == 0) duringPass.AddRange(await Indexes("p_stream_indexes" + ProjectionContext.ShadowSuffix));
        };
        await RebuildAsync("p_stream_indexes");
        // During the pass: the primary key and the unique index only (a duplicate still fails its batch); the plain ones come after.
        Assert.Equal(["T_pkey: CREATE UNIQUE INDEX T_pkey ON public.T USING btree (stream_id)",
            "T_stream_id_events_idx: CREATE UNIQUE INDEX T_stream_id_events_idx ON public.T USING btree (stream_id, events)"], duringPass);
        Assert.Equal(live, await Indexes("p_stream_indexes"));
        Assert.Equal(await Projectable(), await Sum("p_stream_indexes"));
        cts.Cancel();
        await run;
    }
}
