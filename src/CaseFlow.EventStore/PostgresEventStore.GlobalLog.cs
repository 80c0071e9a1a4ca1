using System.Globalization;
using NodaTime;

namespace CaseFlow.EventStore;

/// <summary>Following the global log: the events after a position in (transaction, sequence) order, and how far a reader lags behind.</summary>
public sealed partial class PostgresEventStore
{
    /// <summary>
    /// The safe global-log read after a position ($1 transaction, $2 sequence; at most $3 events): only transactions older than every one
    /// still running, so nothing can later commit behind what was read.
    /// </summary>
    private const string AfterInLogOrder = """
        WHERE tx < pg_snapshot_xmin(pg_current_snapshot()) AND (tx, seq) > ($1::text::xid8, $2)
        ORDER BY tx, seq
        LIMIT $3
        """;

    /// <summary>
    /// The next events of the global log after <paramref name="after"/>, in (transaction, sequence) order, at most <paramref name="max"/>.
    /// Only events of transactions older than every transaction still running are returned, so an event that commits later can never
    /// sort before a position already returned: a reader that checkpoints the last position never skips or repeats an event.
    /// </summary>
    public async Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(GlobalPosition after, int max, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand($"SELECT {Columns} FROM events {AfterInLogOrder}");
        command.Parameters.Add(new() { Value = after.Transaction.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = after.Sequence });
        command.Parameters.Add(new() { Value = max });
        return await ReadAsync(command, ct);
    }

    /// <summary>
    /// The streams with events after <paramref name="after"/> (up to <paramref name="max"/> events read, in log order, under the same safe
    /// point as <see cref="ReadAllAsync"/>), leaving out events by <paramref name="excludedActor"/> or of <paramref name="excludedTypes"/>,
    /// and the position reached. Reads ids and positions only, never event data: a follower that only needs to know what changed
    /// (the sweep) skips thousands of events it wrote itself cheaply.
    /// </summary>
    public async Task<(IReadOnlyList<Guid> Streams, GlobalPosition Reached, int Read)> ChangedStreamsAsync(GlobalPosition after, int max, string excludedActor,
        IReadOnlyCollection<string> excludedTypes, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand($"SELECT stream_id, tx::text, seq, (metadata->>'actor' = $4 OR type = ANY($5)) AS excluded FROM events {AfterInLogOrder}");
        command.Parameters.Add(new() { Value = after.Transaction.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = after.Sequence });
        command.Parameters.Add(new() { Value = max });
        command.Parameters.Add(new() { Value = excludedActor });
        command.Parameters.Add(new() { Value = excludedTypes.ToArray() });
        var streams = new HashSet<Guid>();
        var reached = after;
        var read = 0;
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
        {
            read++;
            reached = new GlobalPosition(ulong.Parse(row.GetString(1), CultureInfo.InvariantCulture), row.GetInt64(2));
            if (!row.GetBoolean(3)) streams.Add(row.GetGuid(0));
        }
        return ([.. streams], reached, read);
    }

    /// <summary>A consistent picture of the log to read stream by stream (a rebuild's first pass); dispose it to end its transaction.</summary>
    public Task<LogSnapshot> OpenSnapshotAsync(CancellationToken ct = default) => LogSnapshot.OpenAsync(DataSource, ct);

    /// <summary>How many events there are in all (a rebuild's total).</summary>
    public async Task<long> CountAsync(CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand("SELECT count(*) FROM events");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// The log's head (the sequence number of its last event by position), and for a reader at <paramref name="after"/>: the events it
    /// has yet to read and the age of the oldest of them (zero when none). Every part is read through the events' key (the readiness
    /// check asks this for every projection): no scan of the log.
    /// </summary>
    public async Task<(long Head, long Behind, Duration Age)> LagAsync(GlobalPosition after, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand($$"""
            SELECT ({{LastSequenceSql}}), count(*), coalesce(extract(epoch FROM now() - min(recorded_at)), 0)::float8
            FROM events WHERE (tx, seq) > ($1::text::xid8, $2)
            """);
        command.Parameters.Add(new() { Value = after.Transaction.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = after.Sequence });
        await using var row = await command.ExecuteReaderAsync(ct);
        await row.ReadAsync(ct);
        return (row.GetInt64(0), row.GetInt64(1), Duration.FromSeconds(row.GetDouble(2)));
    }

    /// <summary>The sequence number of the log's last event in position order (0 when the log is empty), read backwards along the
    /// events' key. Not <c>max(seq)</c>: no index serves the sequence number alone (ADR 18), so that would read the whole log.</summary>
    private const string LastSequenceSql = "SELECT coalesce((SELECT seq FROM events ORDER BY tx DESC, seq DESC LIMIT 1), 0)";
}
