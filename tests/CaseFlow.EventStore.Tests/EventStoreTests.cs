using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using NodaTime;
using Npgsql;

namespace CaseFlow.EventStore.Tests;

public class EventStoreTests(EventStoreFixture fx) : IClassFixture<EventStoreFixture>
{
    private static readonly EventMetadata Meta = new("user-1", Guid.NewGuid(), null, "2026.11.21+test");

    private static NewEvent Event(string type = "Entered.v1", string data = """{"date":"2024-05-03","borderPoint":"ALA"}""") =>
        new(Guid.CreateVersion7(), type, data);

    [Fact]
    public async Task Append_NewStream_VersionsFromOne_MetadataKept()
    {
        var id = Guid.CreateVersion7();
        var recorded = await fx.Store.AppendAsync(id, "case", "host-1", 0, [Event(), Event("Notified.v1", """{"date":"2024-05-06"}""")], Meta);
        Assert.Equal([1L, 2L], recorded.Select(r => r.Version));
        var read = await fx.Store.ReadStreamAsync(id);
        Assert.Equal(recorded.Select(r => r.EventId), read.Select(r => r.EventId));
        Assert.Equal(Meta, read[0].Metadata);
        Assert.Equal("Notified.v1", read[1].Type);
        Assert.Equal("2024-05-06", read[1].Data.GetProperty("date").GetString());
        Assert.Equal(2, await fx.Store.StreamVersionAsync(id));
    }

    [Fact]
    public async Task Append_StaleVersion_ConcurrencyError_WritesNothing_TakesNoSequence()
    {
        var id = Guid.CreateVersion7();
        await fx.Store.AppendAsync(id, "case", "host-1", 0, [Event()], Meta);
        var before = await MaxSequence();
        var error = await Assert.ThrowsAsync<ConcurrencyException>(() => fx.Store.AppendAsync(id, "case", "host-1", 0, [Event()], Meta));
        Assert.Equal(1, error.ActualVersion);
        await Assert.ThrowsAsync<ConcurrencyException>(() => fx.Store.AppendAsync(id, "case", "host-1", 5, [Event()], Meta));
        Assert.Single(await fx.Store.ReadStreamAsync(id));
        // The version check comes first: the failed appends took no identity value (the next append gets before + 1).
        var next = await fx.Store.AppendAsync(Guid.CreateVersion7(), "case", "host-1", 0, [Event()], Meta);
        Assert.Equal(before + 1, next[0].Sequence);
    }

    [Fact]
    public async Task Append_TwoWritersSameVersion_ExactlyOneWins()
    {
        var id = Guid.CreateVersion7();
        await fx.Store.AppendAsync(id, "case", "host-1", 0, [Event()], Meta);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            try
            {
                await fx.Store.AppendAsync(id, "case", "host-1", 1, [Event()], Meta);
                return true;
            }
            catch (ConcurrencyException)
            {
                return false;
            }
        }));
        Assert.Equal(1, results.Count(r => r));
        Assert.Equal(2, (await fx.Store.ReadStreamAsync(id)).Count);
    }

    [Fact]
    public async Task InlineProjection_FailureRollsBackTheEvents()
    {
        var id = Guid.CreateVersion7();
        await Assert.ThrowsAsync<InvalidOperationException>(() => fx.Store.AppendAsync(id, "case", "host-1", 0, [Event()], Meta,
            (_, _, _, _) => throw new InvalidOperationException("projection failed")));
        Assert.Empty(await fx.Store.ReadStreamAsync(id));
        Assert.Null(await fx.Store.StreamVersionAsync(id));

        await fx.Store.AppendAsync(id, "case", "host-1", 0, [Event()], Meta, async (connection, tx, appended, ct) =>
        {
            await using (var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS inline_probe (id uuid primary key, n int)", connection, tx))
                await create.ExecuteNonQueryAsync(ct);
            await using var command = new NpgsqlCommand("INSERT INTO inline_probe VALUES ($1, $2)", connection, tx);
            command.Parameters.Add(new() { Value = id });
            command.Parameters.Add(new() { Value = appended.Count });
            await command.ExecuteNonQueryAsync(ct);
        });
        await using var check = fx.DataSource.CreateCommand("SELECT n FROM inline_probe WHERE id = $1");
        check.Parameters.Add(new() { Value = id });
        Assert.Equal(1, await check.ExecuteScalarAsync());
    }

    [Fact]
    public async Task ReadStream_UpToVersion_AndUpToRecordedInstant()
    {
        var id = Guid.CreateVersion7();
        var first = await fx.Store.AppendAsync(id, "case", "host-1", 0, [Event()], Meta);
        await Task.Delay(20);
        await fx.Store.AppendAsync(id, "case", "host-1", 1, [Event("Exited.v1", """{"date":"2024-05-20"}""")], Meta);
        Assert.Single(await fx.Store.ReadStreamAsync(id, toVersion: 1));
        Assert.Single(await fx.Store.ReadStreamAsync(id, recordedAtOrBefore: first[0].RecordedAt));
        Assert.Empty(await fx.Store.ReadStreamAsync(id, recordedAtOrBefore: first[0].RecordedAt - Duration.FromMilliseconds(1)));
        Assert.Equal(2, (await fx.Store.ReadStreamAsync(id, recordedAtOrBefore: SystemClock.Instance.GetCurrentInstant())).Count);
    }

    [Fact]
    public async Task HashChain_VerifiesIntact_AndDetectsAnAlteredEvent()
    {
        var id = Guid.CreateVersion7();
        await fx.Store.AppendAsync(id, "case", "host-1", 0, [Event(), Event("Notified.v1", """{"date":"2024-05-06","amount":1.50}""")], Meta);
        await fx.Store.AppendAsync(id, "case", "host-1", 2, [Event("Exited.v1", """{"date":"2024-05-20"}""")], Meta);
        Assert.True((await fx.Store.VerifyAsync(id)).Intact);

        // A tamperer with SQL access rewrites the business date of version 2.
        Assert.Equal(1, await fx.InsiderSqlAsync("""UPDATE events SET data = jsonb_set(data, '{date}', '"2024-05-04"') WHERE stream_id = $1 AND version = 2""", id));
        var result = await fx.Store.VerifyAsync(id);
        Assert.False(result.Intact);
        Assert.Equal(2, result.BrokenAtVersion);
    }

    [Fact]
    public async Task Events_AreImmutableToTheApplication()
    {
        var id = Guid.CreateVersion7();
        await fx.Store.AppendAsync(id, "case", "host-1", 0, [Event()], Meta);
        await using var delete = fx.DataSource.CreateCommand("DELETE FROM events WHERE stream_id = $1");
        delete.Parameters.Add(new() { Value = id });
        await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task Upcaster_ReadsAnOldShapeAsTheNewType()
    {
        var map = new EventTypeMap(CaseFlow.Domain.Json.CaseFlowJson.Options)
            .Register<EnteredV2>("Entered.v2")
            .Upcast("Entered.v1", "Entered.v2", old => new JsonObject { ["date"] = old["date"]!.DeepClone(), ["borderPoint"] = old["borderPoint"]?.DeepClone() ?? "unknown", ["basis"] = "unknown" });
        var id = Guid.CreateVersion7();
        await fx.Store.AppendAsync(id, "case", "host-1", 0, [Event()], Meta);
        var stored = (await fx.Store.ReadStreamAsync(id))[0];
        Assert.Equal("Entered.v1", stored.Type); // never rewritten
        var upcast = Assert.IsType<EnteredV2>(map.FromRecorded(stored));
        Assert.Equal(new EnteredV2(new LocalDate(2024, 5, 3), "ALA", "unknown"), upcast);
    }

    private sealed record EnteredV2(LocalDate Date, string BorderPoint, string Basis);

    private sealed record NotifiedV1(LocalDate Date);

    [Fact]
    public async Task EventData_ReadBack_IsTheStoredText_ParsedOnDemand_AsAppendedAndAsReplacedByWith()
    {
        var id = Guid.CreateVersion7();
        const string stored = """{"date":"2024-05-06","reference":"caf\u00e9 \"12\""}""";
        var appended = await fx.Store.AppendAsync(id, "case", "host-1", 0, [Event("Notified.v1", stored)], Meta);
        var read = (await fx.Store.ReadStreamAsync(id))[0];
        // Read back: the text PostgreSQL gives for the jsonb (its spacing, \u00e9 decoded, the quotes escaped), before and after the parse.
        const string text = """{"date": "2024-05-06", "reference": "café \"12\""}""";
        Assert.Equal(text, System.Text.Encoding.UTF8.GetString(read.Utf8Data));
        Assert.Equal("café \"12\"", read.Data.GetProperty("reference").GetString());
        Assert.Equal(text, System.Text.Encoding.UTF8.GetString(read.Utf8Data));
        // As the append returns it: the appended value's canonical text (what its digest covers), parsed on demand; the same data.
        Assert.Equal(CanonicalJson.Utf8(stored), appended[0].Utf8Data.ToArray());
        Assert.Equal("2024-05-06", appended[0].Data.GetProperty("date").GetString());
        Assert.Equal("café \"12\"", System.Text.Json.JsonDocument.Parse(appended[0].Utf8Data.ToArray()).RootElement.GetProperty("reference").GetString());
        // Replaced with `with`: the new data wins over the stored text in both.
        var replaced = read with { Data = System.Text.Json.JsonDocument.Parse("""{"date":"2025-01-01"}""").RootElement };
        Assert.Equal("2025-01-01", replaced.Data.GetProperty("date").GetString());
        Assert.Equal("""{"date":"2025-01-01"}""", System.Text.Encoding.UTF8.GetString(replaced.Utf8Data));
        // Deserialized from the text when no upcaster applies.
        var map = new EventTypeMap(CaseFlow.Domain.Json.CaseFlowJson.Options).Register<NotifiedV1>("Notified.v1");
        Assert.Equal(new NotifiedV1(new LocalDate(2024, 5, 6)), map.FromRecorded(read));
    }

    [Fact]
    public async Task Migrations_AreIdempotent()
    {
        Assert.Empty(await Migrator.MigrateAsync(fx.DataSource));
        Assert.True(await Migrator.IsCurrentAsync(fx.DataSource));
    }

    private async Task<long> MaxSequence()
    {
        await using var command = fx.DataSource.CreateCommand("SELECT last_value FROM events_seq_seq");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task APositionIsUnique_AnInsiderCannotWriteASecondEventAtIt_AndNoIndexServesTheSequenceAlone()
    {
        // The runners resume after a checkpoint position (tx, seq): two events at one position would let a runner skip one. Since
        // migration 0018 the position is the events' primary key (the sequence number's own index is gone: nothing looked it up).
        var stream = Guid.CreateVersion7();
        var recorded = await fx.Store.AppendAsync(stream, "probe", "t", 0, [new NewEvent(Guid.CreateVersion7(), "Probe.v1", "{}")], new EventMetadata("u", Guid.NewGuid()));
        var at = recorded[0].Position;
        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => fx.InsiderSqlAsync("""
            INSERT INTO events (seq, id, stream_id, version, type, data, metadata, recorded_at, tx, hash) OVERRIDING SYSTEM VALUE
            VALUES ($1, gen_random_uuid(), $2, 2, 'Probe.v1', '{}', '{}', now(), $3::text::xid8, '\x00')
            """, at.Sequence, stream, at.Transaction.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(Npgsql.PostgresErrorCodes.UniqueViolation, error.SqlState);
        Assert.Equal("events_position", error.ConstraintName);

        await using var indexes = fx.DataSource.CreateCommand("""
            SELECT string_agg(pg_get_indexdef(indexrelid), '; ' ORDER BY indexrelid::regclass::text) FROM pg_index WHERE indrelid = 'events'::regclass
            """);
        var definitions = (string)(await indexes.ExecuteScalarAsync())!;
        Assert.DoesNotContain("(seq)", definitions);
        Assert.Contains("UNIQUE INDEX events_position ON public.events USING btree (tx, seq)", definitions);
    }

    [Fact]
    public async Task Append_AnEventIdAlreadyRecorded_IsRefusedAsADuplicate_NotAsAConcurrencyError_AndNothingIsNotAnAppend()
    {
        // A version conflict is a ConcurrencyException (the caller reloads and retries); an event id recorded before is a different
        // fault (a retried write that already landed, or a bug): it must not be retried as if the stream had moved.
        var first = Guid.CreateVersion7();
        var recorded = await fx.Store.AppendAsync(first, "case", "host-1", 0, [Event()], Meta);
        var second = Guid.CreateVersion7();
        var duplicate = await Assert.ThrowsAsync<PostgresException>(() =>
            fx.Store.AppendAsync(second, "case", "host-1", 0, [new NewEvent(recorded[0].EventId, "Entered.v1", "{}")], Meta));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, duplicate.SqlState);
        Assert.Equal("events_id_key", duplicate.ConstraintName);
        Assert.Null(await fx.Store.StreamVersionAsync(second));

        var nothing = await Assert.ThrowsAsync<ArgumentException>(() => fx.Store.AppendAsync(second, "case", "host-1", 0, [], Meta));
        Assert.Contains("nothing to append", nothing.Message, StringComparison.Ordinal);
    }
}
