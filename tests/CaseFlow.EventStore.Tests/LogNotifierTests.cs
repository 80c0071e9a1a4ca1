using CaseFlow.EventStore.Projections;

namespace CaseFlow.EventStore.Tests;

/// <summary>
/// ADR 16: appends wake the projection runners through <see cref="LogNotifier"/>, from outside the appending transactions. The runners
/// here poll every ten minutes, so only the wake-up can explain a catch-up within the test's minute.
/// </summary>
public class LogNotifierTests(EventStoreFixture fixture) : ProjectionTestBase(fixture), IClassFixture<EventStoreFixture>
{
    private static readonly ProjectionOptions Sleepy = new() { BatchSize = 50, PollInterval = TimeSpan.FromMinutes(10), LockRetry = TimeSpan.FromMilliseconds(100) };

    [Fact]
    public async Task AnAppend_WakesTheRunner_EvenWhenTheWakeArrivesBeforeItsTransactionCommits()
    {
        var projection = await Counting("p_wake");
        await using var notifier = new LogNotifier(Fx.DataSource);
        using var cts = new CancellationTokenSource();
        var run = new ProjectionRunner(Fx.Store, projection, Sleepy, "node-a").RunAsync(cts.Token);
        await Until(async () => await Scalar<bool>("SELECT coalesce((SELECT heartbeat_at IS NOT NULL FROM projections WHERE name = 'p_wake'), false)"), 60);
        await Until(async () => await Processed("p_wake") == await TotalEvents(), 60); // the fixture's earlier events, if any

        // An append in its own transaction: woken by the NOTIFY sent after it.
        var sentBefore = notifier.Sent;
        await WriteAsync(1, 1);
        await Until(async () => await Processed("p_wake") == await TotalEvents(), 60);
        Assert.True(notifier.Sent > sentBefore);

        // An append whose NOTIFY is sent while its transaction is still open: the runner, woken too early, looks again until it commits.
        var stream = Guid.CreateVersion7();
        await using (var connection = await Fx.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await PostgresEventStore.AppendAsync(connection, tx, stream, "probe", "t", 0, [new NewEvent(Guid.CreateVersion7(), "Probe.v1", """{"n":0}""")], Meta, CancellationToken.None);
            var sent = notifier.Sent;
            await Until(() => Task.FromResult(notifier.Sent > sent), 60); // the wake is out
            await Task.Delay(300);
            await tx.CommitAsync();
        }
        await Until(async () => await Scalar<long>("SELECT coalesce((SELECT events FROM p_wake WHERE stream_id = $1), 0)::bigint", stream) == 1, 60);
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task ANotifierDisposedRightAfterAnAppend_StillSendsItsWakeUp()
    {
        // A short-lived process (the CLI's import) ends right after its last append: that append's NOTIFY is sent on the way out.
        var notifier = new LogNotifier(Fx.DataSource);
        await WriteAsync(1, 1);
        await notifier.DisposeAsync();
        Assert.True(notifier.Sent >= 1);
        Assert.Equal(0, notifier.Failed);
    }
}
