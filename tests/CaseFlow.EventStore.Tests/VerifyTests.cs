using System.Security.Cryptography;
using System.Text;
using CaseFlow.TestSupport;
using Npgsql;

namespace CaseFlow.EventStore.Tests;

/// <summary>
/// What verify reports for each kind of damage an insider can do with SQL, the chain's documented layout checked by an independent
/// computation (an auditor can recompute it without CaseFlow), and the migrator's bookkeeping.
/// </summary>
public class VerifyTests(EventStoreFixture fx) : IClassFixture<EventStoreFixture>
{
    private static readonly EventMetadata Meta = new("user-1", Guid.Parse("01900000-0000-7000-8000-0000000000cc"), null, "2026.11.21+test");

    private async Task<Guid> StreamAsync(int events)
    {
        var id = Guid.CreateVersion7();
        for (var v = 0; v < events; v++)
            await fx.Store.AppendAsync(id, "case", "h", v, [new NewEvent(Guid.CreateVersion7(), "Entered.v1", $$"""{"date":"2024-05-0{{v + 1}}","n":{{v}}}""")], Meta);
        return id;
    }

    private Task<int> Sql(string sql, params object[] args) => fx.InsiderSqlAsync(sql, args);

    [Fact]
    public async Task ChainHash_IsSha256OfThePreviousHashAndTheDocumentedFields()
    {
        var id = await StreamAsync(2);
        var events = await fx.Store.ReadStreamAsync(id);
        // docs/architecture.md: SHA-256(previous hash ‖ UTF-8 of id, stream, version, type, canonical data, canonical metadata, recorded-at µs,
        // joined by \n); canonical JSON: keys sorted, no spaces. The first event's previous hash is 32 zero bytes.
        var previous = new byte[32];
        foreach (var e in events)
        {
            var metadata = $$"""{"actor":"user-1","catalogueVersion":"2026.11.21+test","correlationId":"01900000-0000-7000-8000-0000000000cc"}""";
            var data = $$"""{"date":"{{e.Data.GetProperty("date").GetString()}}","n":{{e.Data.GetProperty("n").GetInt32()}}}""";
            var micros = e.RecordedAt.ToUnixTimeTicks() / 10;
            var content = Encoding.UTF8.GetBytes($"{e.EventId:D}\n{id:D}\n{e.Version}\nEntered.v1\n{data}\n{metadata}\n{micros}");
            var expected = SHA256.HashData([.. previous, .. content]);
            Assert.Equal(Convert.ToHexStringLower(expected), Convert.ToHexStringLower(e.Hash));
            previous = expected;
        }
    }

    [Fact]
    public async Task AMissingMiddleEvent_IsReportedByVersion()
    {
        var id = await StreamAsync(3);
        await Sql("DELETE FROM events WHERE stream_id = $1 AND version = 2", id);
        var result = await fx.Store.VerifyAsync(id);
        Assert.Equal((false, 2L, "version 2 is missing", 1L), (result.Intact, result.BrokenAtVersion, result.Problem, result.EventsChecked));
    }

    [Fact]
    public async Task ATruncatedStream_TheHeadStillCountsTheRemovedEvent()
    {
        var id = await StreamAsync(2);
        await Sql("DELETE FROM events WHERE stream_id = $1 AND version = 2", id);
        var result = await fx.Store.VerifyAsync(id);
        Assert.Equal((false, "stream version 2 but 1 events stored", 2L), (result.Intact, result.Problem, result.BrokenAtVersion));
        // ... and with the head's version rolled back too, its hash still names the removed event.
        await Sql("UPDATE streams SET version = 1 WHERE id = $1", id);
        var rolledBack = await fx.Store.VerifyAsync(id);
        Assert.Equal((false, "stream head hash does not match the last event"), (rolledBack.Intact, rolledBack.Problem));
        Assert.Equal("no such stream", (await fx.Store.VerifyAsync(Guid.CreateVersion7())).Problem);
    }

    [Fact]
    public async Task WholeStore_CountsEveryStream_ListsOnlyTheBroken()
    {
        var intact = await StreamAsync(1);
        var broken = await StreamAsync(2);
        await Sql("""UPDATE events SET data = '{"date":"2024-01-01","n":0}' WHERE stream_id = $1 AND version = 1""", broken);
        var progress = new List<long>();
        var (streams, bad) = await fx.Store.VerifyAllAsync(new Progress(progress));
        await using var count = fx.DataSource.CreateCommand("SELECT count(*) FROM streams");
        Assert.Equal((long)(await count.ExecuteScalarAsync())!, streams);
        Assert.Contains(bad, b => b.StreamId == broken && b.BrokenAtVersion == 1);
        Assert.DoesNotContain(bad, b => b.StreamId == intact);
        Assert.Equal(streams, progress[^1]);
        Assert.Equal(Enumerable.Range(1, (int)streams).Select(i => (long)i), progress);
    }

    private sealed class Progress(List<long> seen) : IProgress<long>
    {
        public void Report(long value) => seen.Add(value);
    }

    [Fact]
    public async Task AHeadRolledBackUnderTheEvents_TheNextAppendIsAConcurrencyError_NotADatabaseError()
    {
        var id = await StreamAsync(2);
        await Sql("UPDATE streams SET version = 1 WHERE id = $1", id);
        var error = await Assert.ThrowsAsync<ConcurrencyException>(() => fx.Store.AppendAsync(id, "case", "h", 1, [new NewEvent(Guid.CreateVersion7(), "Exited.v1", "{}")], Meta));
        Assert.Equal((id, 1L), (error.StreamId, error.ExpectedVersion));
    }

    [Fact]
    public async Task Migrator_ANewDatabaseIsNotCurrent_AfterMigratingItIs_AndTheLockIsReleased()
    {
        await using var db = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("mig"));
        Assert.False(await Migrator.IsCurrentAsync(db));
        Assert.NotEmpty(await Migrator.MigrateAsync(db));
        Assert.True(await Migrator.IsCurrentAsync(db));
        // Another session can take the migration lock at once: the migrator let go of it (its pooled connection keeps no session lock).
        await using var other = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(db.ConnectionString) { Pooling = false }.ConnectionString);
        await using var take = other.CreateCommand("SELECT pg_try_advisory_lock(x'0CA5EF10'::bigint)");
        Assert.True((bool)(await take.ExecuteScalarAsync())!);
    }
}
