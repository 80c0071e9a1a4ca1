using System.Globalization;
using System.Runtime.CompilerServices;
using Npgsql;

namespace CaseFlow.EventStore;

/// <summary>
/// One consistent picture of the global log, read stream by stream (a rebuild's first pass): every event of a transaction older than
/// any still running when it was opened, the same safe rule <see cref="PostgresEventStore.ReadAllAsync"/> follows. <see cref="End"/> is
/// the last position in it, so a reader that goes on from there in log order neither skips nor repeats an event. It holds a read-only
/// repeatable-read transaction (no transaction id: it never holds back the log's safe point) until disposed.
/// </summary>
public sealed class LogSnapshot : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly NpgsqlTransaction transaction;
    private readonly string horizon;

    private LogSnapshot(NpgsqlConnection connection, NpgsqlTransaction transaction, string horizon, GlobalPosition end, long count)
    {
        (this.connection, this.transaction, this.horizon) = (connection, transaction, horizon);
        (End, Count) = (end, count);
    }

    /// <summary>The last event's position in the snapshot (<see cref="GlobalPosition.Start"/> when it holds none).</summary>
    public GlobalPosition End { get; }

    /// <summary>How many events the snapshot holds, of every stream type.</summary>
    public long Count { get; }

    internal static async Task<LogSnapshot> OpenAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var connection = await db.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
            // The first statement fixes the transaction's snapshot; its horizon, last position and count are all of that snapshot.
            await using var command = new NpgsqlCommand("""
                WITH s AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon)
                SELECT s.horizon::text, last.tx::text, last.seq, (SELECT count(*) FROM events WHERE tx < s.horizon)
                FROM s LEFT JOIN LATERAL (SELECT tx, seq FROM events WHERE tx < s.horizon ORDER BY tx DESC, seq DESC LIMIT 1) last ON true
                """, connection, transaction) { CommandTimeout = 0 };
            await using var row = await command.ExecuteReaderAsync(ct);
            await row.ReadAsync(ct);
            var end = row.IsDBNull(1) ? GlobalPosition.Start : new GlobalPosition(ulong.Parse(row.GetString(1), CultureInfo.InvariantCulture), row.GetInt64(2));
            return new LogSnapshot(connection, transaction, row.GetString(0), end, row.GetInt64(3));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The events of every stream of <paramref name="streamTypes"/>, one stream at a time in stream-id order, each in version order.</summary>
    public async IAsyncEnumerable<IReadOnlyList<RecordedEvent>> StreamsAsync(IReadOnlyCollection<string> streamTypes, [EnumeratorCancellation] CancellationToken ct)
    {
        // Rows in the order of the (stream_id, version) key, merged with the streams' key: they flow from the first one. Left to itself
        // the planner hashes both tables on every core and sorts the whole log before the first row, while the rebuild waits.
        await using (var plan = new NpgsqlCommand("SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL enable_hashjoin = off; SET LOCAL enable_sort = off", connection, transaction))
            await plan.ExecuteNonQueryAsync(ct);
        await using var command = new NpgsqlCommand($"""
            SELECT {PostgresEventStore.Columns} FROM events
            WHERE tx < $1::text::xid8 AND stream_id IN (SELECT id FROM streams WHERE type = ANY($2))
            ORDER BY stream_id, version
            """, connection, transaction) { CommandTimeout = 0 };
        command.Parameters.Add(new() { Value = horizon });
        command.Parameters.Add(new() { Value = streamTypes.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        List<RecordedEvent>? stream = null;
        var metadata = new MetadataCache();
        while (await reader.ReadAsync(ct))
        {
            var e = PostgresEventStore.Row(reader, metadata);
            if (stream is not null && stream[0].StreamId != e.StreamId)
            {
                yield return stream;
                stream = null;
            }
            (stream ??= []).Add(e);
        }
        if (stream is not null) yield return stream;
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
