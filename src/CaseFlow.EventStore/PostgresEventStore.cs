using System.Globalization;
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
/// One file per job: <c>PostgresEventStore.Appending.cs</c>, <c>.Reading.cs</c> (streams), <c>.GlobalLog.cs</c> (following the log), <c>.Verifying.cs</c>
/// (the hash chain); this file holds the row mapping they share.
/// </summary>
public sealed partial class PostgresEventStore(NpgsqlDataSource dataSource)
{
    private static readonly byte[] GenesisHash = new byte[32];

    public NpgsqlDataSource DataSource { get; } = dataSource;

    private const string Columns = "seq, id, stream_id, version, type, data::text AS data_text, metadata::text AS metadata_text, recorded_at, tx::text AS tx_text, hash, chain";

    private static async Task<IReadOnlyList<RecordedEvent>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var result = new List<RecordedEvent>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            using var data = JsonDocument.Parse(reader.GetString(5));
            var seq = reader.GetInt64(0);
            result.Add(new RecordedEvent(
                seq, reader.GetGuid(1), reader.GetGuid(2), reader.GetInt64(3), reader.GetString(4), data.RootElement.Clone(),
                JsonSerializer.Deserialize<EventMetadata>(reader.GetString(6), MetadataJson.Options)!,
                Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(7), DateTimeKind.Utc)),
                new GlobalPosition(ulong.Parse(reader.GetString(8), CultureInfo.InvariantCulture), seq),
                (byte[])reader[9]) { Chain = reader.GetInt16(10) });
        }
        return result;
    }
}

internal static class MetadataJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
