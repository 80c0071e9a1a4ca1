using Npgsql;

namespace CaseFlow.EventStore.Tests;

/// <summary>
/// The append as one statement (ADR 29) has four forms: a new or an existing stream, one event or several. Each keeps the single
/// append's guarantees: the version checked before a sequence number is drawn (also against a writer that moves the stream while
/// this one waits for its row), versions following on, the chain linked from the stream's last hash.
/// </summary>
public class AppendStatementTests(EventStoreFixture fixture) : IClassFixture<EventStoreFixture>
{
    private static readonly EventMetadata Actor = new("system:test", Guid.NewGuid(), null, "test");
    private PostgresEventStore Store => fixture.Store;

    /// <summary>The four forms: a new stream (at 0) or one at version 2, with one event or three.</summary>
    public static TheoryData<long, int> Forms => new() { { 0, 1 }, { 0, 3 }, { 2, 1 }, { 2, 3 } };

    private static List<NewEvent> Events(int count, string type) =>
        [.. Enumerable.Range(1, count).Select(n => new NewEvent(Guid.CreateVersion7(), type, $$"""{"n":{{n}},"b":"x"}"""))];

    /// <summary>A stream at <paramref name="version"/> (absent for 0), its events appended one by one.</summary>
    private async Task<Guid> StreamAtAsync(long version)
    {
        var id = Guid.CreateVersion7();
        for (var v = 0L; v < version; v++) await Store.AppendAsync(id, "case", "h", v, Events(1, "Before.v1"), Actor);
        return id;
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task EachForm_VersionsFollowOn_TheChainLinksFromTheLastHash_AndAStaleAppendWritesNothing_DrawsNoSequence(long at, int count)
    {
        var id = await StreamAtAsync(at);
        var drawn = await LastSequenceAsync();
        var stale = await Assert.ThrowsAsync<ConcurrencyException>(() => Store.AppendAsync(id, "case", "h", at + 5, Events(count, "Stale.v1"), Actor));
        Assert.Equal(at == 0 ? null : at, stale.ActualVersion);
        if (at > 0)
        {
            var behind = await Assert.ThrowsAsync<ConcurrencyException>(() => Store.AppendAsync(id, "case", "h", at - 1, Events(count, "Stale.v1"), Actor));
            Assert.Equal(at, behind.ActualVersion);
        }
        Assert.Equal(drawn, await LastSequenceAsync());

        var recorded = await Store.AppendAsync(id, "case", "h", at, Events(count, "Now.v1"), Actor);

        Assert.Equal(Enumerable.Range((int)at + 1, count).Select(v => (long)v), recorded.Select(e => e.Version));
        Assert.Equal(Enumerable.Range(1, count).Select(n => drawn + n), recorded.Select(e => e.Sequence));
        var stored = await Store.ReadStreamAsync(id);
        Assert.Equal(at + count, await Store.StreamVersionAsync(id));
        Assert.Equal(recorded.Select(e => (e.EventId, e.Sequence, e.Position, Convert.ToHexString(e.Hash), e.RecordedAt)),
            stored.Skip((int)at).Select(e => (e.EventId, e.Sequence, e.Position, Convert.ToHexString(e.Hash), e.RecordedAt)));
        Assert.Equal(Enumerable.Range(1, count).Select(n => n), stored.Skip((int)at).Select(e => e.Data.GetProperty("n").GetInt32()));
        // Each link is SHA-256(previous hash, content digest, instant) from the stream's last hash (32 zero bytes for a new stream).
        var previous = at == 0 ? new byte[32] : stored[(int)at - 1].Hash;
        foreach (var e in stored.Skip((int)at))
        {
            var digest = PostgresEventStore.ContentDigest(e.EventId, id, e.Version, e.Type, CanonicalJson.Utf8(e.Data),
                CanonicalJson.Utf8(System.Text.Json.JsonSerializer.Serialize(Actor, MetadataJson.Options)));
            Assert.Equal(PostgresEventStore.ChainLink(previous, digest, e.RecordedAt), e.Hash);
            previous = e.Hash;
        }
        Assert.True((await Store.VerifyAsync(id)).Intact);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task ASecondWriterAtTheSameVersion_WaitsForTheFirst_FindsTheStreamMoved_WritesNothing_DrawsNoSequence(long at, int count)
    {
        var id = await StreamAtAsync(at);
        await using var first = await Store.DataSource.OpenConnectionAsync();
        await using var firstTx = await first.BeginTransactionAsync();
        var won = await PostgresEventStore.AppendAsync(first, firstTx, id, "case", "h", at, Events(count, "First.v1"), Actor);

        // The second finds the stream where the first found it (the first has not committed): it waits for the first's row.
        await using var second = await Store.DataSource.OpenConnectionAsync();
        await using var secondTx = await second.BeginTransactionAsync();
        var losing = PostgresEventStore.AppendAsync(second, secondTx, id, "case", "h", at, Events(count, "Second.v1"), Actor);
        await fixture.WaitUntilBlockedAsync(second);
        var drawn = await LastSequenceAsync();
        await firstTx.CommitAsync();

        var error = await Assert.ThrowsAsync<ConcurrencyException>(() => losing);
        Assert.Equal(at + count, error.ActualVersion);
        await secondTx.RollbackAsync();
        Assert.Equal(drawn, await LastSequenceAsync()); // the refused append drew no sequence number
        var stored = await Store.ReadStreamAsync(id);
        Assert.Equal(won.Select(e => e.EventId), stored.Skip((int)at).Select(e => e.EventId));
        Assert.Equal(at + count, await Store.StreamVersionAsync(id));
        Assert.True((await Store.VerifyAsync(id)).Intact);
    }

    private async Task<long> LastSequenceAsync()
    {
        await using var command = Store.DataSource.CreateCommand("SELECT last_value FROM events_seq_seq");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
