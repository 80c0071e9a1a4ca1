using Npgsql;

namespace CaseFlow.EventStore.Tests;

/// <summary>
/// The multi-stream append the sweep uses for many cases' alerts (issue 11): every guarantee of a single append (version checked before
/// a sequence number is drawn, chain intact, all or nothing), in round trips that do not grow with the number of streams.
/// </summary>
public class AppendManyTests(EventStoreFixture fixture) : IClassFixture<EventStoreFixture>
{
    private static readonly EventMetadata Actor = new("system:test", Guid.NewGuid(), null, "test");
    private PostgresEventStore Store => fixture.Store;

    private static NewEvent Event(string type, string data = """{"n":1}""") => new(Guid.CreateVersion7(), type, data);

    private async Task<long> MaxSeqAsync()
    {
        await using var command = Store.DataSource.CreateCommand("SELECT coalesce(max(seq), 0) FROM events");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task NewAndExistingStreams_AppendTogether_VersionsFollowOn_ChainsVerify()
    {
        var existing = Guid.CreateVersion7();
        await Store.AppendAsync(existing, "alerts", "h1", 0, [Event("A.v1")], Actor);
        var fresh = Guid.CreateVersion7();
        await using var connection = await Store.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var recordedAt = await PostgresEventStore.AppendManyAsync(connection, tx,
            [new StreamAppend(existing, "alerts", "h1", 1, [Event("B.v1"), Event("C.v1")]), new StreamAppend(fresh, "alerts", "h2", 0, [Event("A.v1", """{"n":2}""")])], Actor);
        await tx.CommitAsync();

        Assert.Equal([(1L, "A.v1"), (2L, "B.v1"), (3L, "C.v1")], (await Store.ReadStreamAsync(existing)).Select(e => (e.Version, e.Type)));
        Assert.Equal([1L], (await Store.ReadStreamAsync(fresh)).Select(e => e.Version));
        Assert.Equal(recordedAt, (await Store.ReadStreamAsync(fresh))[0].RecordedAt); // the transaction's instant, as every append records
        Assert.Equal(2, (await Store.ReadStreamAsync(fresh))[0].Data.GetProperty("n").GetInt32());
        Assert.True((await Store.VerifyAsync(existing)).Intact);
        Assert.True((await Store.VerifyAsync(fresh)).Intact);
        // The stream rows moved: a single append at the new versions goes on.
        await Store.AppendAsync(existing, "alerts", "h1", 3, [Event("D.v1")], Actor);
        await Store.AppendAsync(fresh, "alerts", "h2", 1, [Event("B.v1")], Actor);
        Assert.True((await Store.VerifyAsync(existing)).Intact);
        Assert.True((await Store.VerifyAsync(fresh)).Intact);
    }

    [Fact]
    public async Task OneStaleStream_RefusesTheWhole_WritesNothing_TakesNoSequence()
    {
        var moved = Guid.CreateVersion7();
        var untouched = Guid.CreateVersion7();
        await Store.AppendAsync(moved, "alerts", "h", 0, [Event("A.v1"), Event("B.v1")], Actor);
        await Store.AppendAsync(untouched, "alerts", "h", 0, [Event("A.v1")], Actor);
        var taken = Guid.CreateVersion7();
        await Store.AppendAsync(taken, "alerts", "h", 0, [Event("A.v1")], Actor);
        var before = await MaxSeqAsync();

        foreach (var stale in new[] { new StreamAppend(moved, "alerts", "h", 1, [Event("C.v1")]), new StreamAppend(taken, "alerts", "h", 0, [Event("C.v1")]) })
        {
            await using var connection = await Store.DataSource.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            var error = await Assert.ThrowsAsync<ConcurrencyException>(() => PostgresEventStore.AppendManyAsync(connection, tx,
                [new StreamAppend(untouched, "alerts", "h", 1, [Event("C.v1")]), stale, new StreamAppend(Guid.CreateVersion7(), "alerts", "h", 0, [Event("C.v1")])], Actor));
            Assert.Equal(stale.StreamId, error.StreamId);
            await tx.RollbackAsync();
        }

        Assert.Single(await Store.ReadStreamAsync(untouched));
        Assert.Equal(2, (await Store.ReadStreamAsync(moved)).Count);
        await Store.AppendAsync(untouched, "alerts", "h", 1, [Event("C.v1")], Actor);
        Assert.Equal(before + 1, (await Store.ReadStreamAsync(untouched))[^1].Sequence); // no sequence number was drawn by the refused appends
    }

    [Fact]
    public async Task TwoMultiStreamAppends_OverTheSameStreams_OneWins_NoDeadlock()
    {
        var ids = Enumerable.Range(0, 40).Select(_ => Guid.CreateVersion7()).ToList();
        foreach (var id in ids) await Store.AppendAsync(id, "alerts", "h", 0, [Event("A.v1")], Actor);
        async Task<bool> Attempt(IEnumerable<Guid> order)
        {
            await using var connection = await Store.DataSource.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            try
            {
                await PostgresEventStore.AppendManyAsync(connection, tx, [.. order.Select(id => new StreamAppend(id, "alerts", "h", 1, [Event("B.v1")]))], Actor);
                await tx.CommitAsync();
                return true;
            }
            catch (ConcurrencyException)
            {
                return false;
            }
        }
        var results = await Task.WhenAll(Attempt(ids), Attempt(Enumerable.Reverse(ids)), Attempt(ids.OrderBy(_ => Random.Shared.Next())));
        Assert.Equal(1, results.Count(r => r));
        Assert.All(ids, id => Assert.Equal(2, Store.ReadStreamAsync(id).GetAwaiter().GetResult().Count));
    }

    [Fact]
    public async Task TwoAppendsCreatingOneStream_TheSecondWaits_FindsItTaken_WritesNothing_DrawsNoSequence()
    {
        var contested = Guid.CreateVersion7();
        var other = Guid.CreateVersion7();
        await using var first = await Store.DataSource.OpenConnectionAsync();
        await using var firstTx = await first.BeginTransactionAsync();
        await PostgresEventStore.AppendManyAsync(first, firstTx, [new StreamAppend(contested, "alerts", "h", 0, [Event("A.v1")])], Actor);

        // The second finds the stream absent too (the first has not committed); creating it waits for the first's transaction.
        await using var second = await Store.DataSource.OpenConnectionAsync();
        await using var secondTx = await second.BeginTransactionAsync();
        var losing = PostgresEventStore.AppendManyAsync(second, secondTx,
            [new StreamAppend(other, "alerts", "h", 0, [Event("A.v1")]), new StreamAppend(contested, "alerts", "h", 0, [Event("B.v1")])], Actor);
        await fixture.WaitUntilBlockedAsync(second);
        var drawn = await LastSequenceAsync();
        await firstTx.CommitAsync();

        var error = await Assert.ThrowsAsync<ConcurrencyException>(() => losing);
        Assert.Equal(contested, error.StreamId);
        Assert.Equal(1, error.ActualVersion);
        await secondTx.RollbackAsync();
        Assert.Equal(["A.v1"], (await Store.ReadStreamAsync(contested)).Select(e => e.Type));
        Assert.Empty(await Store.ReadStreamAsync(other));
        Assert.Null(await Store.StreamVersionAsync(other));
        Assert.Equal(drawn, await LastSequenceAsync()); // the refused append drew no sequence number
        Assert.True((await Store.VerifyAsync(contested)).Intact);
    }

    private async Task<long> LastSequenceAsync()
    {
        await using var command = Store.DataSource.CreateCommand("SELECT last_value FROM events_seq_seq");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task NoStreams_AStreamWithoutEvents_OrAStreamTwice_AreRefused_NothingWritten()
    {
        var before = await MaxSeqAsync();
        var id = Guid.CreateVersion7();
        await using var connection = await Store.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var empty = await Assert.ThrowsAsync<ArgumentException>(() => PostgresEventStore.AppendManyAsync(connection, tx, [], Actor));
        Assert.Contains("no streams", empty.Message, StringComparison.Ordinal);
        var nothing = await Assert.ThrowsAsync<ArgumentException>(() => PostgresEventStore.AppendManyAsync(connection, tx,
            [new StreamAppend(Guid.CreateVersion7(), "alerts", "h", 0, [Event("A.v1")]), new StreamAppend(id, "alerts", "h", 0, [])], Actor));
        Assert.Contains("nothing to append", nothing.Message, StringComparison.Ordinal);
        var twice = await Assert.ThrowsAsync<ArgumentException>(() => PostgresEventStore.AppendManyAsync(connection, tx,
            [new StreamAppend(id, "alerts", "h", 0, [Event("A.v1")]), new StreamAppend(id, "alerts", "h", 0, [Event("B.v1")])], Actor));
        Assert.Contains("a stream twice", twice.Message, StringComparison.Ordinal);
        await tx.CommitAsync();
        Assert.Equal(before, await MaxSeqAsync());
        Assert.Empty(await Store.ReadStreamAsync(id));
    }

    [Fact]
    public async Task ChangedStreams_NameEachStreamOnce_LeaveOutTheExcludedActorAndTypes_AndStopAtMax()
    {
        var marker = Guid.CreateVersion7();
        var from = (await Store.AppendAsync(marker, "t", "h", 0, [Event("M.v1")], Actor))[0].Position;
        var changed = Guid.CreateVersion7();
        var own = Guid.CreateVersion7();
        var alertOnly = Guid.CreateVersion7();
        await Store.AppendAsync(changed, "t", "h", 0, [Event("A.v1"), Event("B.v1")], new EventMetadata("user:1", Guid.NewGuid()));
        await Store.AppendAsync(own, "t", "h", 0, [Event("A.v1")], new EventMetadata("system:sweep", Guid.NewGuid()));
        var last = (await Store.AppendAsync(alertOnly, "t", "h", 0, [Event("Alert.v1")], new EventMetadata("user:1", Guid.NewGuid())))[0].Position;

        // The log shows a commit once no older transaction is open anywhere in the cluster (other test databases share it).
        for (var waited = 0; waited < 500; waited++)
        {
            await using var behind = Store.DataSource.CreateCommand("SELECT count(*) FROM events WHERE tx >= pg_snapshot_xmin(pg_current_snapshot())");
            if ((long)(await behind.ExecuteScalarAsync())! == 0) break;
            await Task.Delay(20);
        }
        var (streams, reached, read) = await Store.ChangedStreamsAsync(from, 100, "system:sweep", ["Alert.v1"]);
        Assert.Equal([changed], streams);
        Assert.Equal(4, read);
        Assert.Equal(last, reached);

        var (firstTwo, reachedTwo, readTwo) = await Store.ChangedStreamsAsync(from, 2, "system:sweep", ["Alert.v1"]);
        Assert.Equal([changed], firstTwo);
        Assert.Equal(2, readTwo);
        Assert.True(reachedTwo.CompareTo(from) > 0 && reachedTwo.CompareTo(last) < 0);

        var (none, stay, nothing) = await Store.ChangedStreamsAsync(last, 100, "system:sweep", ["Alert.v1"]);
        Assert.Empty(none);
        Assert.Equal(0, nothing);
        Assert.Equal(last, stay);
    }
}
