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
    public async Task ChainHash_IsSha256OfThePreviousHashTheContentDigestAndTheInstant()
    {
        var id = await StreamAsync(2);
        var events = await fx.Store.ReadStreamAsync(id);
        // docs/architecture.md, chain format 2: digest = SHA-256(UTF-8 of id, stream, version, type, canonical data, canonical metadata
        // joined by \n); hash = SHA-256(previous hash ‖ digest ‖ recorded-at µs since 1970, 8 bytes big-endian); canonical JSON: keys
        // sorted, no spaces. The first event's previous hash is 32 zero bytes.
        var previous = new byte[32];
        foreach (var e in events)
        {
            Assert.Equal(2, e.Chain);
            var metadata = $$"""{"actor":"user-1","catalogueVersion":"2026.11.21+test","correlationId":"01900000-0000-7000-8000-0000000000cc"}""";
            var data = $$"""{"date":"{{e.Data.GetProperty("date").GetString()}}","n":{{e.Data.GetProperty("n").GetInt32()}}}""";
            var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{e.EventId:D}\n{id:D}\n{e.Version}\nEntered.v1\n{data}\n{metadata}"));
            var micros = BitConverter.GetBytes(e.RecordedAt.ToUnixTimeTicks() / 10);
            if (BitConverter.IsLittleEndian) Array.Reverse(micros);
            var expected = SHA256.HashData([.. previous, .. digest, .. micros]);
            Assert.Equal(Convert.ToHexStringLower(expected), Convert.ToHexStringLower(e.Hash));
            previous = expected;
        }
    }

    /// <summary>Events hashed before migration 0011 (chain format 1, computed here as that format was documented) still verify, and an
    /// edit of one is still found.</summary>
    [Fact]
    public async Task AStreamOfTheFirstChainFormat_StillVerifies_AndAnEditIsFound()
    {
        var id = Guid.CreateVersion7();
        var previous = new byte[32];
        const string metadata = """{"actor":"user-1","correlationId":"01900000-0000-7000-8000-0000000000cc"}""";
        var recordedAt = DateTime.UtcNow.AddDays(-400);
        recordedAt = recordedAt.AddTicks(-(recordedAt.Ticks % 10));
        var micros = (recordedAt - DateTime.UnixEpoch).Ticks / 10;
        await Sql("INSERT INTO streams (id, type, tenant, version, last_hash) VALUES ($1, 'case', 'h', 2, $2)", id, previous);
        for (var v = 1; v <= 2; v++)
        {
            var eventId = Guid.CreateVersion7();
            var data = $$"""{"date":"2024-05-0{{v}}"}""";
            previous = SHA256.HashData([.. previous, .. Encoding.UTF8.GetBytes($"{eventId:D}\n{id:D}\n{v}\nEntered.v1\n{data}\n{metadata}\n{micros}")]);
            await Sql("INSERT INTO events (id, stream_id, version, type, data, metadata, recorded_at, hash, chain) VALUES ($1, $2, $3, 'Entered.v1', $4::jsonb, $5::jsonb, $6, $7, 1)",
                eventId, id, (long)v, data, metadata, recordedAt, previous);
        }
        await Sql("UPDATE streams SET last_hash = $2 WHERE id = $1", id, previous);
        Assert.True((await fx.Store.VerifyAsync(id)).Intact);

        await fx.Store.AppendAsync(id, "case", "h", 2, [new NewEvent(Guid.CreateVersion7(), "Exited.v1", """{"date":"2024-05-09"}""")], Meta);
        Assert.Equal(new[] { 1, 1, 2 }, (await fx.Store.ReadStreamAsync(id)).Select(e => e.Chain));
        Assert.True((await fx.Store.VerifyAsync(id)).Intact); // format 2 chains on from a format-1 head

        await Sql("""UPDATE events SET data = '{"date":"2024-04-30"}' WHERE stream_id = $1 AND version = 1""", id);
        Assert.Equal(1, (await fx.Store.VerifyAsync(id)).BrokenAtVersion);
    }

    [Fact]
    public void ContentDigest_IsTheDocumentedLayout_ForEveryLengthOfTypeAndData()
    {
        // Every size of its one buffer, across the array pool's powers of two: a buffer sized too small would throw or cut the text.
        var (id, stream) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        const string metadata = """{"actor":"user-1"}""";
        for (var n = 0; n < 1100; n++)
        {
            var type = "T" + new string('y', n % 41) + ".v1";
            var data = $$"""{"d":"{{new string('x', n)}}"}""";
            var version = 1L + n * 9_000_000_000_000_000L / 1100; // 1 to 19 digits
            var expected = SHA256.HashData(Encoding.UTF8.GetBytes($"{id:D}\n{stream:D}\n{version}\n{type}\n{data}\n{metadata}"));
            Assert.Equal(expected, PostgresEventStore.ContentDigest(id, stream, version, type, Encoding.UTF8.GetBytes(data), Encoding.UTF8.GetBytes(metadata)));
        }
    }

    [Fact]
    public async Task OneStreamsVerify_ReportsThatStream_NotAnother()
    {
        var older = await StreamAsync(2);
        await Sql("""UPDATE events SET data = '{"date":"2024-01-01","n":0}' WHERE stream_id = $1 AND version = 1""", older);
        var newer = await StreamAsync(1);
        var broken = await fx.Store.VerifyAsync(older);
        Assert.Equal((older, false, 1L), (broken.StreamId, broken.Intact, broken.BrokenAtVersion));
        Assert.Equal("stored hash does not match the event's content and the previous hash", broken.Problem);
        Assert.Equal((newer, true), ((await fx.Store.VerifyAsync(newer)).StreamId, (await fx.Store.VerifyAsync(newer)).Intact));
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
        // Enough streams for progress to be reported on the way, not only at the end.
        await using (var connection = await fx.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await PostgresEventStore.AppendManyAsync(connection, tx, [.. Enumerable.Range(0, 1000).Select(_ => new StreamAppend(Guid.CreateVersion7(), "case", "h", 0,
                [new NewEvent(Guid.CreateVersion7(), "Entered.v1", """{"date":"2024-05-01"}""")]))], Meta);
            await tx.CommitAsync();
        }
        await Sql("""UPDATE events SET data = '{"date":"2024-01-01","n":0}' WHERE stream_id = $1 AND version = 1""", broken);
        var progress = new List<long>();
        var (streams, bad) = await fx.Store.VerifyAllAsync(new Progress(progress));
        await using var count = fx.DataSource.CreateCommand("SELECT count(*) FROM streams");
        Assert.Equal((long)(await count.ExecuteScalarAsync())!, streams);
        Assert.Contains(bad, b => b.StreamId == broken && b.BrokenAtVersion == 1);
        Assert.DoesNotContain(bad, b => b.StreamId == intact);
        Assert.Equal(streams, progress[^1]);
        // Reported every 1,000 streams and at the end: rising, never past the count.
        Assert.True(streams >= 1000);
        Assert.Equal(Enumerable.Range(1, (int)(streams / 1000)).Select(i => i * 1000L).Append(streams), progress);
    }

    [Fact]
    public async Task WholeStore_AStreamLongerThanTheCheckersBatches_IsLinkedAcrossThem_AndAnEditDeepInItIsFound()
    {
        var id = Guid.CreateVersion7();
        await using (var connection = await fx.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            // 9,000 events: more than two of verify's batches of 4,096 rows, so the chain is carried from batch to batch.
            await PostgresEventStore.AppendManyAsync(connection, tx, [new StreamAppend(id, "case", "h", 0,
                [.. Enumerable.Range(0, 9000).Select(n => new NewEvent(Guid.CreateVersion7(), "Entered.v1", $$"""{"date":"2024-05-01","n":{{n}}}"""))])], Meta);
            await tx.CommitAsync();
        }
        var (_, before) = await fx.Store.VerifyAllAsync();
        Assert.DoesNotContain(before, b => b.StreamId == id);
        await Sql("""UPDATE events SET data = '{"date":"2024-05-01","n":-1}' WHERE stream_id = $1 AND version = 6000""", id);
        var (_, after) = await fx.Store.VerifyAllAsync();
        var broken = Assert.Single(after, b => b.StreamId == id);
        Assert.Equal((6000L, 6000L), (broken.BrokenAtVersion!.Value, broken.EventsChecked));
    }

    [Fact]
    public async Task EventsWhoseStreamRowIsGone_AreReported()
    {
        // No foreign key holds events to their stream (ADR 11): an insider who deletes the stream row leaves events verify names.
        var id = await StreamAsync(2);
        await Sql("DELETE FROM streams WHERE id = $1", id);
        var result = await fx.Store.VerifyAsync(id);
        Assert.Equal((false, "no stream row for these events", 2L), (result.Intact, result.Problem, result.EventsChecked));
        Assert.Contains((await fx.Store.VerifyAllAsync()).Broken, b => b.StreamId == id && b.Problem == "no stream row for these events");
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

        // The same in a caller's transaction (CaseFlow's own appends): the failed statement aborted it, so nothing more may be asked
        // in it; the error is still the concurrency error, and nothing was written.
        await using var connection = await fx.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var inTransaction = await Assert.ThrowsAsync<ConcurrencyException>(() =>
            PostgresEventStore.AppendAsync(connection, tx, id, "case", "h", 1, [new NewEvent(Guid.CreateVersion7(), "Exited.v1", "{}")], Meta));
        Assert.Equal((id, 1L), (inTransaction.StreamId, inTransaction.ExpectedVersion));
        await tx.RollbackAsync();
        Assert.Equal(2, (await fx.Store.ReadStreamAsync(id)).Count);
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
