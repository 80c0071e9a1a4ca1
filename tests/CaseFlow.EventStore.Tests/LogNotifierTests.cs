using CaseFlow.EventStore.Projections;

namespace CaseFlow.EventStore.Tests;

/// <summary>
/// ADR 16: appends wake the projection runners through <see cref="LogNotifier"/>, from outside the appending transactions. The runners
/// here poll every ten minutes and start idle (a runner waits its poll interval until a wake), so only the wake-up can explain a
/// catch-up within the test's minute. Each notifier wakes for its own database only, so the other test classes' appends (each class has
/// its own database) never wake these runners.
/// </summary>
public class LogNotifierTests(EventStoreFixture fixture) : ProjectionTestBase(fixture), IClassFixture<EventStoreFixture>
{
    private static readonly ProjectionOptions Sleepy = new() { BatchSize = 50, PollInterval = TimeSpan.FromMinutes(10), LockRetry = TimeSpan.FromMilliseconds(100) };

    /// <summary>A runner of a new projection, caught up with the log and then idle in its ten-minute wait.</summary>
    private async Task<(Task Run, CancellationTokenSource Stop)> IdleRunnerAsync(string name)
    {
        var projection = await Counting(name);
        await LogShowsEverythingAsync();
        var stop = new CancellationTokenSource();
        var run = new ProjectionRunner(Fx.Store, projection, Sleepy, "node-a").RunAsync(stop.Token);
        await Until(async () => await Processed(name) == await TotalEvents(), 60);
        await Task.Delay(200); // past its last look: now in the ten-minute wait
        return (run, stop);
    }

    [Fact]
    public async Task AnAppend_WakesAnIdleRunner()
    {
        await using var notifier = new LogNotifier(Fx.DataSource);
        var (run, stop) = await IdleRunnerAsync("p_wake");
        var sentBefore = notifier.Sent;
        var stream = (await WriteAsync(1, 1))[0];
        await Until(async () => await Scalar<long>("SELECT coalesce((SELECT events FROM p_wake WHERE stream_id = $1), 0)::bigint", stream) == 1, 60);
        Assert.True(notifier.Sent > sentBefore);
        await stop.CancelAsync();
        await run;
        stop.Dispose();
    }

    [Fact]
    public async Task AWakeThatArrivesBeforeItsAppendCommits_IsFollowedByLooksUntilItDoes()
    {
        await using var notifier = new LogNotifier(Fx.DataSource);
        var (run, stop) = await IdleRunnerAsync("p_early");
        var stream = Guid.CreateVersion7();
        await using (var connection = await Fx.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await PostgresEventStore.AppendAsync(connection, tx, stream, "probe", "t", 0, [new NewEvent(Guid.CreateVersion7(), "Probe.v1", """{"n":0}""")], Meta, CancellationToken.None);
            var sent = notifier.Sent;
            await Until(() => Task.FromResult(notifier.Sent > sent), 60); // the wake is out, the append not committed
            await Task.Delay(300);
            await tx.CommitAsync();
        }
        await Until(async () => await Scalar<long>("SELECT coalesce((SELECT events FROM p_early WHERE stream_id = $1), 0)::bigint", stream) == 1, 60);
        await stop.CancelAsync();
        await run;
        stop.Dispose();
    }

    [Fact]
    public async Task ABacklog_IsWorkedThroughBatchAfterBatch_WithoutWaitingBetweenThem()
    {
        // No notifier and a ten-minute poll: a runner that waited after a batch it found would stop after its first 50 events.
        await WriteAsync(10, 25);
        var projection = await Counting("p_backlog");
        await LogShowsEverythingAsync();
        using var stop = new CancellationTokenSource();
        var run = new ProjectionRunner(Fx.Store, projection, Sleepy, "node-a").RunAsync(stop.Token);
        await Until(async () => await Processed("p_backlog") == await TotalEvents(), 60);
        Assert.True(await TotalEvents() >= 250);
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task ANotifierDisposedWithAWakePending_SendsIt()
    {
        // A short-lived process (the CLI's import) ends right after its last append: that append's NOTIFY is sent on the way out.
        var notifier = new LogNotifier(Fx.DataSource, sending: false);
        await WriteAsync(1, 1);
        Assert.Equal(0, notifier.Sent);
        await notifier.DisposeAsync();
        Assert.Equal((1L, 0L), (notifier.Sent, notifier.Failed));
    }

    [Fact]
    public async Task AMultiStreamAppend_RaisesAWake()
    {
        // The sweep's alerts and the import's cases are multi-stream appends: their events must wake the runners too.
        var notifier = new LogNotifier(Fx.DataSource, sending: false);
        var stream = Guid.CreateVersion7();
        await using (var connection = await Fx.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await PostgresEventStore.AppendManyAsync(connection, tx, [new StreamAppend(stream, "probe", "t", 0, [new NewEvent(Guid.CreateVersion7(), "Probe.v1", "{}")])], Meta);
            await tx.CommitAsync();
        }
        await notifier.DisposeAsync();
        Assert.Equal((1L, 0L), (notifier.Sent, notifier.Failed));
    }
}
