using CaseFlow.EventStore.Projections;
using Npgsql;

namespace CaseFlow.EventStore.Tests;

/// <summary>A deterministic test projection: per stream, the number of events and the last type. "Poison.v1" events throw.</summary>
public sealed class CountingProjection(string name, PoisonPolicy policy = PoisonPolicy.Skip) : IProjection
{
    public string Name => name;
    public PoisonPolicy Policy => policy;
    public IReadOnlyList<string> Tables => [name];
    public Func<int, Task>? OnBatch { get; set; }

    /// <summary>Sees the size of every batch handed to the projection (each attempt).</summary>
    public Action<int>? OnBatchSize { get; set; }
    private int batches;

    /// <summary>The test's own table (in CaseFlow a numbered migration creates a projection's tables).</summary>
    public string CreateSql() =>
        $"CREATE TABLE IF NOT EXISTS {name} (stream_id uuid PRIMARY KEY, events int NOT NULL, last_version bigint NOT NULL, last_type text NOT NULL)";

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> batch, CancellationToken ct)
    {
        OnBatchSize?.Invoke(batch.Count);
        if (OnBatch is not null) await OnBatch(Interlocked.Increment(ref batches));
        foreach (var e in batch)
        {
            if (e.Type == "Poison.v1") throw new InvalidOperationException($"cannot project {e.EventId}");
            await using var upsert = new NpgsqlCommand($"""
                INSERT INTO {context.Table(name)} AS p (stream_id, events, last_version, last_type) VALUES ($1, 1, $2, $3)
                ON CONFLICT (stream_id) DO UPDATE SET events = p.events + 1, last_version = EXCLUDED.last_version, last_type = EXCLUDED.last_type
                """, context.Connection, context.Transaction);
            upsert.Parameters.Add(new() { Value = e.StreamId });
            upsert.Parameters.Add(new() { Value = e.Version });
            upsert.Parameters.Add(new() { Value = e.Type });
            await upsert.ExecuteNonQueryAsync(ct);
        }
    }
}

/// <summary>Writing probe events and waiting on projection state, for the runtime tests.</summary>
public abstract class ProjectionTestBase(EventStoreFixture fx)
{
    protected EventStoreFixture Fx => fx;

    protected static readonly ProjectionOptions Fast = new() { BatchSize = 50, PollInterval = TimeSpan.FromMilliseconds(50), LockRetry = TimeSpan.FromMilliseconds(100), RetryBackoff = TimeSpan.FromMilliseconds(5) };
    protected static readonly EventMetadata Meta = new("test", Guid.NewGuid());

    /// <summary>A counting projection with its table created (what a migration does for CaseFlow's projections).</summary>
    protected async Task<CountingProjection> Counting(string name, PoisonPolicy policy = PoisonPolicy.Skip)
    {
        var projection = new CountingProjection(name, policy);
        await using var create = fx.DataSource.CreateCommand(projection.CreateSql());
        await create.ExecuteNonQueryAsync();
        return projection;
    }

    protected async Task<List<Guid>> WriteAsync(int streams, int eventsPerStream, string type = "Probe.v1")
    {
        var ids = new List<Guid>();
        for (var s = 0; s < streams; s++)
        {
            var id = Guid.CreateVersion7();
            ids.Add(id);
            for (var v = 0; v < eventsPerStream; v++)
                await fx.Store.AppendAsync(id, "probe", "t", v, [new NewEvent(Guid.CreateVersion7(), type, $$"""{"n":{{v}}}""")], Meta);
        }
        return ids;
    }

    protected async Task<T> Scalar<T>(string sql, params object[] args)
    {
        await using var command = fx.DataSource.CreateCommand(sql);
        foreach (var a in args) command.Parameters.Add(new() { Value = a });
        return (T)(await command.ExecuteScalarAsync())!;
    }

    protected Task<long> Processed(string name) => Scalar<long>("SELECT coalesce((SELECT processed FROM projections WHERE name = $1), -1)", name);

    protected Task<long> TotalEvents() => Scalar<long>("SELECT count(*) FROM events");

    protected async Task Until(Func<Task<bool>> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached");
            await Task.Delay(25);
        }
    }

    /// <summary>
    /// Waits until a reader of the global log sees every event written. The log holds back events behind the oldest transaction still
    /// running anywhere in the cluster (docs/architecture.md), and other test classes share the cluster: a test that steps a runner
    /// once right after writing would otherwise race them.
    /// </summary>
    protected async Task LogShowsEverythingAsync()
    {
        var total = await TotalEvents();
        await Until(async () => (await Fx.Store.ReadAllAsync(GlobalPosition.Start, int.MaxValue)).Count == total);
    }

    protected Task<string> Checksum(string table) =>
        Scalar<string>($"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY stream_id), '')) FROM {table} t");

    protected Task<long> Sum(string table) => Scalar<long>($"SELECT coalesce(sum(events), 0)::bigint FROM {table}");
}

public class ProjectionRuntimeTests(EventStoreFixture fixture) : ProjectionTestBase(fixture), IClassFixture<EventStoreFixture>
{
    [Fact]
    public async Task Rebuild_GivesTheSameRowsAsIncremental_AndSwapsWhileServing()
    {
        var projection = await Counting("p_rebuild");
        await WriteAsync(20, 5);
        using var cts = new CancellationTokenSource();
        var run = new ProjectionRunner(Fx.Store, projection, Fast, "node-a").RunAsync(cts.Token);
        await Until(async () => await Processed("p_rebuild") == await TotalEvents());
        var incremental = await Checksum("p_rebuild");
        Assert.Equal(await TotalEvents(), await Sum("p_rebuild"));
        // Caught up and idle, the runner still shows it is alive (ops' lag view reads a silent runner as stale).
        var beat = await Scalar<DateTime>("SELECT heartbeat_at FROM projections WHERE name = 'p_rebuild'");
        await Until(async () => await Scalar<DateTime>("SELECT heartbeat_at FROM projections WHERE name = 'p_rebuild'") > beat, seconds: 5);

        var live = await Scalar<uint>("SELECT 'p_rebuild'::regclass::oid");
        await using (var request = Fx.DataSource.CreateCommand("UPDATE projections SET rebuild_requested = true WHERE name = 'p_rebuild'")) await request.ExecuteNonQueryAsync();
        await Until(async () => await Scalar<bool>("SELECT NOT rebuild_requested AND state = 'running' FROM projections WHERE name = 'p_rebuild'"));
        Assert.NotEqual(live, await Scalar<uint>("SELECT 'p_rebuild'::regclass::oid")); // a shadow table built and swapped in, not the rebuild given up
        Assert.Equal(incremental, await Checksum("p_rebuild"));
        Assert.Equal(await TotalEvents(), await Processed("p_rebuild"));

        // New events after the swap are applied to the swapped-in table.
        await WriteAsync(1, 3);
        await Until(async () => await Processed("p_rebuild") == await TotalEvents());
        Assert.Equal(await TotalEvents(), await Sum("p_rebuild"));
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task RunnerKilledMidBatch_NextRunnerResumes_NoLossNoDuplicate()
    {
        var projection = await Counting("p_kill");
        await WriteAsync(10, 12);
        var killed = new TaskCompletionSource();
        using var first = new CancellationTokenSource();
        projection.OnBatch = async n =>
        {
            if (n == 2)
            {
                killed.TrySetResult();
                await Task.Delay(Timeout.Infinite, first.Token); // dies inside its transaction
            }
        };
        var run = new ProjectionRunner(Fx.Store, projection, Fast, "node-a").RunAsync(first.Token);
        await killed.Task;
        first.Cancel();
        await run;
        Assert.Equal(50, await Processed("p_kill")); // only the first batch committed

        projection.OnBatch = null;
        using var second = new CancellationTokenSource();
        var resumed = new ProjectionRunner(Fx.Store, projection, Fast, "node-b").RunAsync(second.Token);
        await Until(async () => await Processed("p_kill") == await TotalEvents());
        Assert.Equal(await TotalEvents(), await Sum("p_kill"));
        Assert.Equal(0L, await Scalar<long>("SELECT count(*) FROM p_kill WHERE events <> last_version"));
        second.Cancel();
        await resumed;
    }

    [Fact]
    public async Task TwoRunners_OneRuns_TheOtherTakesOverWhenItDies()
    {
        var projection = await Counting("p_two");
        await WriteAsync(5, 4);
        using var a = new CancellationTokenSource();
        using var b = new CancellationTokenSource();
        var runA = new ProjectionRunner(Fx.Store, projection, Fast, "node-a").RunAsync(a.Token);
        await Until(async () => await Processed("p_two") == await TotalEvents());
        var runB = new ProjectionRunner(Fx.Store, projection, Fast, "node-b").RunAsync(b.Token);
        await WriteAsync(3, 4);
        await Until(async () => await Processed("p_two") == await TotalEvents());
        Assert.Equal("node-a", await Scalar<string>("SELECT node FROM projections WHERE name = 'p_two'"));

        a.Cancel();
        await runA;
        await WriteAsync(2, 4);
        await Until(async () => await Processed("p_two") == await TotalEvents(), seconds: 10);
        Assert.Equal("node-b", await Scalar<string>("SELECT node FROM projections WHERE name = 'p_two'"));
        Assert.Equal(await TotalEvents(), await Sum("p_two"));
        b.Cancel();
        await runB;
    }
}

/// <summary>Poison events, in a database of their own (they would be skipped by the other tests' projections).</summary>
public class PoisonEventTests(EventStoreFixture fixture) : ProjectionTestBase(fixture), IClassFixture<EventStoreFixture>
{
    [Fact]
    public async Task PoisonEvent_Skip_RecordedAndSkipped_Pause_StopsTheProjection()
    {
        await WriteAsync(3, 3);
        var poison = Guid.CreateVersion7();
        await Fx.Store.AppendAsync(poison, "probe", "t", 0, [new NewEvent(Guid.CreateVersion7(), "Poison.v1", "{}")], Meta);
        await WriteAsync(2, 2);

        var skip = await Counting("p_skip", PoisonPolicy.Skip);
        using var cts = new CancellationTokenSource();
        var run = new ProjectionRunner(Fx.Store, skip, Fast, "node-a").RunAsync(cts.Token);
        await Until(async () => await Processed("p_skip") == await TotalEvents() - 1);
        await Until(async () => await Scalar<long>("SELECT count(*) FROM projection_errors WHERE projection = 'p_skip' AND action = 'skipped'") == 1);
        Assert.Equal(await TotalEvents() - 1, await Sum("p_skip"));
        Assert.Contains("Poison.v1", await Scalar<string>("SELECT last_error FROM projections WHERE name = 'p_skip'"), StringComparison.Ordinal);

        var pause = await Counting("p_pause", PoisonPolicy.Pause);
        var runPause = new ProjectionRunner(Fx.Store, pause, Fast, "node-a").RunAsync(cts.Token);
        await Until(async () => await Scalar<string>("SELECT state FROM projections WHERE name = 'p_pause'") == "failed");
        var stopped = await Processed("p_pause");
        // Not a sleep: wait until the runner has been through its loop twice more (each pass beats), then nothing may have moved.
        for (var pass = 0; pass < 2; pass++)
        {
            var beat = await Scalar<DateTime>("SELECT heartbeat_at FROM projections WHERE name = 'p_pause'");
            await Until(async () => await Scalar<DateTime>("SELECT heartbeat_at FROM projections WHERE name = 'p_pause'") > beat);
        }
        Assert.Equal(stopped, await Processed("p_pause"));
        Assert.True(stopped < await TotalEvents() - 1);
        Assert.Equal(1L, await Scalar<long>("SELECT count(*) FROM projection_errors WHERE projection = 'p_pause' AND action = 'paused'"));
        cts.Cancel();
        await run;
        await runPause;
    }
}
