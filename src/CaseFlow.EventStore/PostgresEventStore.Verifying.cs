using System.Globalization;
using System.Threading.Channels;
using NodaTime;
using Npgsql;

namespace CaseFlow.EventStore;

/// <summary>Verifying the per-stream hash chain: one stream, or the whole store in batches; and the chain hash itself.</summary>
public sealed partial class PostgresEventStore
{
    /// <summary>Recomputes the stream's hash chain from its stored events and reports the first event that does not match.</summary>
    public async Task<VerificationResult> VerifyAsync(Guid streamId, CancellationToken ct = default)
    {
        await using var batch = DataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(string.Format(CultureInfo.InvariantCulture, StreamRows, "WHERE s.id = $1")) { Parameters = { new() { Value = streamId } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(string.Format(CultureInfo.InvariantCulture, OrphanRows, "AND e.stream_id = $1")) { Parameters = { new() { Value = streamId } } });
        VerificationResult? result = null;
        await VerifyRowsAsync(batch, r => result = r, ct);
        return result ?? new VerificationResult(streamId, 0, null, null, "no such stream");
    }

    /// <summary>How many streams there are (what a whole-store verify will check).</summary>
    public async Task<long> StreamCountAsync(CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand("SELECT count(*) FROM streams");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Verifies every stream in one streaming pass over the log in stream order (the streams merged with their events by the
    /// database, not a query per stream); <paramref name="progress"/> gets the count of streams checked so far. Returns the count
    /// and the broken ones, including events whose stream row is gone.
    /// </summary>
    public async Task<(long Streams, IReadOnlyList<VerificationResult> Broken)> VerifyAllAsync(IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var broken = new List<VerificationResult>();
        long streams = 0;
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        // One snapshot for the whole pass, so a stream appended to meanwhile is seen whole or not at all.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using var batch = new NpgsqlBatch(connection, tx)
        {
            Timeout = 0,
            BatchCommands =
            {
                new NpgsqlBatchCommand(string.Format(CultureInfo.InvariantCulture, StreamRows, "")),
                new NpgsqlBatchCommand(string.Format(CultureInfo.InvariantCulture, OrphanRows, "")),
            },
        };
        await VerifyRowsAsync(batch, r =>
        {
            if (!r.Intact) broken.Add(r);
            streams++;
            if (streams % 1000 == 0) progress?.Report(streams);
        }, ct);
        progress?.Report(streams);
        return (streams, broken);
    }

    /// <summary>Stream ids in id order after <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<Guid>> StreamIdsAsync(Guid after, int max, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand("SELECT id FROM streams WHERE id > $1 ORDER BY id LIMIT $2");
        command.Parameters.Add(new() { Value = after });
        command.Parameters.Add(new() { Value = max });
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    /// <summary>
    /// Each stream's head joined with its events, in stream and version order (the event columns null for a stream without events).
    /// Both indexes are already in this order, so the database merges them and streams the rows from the first one (a full join on
    /// a computed key sorted the whole log on disk before sending any).
    /// </summary>
    private const string StreamRows = """
        SELECT s.id, s.version, s.last_hash, e.version, e.seq, e.id, e.type, e.data::text, e.metadata::text, e.recorded_at, e.hash, e.chain
        FROM streams s LEFT JOIN events e ON e.stream_id = s.id
        {0}
        ORDER BY s.id, e.version
        """;

    /// <summary>Events whose stream row is gone (an insider's work: the foreign key forbids it), by stream and version, with no head.</summary>
    private const string OrphanRows = """
        SELECT e.stream_id, NULL::bigint, NULL::bytea, e.version, e.seq, e.id, e.type, e.data::text, e.metadata::text, e.recorded_at, e.hash, e.chain
        FROM events e
        WHERE NOT EXISTS (SELECT 1 FROM streams s WHERE s.id = e.stream_id) {0}
        ORDER BY e.stream_id, e.version
        """;

    /// <summary>Rows handed from the reader to the checker at a time (two batches in flight at most).</summary>
    private const int VerifyBatch = 4096;

    /// <summary>
    /// Walks the rows of <see cref="StreamRows"/> then <see cref="OrphanRows"/> and reports one result per stream, the first problem of each. Two stages on two
    /// cores: this task reads and parses rows into batches; a checker computes each batch's content digests in parallel (canonical
    /// JSON and SHA-256, independent per event), then links the chain in order (one small SHA-256 per event) and judges each stream.
    /// </summary>
    private static async Task VerifyRowsAsync(NpgsqlBatch command, Action<VerificationResult> report, CancellationToken ct)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var batches = Channel.CreateBounded<ChainRow[]>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var checking = Task.Run(async () =>
        {
            try
            {
                var stream = new StreamCheck();
                await foreach (var batch in batches.Reader.ReadAllAsync(cancel.Token))
                {
                    ChainRow.ShareMetadata(batch);
                    Parallel.For(0, batch.Length, i => batch[i].Canonicalize());
                    Parallel.For(0, batch.Length, i => batch[i].Digest());
                    foreach (var row in batch) stream = Check(stream, row, report);
                }
                if (stream.Id != Guid.Empty) report(stream.Result());
            }
            catch
            {
                await cancel.CancelAsync(); // the reader stops instead of waiting for room
                throw;
            }
        }, CancellationToken.None);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancel.Token);
            var batch = new List<ChainRow>(VerifyBatch);
            do
            {
                while (await reader.ReadAsync(cancel.Token))
                {
                    batch.Add(await ChainRow.ReadAsync(reader, cancel.Token));
                    if (batch.Count < VerifyBatch) continue;
                    await batches.Writer.WriteAsync([.. batch], cancel.Token);
                    batch.Clear();
                }
            }
            while (await reader.NextResultAsync(cancel.Token));
            if (batch.Count > 0) await batches.Writer.WriteAsync([.. batch], cancel.Token);
            batches.Writer.Complete();
        }
        catch (Exception e)
        {
            batches.Writer.TryComplete(e);
            // Cancelled by the checker's failure, not the caller: the checker's exception is the one to tell (awaited below).
            if (e is not OperationCanceledException || ct.IsCancellationRequested) throw;
        }
        await checking;
    }

    /// <summary>One stream's chain as the walk has recomputed it so far.</summary>
    private sealed class StreamCheck
    {
        public Guid Id { get; init; }
        public long? HeadVersion { get; set; }
        public byte[]? HeadHash { get; set; }
        public byte[] Hash { get; set; } = GenesisHash;
        /// <summary>Events checked: the walk stops counting at the first problem (a hash mismatch counts its event, a gap does not).</summary>
        public long Checked { get; set; }
        public (long Version, long? Sequence, string Text)? Problem { get; private set; }

        public void Fail(long version, long? sequence, string text) => Problem = (version, sequence, text);

        public VerificationResult Result()
        {
            if (Problem is { } p)
                return new VerificationResult(Id, Checked, p.Version, p.Sequence, p.Text);
            if (HeadVersion is not { } head)
                return new VerificationResult(Id, Checked, Checked, null, "no stream row for these events");
            if (head != Checked)
                return new VerificationResult(Id, Checked, Checked + 1, null, $"stream version {head} but {Checked} events stored");
            if (!HeadHash.AsSpan().SequenceEqual(Hash))
                return new VerificationResult(Id, Checked, Checked, null, "stream head hash does not match the last event");
            return new VerificationResult(Id, Checked, null, null, null);
        }
    }
}
