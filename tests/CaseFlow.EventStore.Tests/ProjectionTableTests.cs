using CaseFlow.EventStore.Projections;

namespace CaseFlow.EventStore.Tests;

/// <summary>
/// What ops read and steer (<see cref="ProjectionTable"/>, <see cref="ProjectionStatus"/>) and the log's counts they rest on: lag in
/// events and seconds against a checkpoint, the head, each control action's exact effect on the row, the poison-event list.
/// </summary>
public class ProjectionTableTests(EventStoreFixture fixture) : ProjectionTestBase(fixture), IClassFixture<EventStoreFixture>
{
    [Fact]
    public async Task Status_CountsWhatAProjectionHasYetToRead_AndTheHead()
    {
        var streams = await WriteAsync(3, 2);
        var projection = await Counting("t_status");
        await ProjectionRunner.EnsureAsync(Fx.DataSource, projection, CancellationToken.None);
        var total = await TotalEvents();
        var head = await Scalar<long>("SELECT seq FROM events ORDER BY tx DESC, seq DESC LIMIT 1");
        Assert.Equal(total, await Fx.Store.CountAsync());
        Assert.Equal(await Scalar<long>("SELECT count(*) FROM streams"), await Fx.Store.StreamCountAsync());
        Assert.True(await Fx.Store.StreamCountAsync() >= streams.Count);

        var before = (await ProjectionStatus.ReadAsync(Fx.Store, CancellationToken.None)).Single(p => p.Name == "t_status");
        Assert.Equal((total, head, "running", "0:0", (RebuildProgress?)null, false), (before.LagEvents, before.HeadSequence, before.State, before.Checkpoint, before.Rebuild, before.HeartbeatStale));
        Assert.True(before.LagSeconds >= 0);
        Assert.Equal(0, before.Processed);

        // Two events are read: the lag is the rest, counted from the checkpoint, and the checkpoint is shown as tx:seq.
        await LogShowsEverythingAsync();
        var runner = new ProjectionRunner(Fx.Store, projection, Fast with { BatchSize = 2 }, "node-t");
        var (consumed, reached) = await runner.StepAsync(GlobalPosition.Start, shadow: false, CancellationToken.None);
        Assert.Equal(2, consumed);
        var after = (await ProjectionStatus.ReadAsync(Fx.Store, CancellationToken.None)).Single(p => p.Name == "t_status");
        Assert.Equal((total - 2, 2L, $"{reached.Transaction}:{reached.Sequence}", "node-t"), (after.LagEvents, after.Processed, after.Checkpoint, after.Node));
        Assert.NotNull(after.HeartbeatAt);

        var (_, behind, age) = await Fx.Store.LagAsync(reached);
        Assert.Equal(total - 2, behind);
        Assert.True(age >= NodaTime.Duration.Zero);
        var (lastHead, none, noAge) = await Fx.Store.LagAsync(new GlobalPosition(ulong.MaxValue / 2, long.MaxValue));
        Assert.Equal((head, 0L, NodaTime.Duration.Zero), (lastHead, none, noAge));
    }

    [Fact]
    public async Task TheHead_IsTheLastEventInTheLogsOrder_ForTheStatusAndTheSeal()
    {
        // The head is read along the events' key (the readiness check asks for it per projection). A transaction that took its id first
        // and appends last has the highest sequence number but not the last position: the head is the last event readers will reach.
        await using var early = await Fx.DataSource.OpenConnectionAsync();
        await using var earlyTx = await early.BeginTransactionAsync();
        await using (var xid = new Npgsql.NpgsqlCommand("SELECT pg_current_xact_id()", early, earlyTx)) await xid.ExecuteScalarAsync();
        var later = (await WriteAsync(1, 1))[0];
        var last = await Scalar<long>("SELECT seq FROM events WHERE stream_id = $1", later);
        await PostgresEventStore.AppendAsync(early, earlyTx, Guid.CreateVersion7(), "probe", "t", 0, [new NewEvent(Guid.CreateVersion7(), "Probe.v1", "{}")], Meta);
        await earlyTx.CommitAsync();

        Assert.True(await Scalar<long>("SELECT max(seq) FROM events") > last);
        Assert.Equal(last, (await Fx.Store.LagAsync(GlobalPosition.Start)).Head);
        var (lastSequence, heads) = await Fx.Store.ReadHeadsAsync();
        Assert.Equal(last, lastSequence);
        Assert.Equal(1, heads.Single(h => h.StreamId == later).Version); // and every stream's head, in the same snapshot
    }

    [Fact]
    public async Task Control_EachActionSetsExactlyItsFlags_AndAnUnknownProjectionIsFalse()
    {
        var projection = await Counting("t_control");
        await ProjectionRunner.EnsureAsync(Fx.DataSource, projection, CancellationToken.None);
        async Task<(string State, bool Rebuild, bool Cancel)> Row()
        {
            var row = await ProjectionTable.ReadAsync(Fx.DataSource, "t_control", CancellationToken.None);
            return (row.State, row.RebuildRequested, row.CancelRequested);
        }
        Task<bool> Do(string action) => ProjectionTable.ControlAsync(Fx.DataSource, "t_control", action, CancellationToken.None);

        Assert.True(await Do("pause"));
        Assert.Equal(("paused", false, false), await Row());
        Assert.True(await Do("resume"));
        Assert.Equal(("running", false, false), await Row());
        Assert.True(await Do("rebuild"));
        Assert.Equal(("running", true, false), await Row());
        var status = (await ProjectionStatus.ReadAsync(Fx.Store, CancellationToken.None)).Single(p => p.Name == "t_control");
        Assert.Equal(new RebuildProgress(0, 0), status.Rebuild); // requested, not started: shown as a rebuild at 0 of 0
        // Not started yet: cancelling withdraws the request and asks no runner to stop.
        Assert.True(await Do("cancel-rebuild"));
        Assert.Equal(("running", false, false), await Row());

        // Under way: cancelling asks the runner to stop and keeps the request until it has.
        await Fx.InsiderSqlAsync("UPDATE projections SET state = 'rebuilding', rebuild_requested = true WHERE name = 't_control'");
        Assert.True(await Do("cancel-rebuild"));
        Assert.Equal(("rebuilding", true, true), await Row());

        // A failed projection asked to rebuild runs again; resume clears the error.
        await Fx.InsiderSqlAsync("UPDATE projections SET state = 'failed', last_error = 'boom', rebuild_requested = false, cancel_requested = true WHERE name = 't_control'");
        Assert.True(await Do("rebuild"));
        Assert.Equal(("running", true, false), await Row());
        await Fx.InsiderSqlAsync("UPDATE projections SET state = 'failed', last_error = 'boom' WHERE name = 't_control'");
        Assert.Equal("boom", (await ProjectionTable.ReadAsync(Fx.DataSource, "t_control", CancellationToken.None)).LastError);
        Assert.True(await Do("resume"));
        Assert.Null((await ProjectionTable.ReadAsync(Fx.DataSource, "t_control", CancellationToken.None)).LastError);

        Assert.False(await ProjectionTable.ControlAsync(Fx.DataSource, "no_such_projection", "pause", CancellationToken.None));
        var unknown = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Do("explode"));
        Assert.Contains("rebuild, cancel-rebuild, pause or resume", unknown.Message, StringComparison.Ordinal);

        // A rebuild under way (whether or not its request flag is still set) shows its progress; its rate once it has a start.
        await Fx.InsiderSqlAsync("UPDATE projections SET state = 'rebuilding', rebuild_requested = false, rebuild_processed = 50, rebuild_total = 90 WHERE name = 't_control'");
        var rebuilding = (await ProjectionStatus.ReadAsync(Fx.Store, CancellationToken.None)).Single(p => p.Name == "t_control");
        Assert.Equal(new RebuildProgress(50, 90), rebuilding.Rebuild);
        await Fx.InsiderSqlAsync("UPDATE projections SET rebuild_started_at = now() - interval '10 seconds' WHERE name = 't_control'");
        var started = (await ProjectionStatus.ReadAsync(Fx.Store, CancellationToken.None)).Single(p => p.Name == "t_control");
        Assert.Equal(new RebuildProgress(50, 90, 5), started.Rebuild); // 50 events in 10 s
    }

}

/// <summary>Poison events listed for ops (a database of its own: the poison must not reach the other classes' projections).</summary>
public class ProjectionErrorTests(EventStoreFixture fixture) : ProjectionTestBase(fixture), IClassFixture<EventStoreFixture>
{
    [Fact]
    public async Task Errors_ListThePoisonEvents_NewestFirst_WithTheirAction()
    {
        await WriteAsync(1, 1);
        var first = Guid.CreateVersion7();
        await Fx.Store.AppendAsync(first, "probe", "t", 0, [new NewEvent(Guid.CreateVersion7(), "Poison.v1", "{}")], Meta);
        var second = Guid.CreateVersion7();
        await Fx.Store.AppendAsync(second, "probe", "t", 0, [new NewEvent(Guid.CreateVersion7(), "Poison.v1", "{}")], Meta);
        var projection = await Counting("t_errors");
        await ProjectionRunner.EnsureAsync(Fx.DataSource, projection, CancellationToken.None);
        await LogShowsEverythingAsync();
        var runner = new ProjectionRunner(Fx.Store, projection, Fast with { MaxAttempts = 1 }, "node-e");
        var position = GlobalPosition.Start;
        while (true)
        {
            var (consumed, reached) = await runner.StepAsync(position, shadow: false, CancellationToken.None);
            if (consumed == 0) break;
            position = reached;
        }
        var errors = await ProjectionTable.ErrorsAsync(Fx.DataSource, "t_errors", CancellationToken.None);
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal("skipped", e.Action));
        Assert.All(errors, e => Assert.Contains("cannot project", e.Error, StringComparison.Ordinal));
        var poisonIds = await Fx.Store.ReadStreamAsync(second);
        Assert.Equal(poisonIds[0].EventId, errors[0].EventId); // newest first
        Assert.True(errors[0].Sequence > errors[1].Sequence);
        Assert.Empty(await ProjectionTable.ErrorsAsync(Fx.DataSource, "no_such_projection", CancellationToken.None));
    }
}
