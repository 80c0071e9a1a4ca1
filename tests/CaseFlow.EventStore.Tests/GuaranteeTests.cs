using CaseFlow.EventStore.Projections;
using CaseFlow.TestSupport;
using Npgsql;

namespace CaseFlow.EventStore.Tests;

/// <summary>
/// Each guarantee of docs/architecture.md pinned by a test that a realistic bug breaks: the chain hash covers the metadata and links to
/// the previous hash; two runners can never both advance a checkpoint; migrations take their advisory lock.
/// </summary>
public class GuaranteeTests(EventStoreFixture fixture) : ProjectionTestBase(fixture), IClassFixture<EventStoreFixture>
{
    private static readonly EventMetadata Actor = new("user-1", Guid.NewGuid(), null, "2026.11.21+test");

    private async Task Tamper(string sql, Guid streamId, params object[] args) => Assert.Equal(1, await Fx.InsiderSqlAsync(sql, [streamId, .. args]));

    [Fact]
    public async Task DataJsonbRewrites_NumbersArraysAndKeyOrder_StillVerifies()
    {
        // jsonb gives back 1e2 as 100 and keys in its own order: the chain hashes the canonical form, the same for what was sent and
        // what is read back (keys sorted, numbers as plain decimals without trailing zeros, arrays in order).
        const string sent = """{"z":[1.50,1e2,{"b":2,"a":-0.10}],"a":10.0,"s":"x"}""";
        Assert.Equal("""{"a":10,"s":"x","z":[1.5,100,{"a":-0.1,"b":2}]}""", System.Text.Encoding.UTF8.GetString(CanonicalJson.Utf8(sent)));
        var id = Guid.CreateVersion7();
        await Fx.Store.AppendAsync(id, "case", "h", 0, [new NewEvent(Guid.CreateVersion7(), "Entered.v1", sent)], Actor);
        Assert.Equal("100", (await Fx.Store.ReadStreamAsync(id))[0].Data.GetProperty("z")[1].GetRawText()); // not what was sent
        Assert.True((await Fx.Store.VerifyAsync(id)).Intact);
    }

    [Fact]
    public async Task ChainHash_CoversTheMetadata_AnAlteredActorBreaksIt()
    {
        var id = Guid.CreateVersion7();
        await Fx.Store.AppendAsync(id, "case", "h", 0, [new NewEvent(Guid.CreateVersion7(), "Entered.v1", """{"date":"2024-05-03"}""")], Actor);
        await Fx.Store.AppendAsync(id, "case", "h", 1, [new NewEvent(Guid.CreateVersion7(), "Exited.v1", """{"date":"2024-05-09"}""")], Actor);
        // Who recorded a fact is part of the history: an insider re-attributes version 1 to someone else.
        await Tamper("UPDATE events SET metadata = jsonb_set(metadata, '{actor}', '\"user-2\"') WHERE stream_id = $1 AND version = 1", id);
        var result = await Fx.Store.VerifyAsync(id);
        Assert.False(result.Intact);
        Assert.Equal(1, result.BrokenAtVersion);
    }

    [Fact]
    public async Task ChainHash_LinksToThePreviousHash_ARewrittenEarlierEventWithItsOwnHashRecomputedStillBreaksTheNext()
    {
        var id = Guid.CreateVersion7();
        await Fx.Store.AppendAsync(id, "case", "h", 0, [new NewEvent(Guid.CreateVersion7(), "Entered.v1", """{"date":"2024-05-03"}""")], Actor);
        await Fx.Store.AppendAsync(id, "case", "h", 1, [new NewEvent(Guid.CreateVersion7(), "Exited.v1", """{"date":"2024-05-09"}""")], Actor);
        var first = (await Fx.Store.ReadStreamAsync(id))[0];
        // The insider rewrites version 1 and gives it the hash the store would have computed for the new content.
        var forged = PostgresEventStore.ChainLink(new byte[32], PostgresEventStore.ContentDigest(first.EventId, id, 1, first.Type, CanonicalJson.Utf8("""{"date":"2024-05-01"}"""),
            CanonicalJson.Utf8(System.Text.Json.JsonSerializer.Serialize(first.Metadata, MetadataJson.Options))), first.RecordedAt);
        await Tamper("""UPDATE events SET data = '{"date":"2024-05-01"}', hash = $2 WHERE stream_id = $1 AND version = 1""", id, forged);
        var result = await Fx.Store.VerifyAsync(id);
        Assert.False(result.Intact);
        Assert.Equal(2, result.BrokenAtVersion); // version 2's hash was chained to the original hash of version 1
    }

    [Fact]
    public async Task TwoRunnersStepFromTheSameCheckpoint_OnlyOneBatchIsApplied()
    {
        var projection = await Counting("p_cas");
        await ProjectionRunner.EnsureAsync(Fx.DataSource, projection, CancellationToken.None);
        await WriteAsync(5, 4);
        await LogShowsEverythingAsync();
        // Both believe they lead (a lock lost in a network partition) and step from the same position at once.
        var gate = new TaskCompletionSource();
        var arrived = 0;
        projection.OnBatch = async _ =>
        {
            if (Interlocked.Increment(ref arrived) == 2) gate.TrySetResult();
            await gate.Task;
        };
        var a = new ProjectionRunner(Fx.Store, projection, Fast with { BatchSize = 1000 }, "node-a");
        var b = new ProjectionRunner(Fx.Store, projection, Fast with { BatchSize = 1000 }, "node-b");
        var results = await Task.WhenAll(a.StepAsync(GlobalPosition.Start, shadow: false, CancellationToken.None), b.StepAsync(GlobalPosition.Start, shadow: false, CancellationToken.None));
        // Exactly one applied its batch; each event of it counted once (the loser's upserts rolled back with its failed compare-and-set).
        // (Not every event of the store: transactions of other test classes on this cluster may hold back the readable log.)
        var winner = Assert.Single(results, r => r.Consumed > 0);
        Assert.Equal(winner.Consumed, await Sum("p_cas"));
        Assert.Equal(winner.Consumed, await Processed("p_cas"));
    }

    /// <summary>
    /// The pool does not reset connections (CaseFlowDataSource, ADR 11): a leader that stops must give its advisory lock and its LISTEN
    /// back itself, or a pooled connection would keep them and a later session from the pool would find itself "leading".
    /// </summary>
    [Fact]
    public async Task AStoppedLeader_LeavesNoLockOrListenInThePool()
    {
        var projection = await Counting("p_release");
        const string locks = """
            SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()
            """;
        using var stop = new CancellationTokenSource();
        var run = new ProjectionRunner(Fx.Store, projection, Fast, "node-a").RunAsync(stop.Token);
        await Until(async () => await Scalar<long>(locks) == 1);
        await stop.CancelAsync();
        await run;
        Assert.Equal(0, await Scalar<long>(locks));
        // Every idle connection of the pool at once (the leader's among them): none still listens.
        var open = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < 4; i++) open.Add(await Fx.DataSource.OpenConnectionAsync());
            foreach (var connection in open)
            {
                await using var listening = new NpgsqlCommand("SELECT count(*) FROM pg_listening_channels()", connection);
                Assert.Equal(0L, (long)(await listening.ExecuteScalarAsync())!);
            }
        }
        finally
        {
            foreach (var connection in open) await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task Migrations_WaitForTheAdvisoryLock_ThatAnotherNodeHolds()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("mig");
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var other = await db.OpenConnectionAsync();
        await using (var hold = new NpgsqlCommand("SELECT pg_advisory_lock(x'0CA5EF10'::bigint)", other)) await hold.ExecuteNonQueryAsync();

        var migrating = Migrator.MigrateAsync(db);
        // The migrator queues behind the other node's lock (seen in pg_locks), and has applied nothing.
        await Until(async () =>
        {
            await using var waiting = other.CreateCommand();
            waiting.CommandText = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = x'0CA5EF10'::bigint::oid";
            return (long)(await waiting.ExecuteScalarAsync())! > 0;
        });
        Assert.False(migrating.IsCompleted);
        await using (var tables = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE tablename = 'events'", other))
            Assert.Equal(0L, await tables.ExecuteScalarAsync());

        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(x'0CA5EF10'::bigint)", other)) await release.ExecuteNonQueryAsync();
        Assert.NotEmpty(await migrating);
        Assert.True(await Migrator.IsCurrentAsync(db));
    }
}

/// <summary>Transient failures are retried with the whole batch; only a failure that outlasts the retries isolates the batch event by event.</summary>
public class RetryTests(EventStoreFixture fixture) : ProjectionTestBase(fixture), IClassFixture<EventStoreFixture>
{
    [Fact]
    public async Task TwoTransientFailures_TheThirdAttemptAppliesTheWholeBatch_NothingRecordedAsPoison()
    {
        var projection = await Counting("p_flaky");
        await ProjectionRunner.EnsureAsync(Fx.DataSource, projection, CancellationToken.None);
        await WriteAsync(4, 2);
        await LogShowsEverythingAsync();
        var sizes = new List<int>();
        var failures = 2;
        projection.OnBatch = _ => failures-- > 0 ? throw new TimeoutException("the database blinked") : Task.CompletedTask;
        projection.OnBatchSize = sizes.Add;
        var runner = new ProjectionRunner(Fx.Store, projection, Fast with { BatchSize = 1000, MaxAttempts = 3 }, "node-a");
        var (consumed, _) = await runner.StepAsync(GlobalPosition.Start, shadow: false, CancellationToken.None);
        Assert.Equal(3, sizes.Count); // three attempts of one whole batch: not isolated event by event
        Assert.All(sizes, s => Assert.Equal(consumed, s));
        Assert.Equal(consumed, await Sum("p_flaky"));
        Assert.Equal(0L, await Scalar<long>("SELECT count(*) FROM projection_errors WHERE projection = 'p_flaky'"));
    }
}
