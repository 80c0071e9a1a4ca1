using System.Text.Json;
using NodaTime;
using Npgsql;

namespace CaseFlow.EventStore;

/// <summary>Work done inside the append transaction (an inline projection): it commits with the events or not at all.</summary>
public delegate Task InlineProjection(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<RecordedEvent> appended, CancellationToken ct);

/// <summary>
/// CaseFlow's event store on PostgreSQL. Guarantees (each proven by a test on real PostgreSQL, see docs/architecture.md):
/// optimistic concurrency checked before a global sequence number is taken; events and inline projections in one
/// transaction; a global log that never skips or repeats; a per-stream hash chain; reads to a version or a recorded instant.
/// One file per job: <c>PostgresEventStore.Appending.cs</c>, <c>.Reading.cs</c> (streams), <c>.GlobalLog.cs</c> (following the log), <c>.Snapshot.cs</c>
/// (the log stream by stream in one snapshot, a rebuild's first pass), <c>.Verifying.cs</c>
/// (the hash chain); this file holds the row mapping they share.
/// </summary>
public sealed partial class PostgresEventStore(NpgsqlDataSource dataSource)
{
    private static readonly byte[] GenesisHash = new byte[32];

    public NpgsqlDataSource DataSource { get; } = dataSource;

    /// <summary>
    /// The event columns every read maps with <see cref="Row"/>: the data as text read as its UTF-8 bytes (parsed without a .NET string
    /// in between), the transaction id as PostgreSQL's <c>xid8</c> (an unsigned 64-bit number).
    /// </summary>
    internal const string Columns = "seq, id, stream_id, version, type, data::text AS data_text, metadata::text AS metadata_text, recorded_at, tx, hash, chain";

    private static async Task<IReadOnlyList<RecordedEvent>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var result = new List<RecordedEvent>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        var metadata = new MetadataCache();
        while (await reader.ReadAsync(ct)) result.Add(Row(reader, metadata));
        return result;
    }

    /// <summary>The event of the current row of a reader over <see cref="Columns"/>.</summary>
    internal static RecordedEvent Row(NpgsqlDataReader reader, MetadataCache metadata)
    {
        var seq = reader.GetInt64(0);
        return new RecordedEvent(
            seq, reader.GetGuid(1), reader.GetGuid(2), reader.GetInt64(3), reader.GetString(4), reader.GetFieldValue<byte[]>(5),
            metadata.Parse(reader.GetString(6)),
            Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(7), DateTimeKind.Utc)),
            new GlobalPosition(reader.GetFieldValue<ulong>(8), seq),
            (byte[])reader[9]) { Chain = reader.GetInt16(10) };
    }
}

/// <summary>Parses stored metadata, reusing the previous event's object when the text is the same (the events of one append share it).</summary>
internal sealed class MetadataCache
{
    private string? text;
    private EventMetadata? parsed;

    public EventMetadata Parse(string json)
    {
        if (json != text) (text, parsed) = (json, JsonSerializer.Deserialize<EventMetadata>(json, MetadataJson.Options)!);
        return parsed!;
    }
}

internal static class MetadataJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
