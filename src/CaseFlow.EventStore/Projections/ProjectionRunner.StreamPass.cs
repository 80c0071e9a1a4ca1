using System.Threading.Channels;

namespace CaseFlow.EventStore.Projections;

/// <summary>A rebuild's first pass for an <see cref="IStreamProjection"/>: the log's snapshot read stream by stream, folded in large batches.</summary>
public sealed partial class ProjectionRunner
{
    /// <summary>
    /// Reads the log's snapshot stream by stream (a reader task parses rows into a queue of at most two batches while this one folds and
    /// COPYs each batch into the shadow tables in its own transaction, counting progress under the shadow checkpoint's compare-and-set),
    /// then moves the shadow checkpoint to the snapshot's end. Returns that end, or null when the rebuild stopped: cancelled, or paused
    /// by a poison event under <see cref="PoisonPolicy.Pause"/>.
    /// </summary>
    private async Task<GlobalPosition?> StreamPassAsync(IStreamProjection streams, CancellationToken ct)
    {
        await using var snapshot = await store.OpenSnapshotAsync(ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var queue = System.Threading.Channels.Channel.CreateBounded<List<IReadOnlyList<RecordedEvent>>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(() => FillAsync(snapshot, streams.StreamTypes, queue.Writer, options.RebuildBatchEvents, stop.Token), stop.Token);
        try
        {
            long applied = 0;
            await foreach (var batch in queue.Reader.ReadAllAsync(ct))
            {
                if ((await ControlAsync(ct)).CancelRequested) return null;
                var count = batch.Sum(s => s.Count);
                if (!await ApplyStreamsAsync(streams, batch, count, ct)) return null;
                applied += count;
            }
            await AdvanceShadowAsync(GlobalPosition.Start, snapshot.End, checked((int)(snapshot.Count - applied)), ct); // events of other stream types
            return snapshot.End;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAny(reading); // FillAsync never throws: its failure completes the queue, which the loop above rethrows
        }
    }

    private static async Task FillAsync(LogSnapshot snapshot, IReadOnlyCollection<string> streamTypes, ChannelWriter<List<IReadOnlyList<RecordedEvent>>> queue, int batchEvents,
        CancellationToken ct)
    {
        try
        {
            var batch = new List<IReadOnlyList<RecordedEvent>>();
            var events = 0;
            await foreach (var stream in snapshot.StreamsAsync(streamTypes, ct))
            {
                batch.Add(stream);
                events += stream.Count;
                if (events < batchEvents) continue;
                await queue.WriteAsync(batch, ct);
                (batch, events) = ([], 0);
            }
            if (batch.Count > 0) await queue.WriteAsync(batch, ct);
            queue.Complete();
        }
        catch (Exception error)
        {
            queue.Complete(error);
        }
    }

    /// <summary>One batch of whole streams with its progress, retried; a batch that keeps failing is isolated. False when the rebuild paused.</summary>
    private async Task<bool> ApplyStreamsAsync(IStreamProjection streams, IReadOnlyList<IReadOnlyList<RecordedEvent>> batch, int count, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteStreamsAsync(streams, batch, count, ct);
                return true;
            }
            catch (Exception) when (attempt < options.MaxAttempts && !ct.IsCancellationRequested)
            {
                await Task.Delay(options.RetryBackoff * Math.Pow(2, attempt - 1), ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                return await IsolateStreamsAsync(streams, batch, ct);
            }
        }
    }

    /// <summary>
    /// Each stream of a failing batch alone; a stream that fails alone goes event by event through the projection's log path, so a
    /// poison event is recorded and handled by the projection's policy as when following the log.
    /// </summary>
    private async Task<bool> IsolateStreamsAsync(IStreamProjection streams, IReadOnlyList<IReadOnlyList<RecordedEvent>> batch, CancellationToken ct)
    {
        foreach (var stream in batch)
        {
            try
            {
                await WriteStreamsAsync(streams, [stream], stream.Count, ct);
                continue;
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // isolate its events below
            }
            foreach (var e in stream)
            {
                try
                {
                    await using var connection = await Db.OpenConnectionAsync(ct);
                    await using var tx = await connection.BeginTransactionAsync(ct);
                    await projection.ApplyAsync(new ProjectionContext(connection, tx, Shadow: true), [e], ct);
                    await AdvanceAsync(connection, tx, GlobalPosition.Start, GlobalPosition.Start, 1, shadow: true, ct);
                    await tx.CommitAsync(ct);
                }
                catch (Exception error) when (!ct.IsCancellationRequested)
                {
                    if (!await PoisonAsync(null, e, error, shadow: true, ct)) return false;
                }
            }
        }
        return true;
    }

    private async Task WriteStreamsAsync(IStreamProjection streams, IReadOnlyList<IReadOnlyList<RecordedEvent>> batch, int count, CancellationToken ct)
    {
        await using var connection = await Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await streams.ApplyStreamsAsync(new ProjectionContext(connection, tx, Shadow: true), batch, ct);
        // Progress under the compare-and-set: the shadow checkpoint stays at the start until the pass ends.
        await AdvanceAsync(connection, tx, GlobalPosition.Start, GlobalPosition.Start, count, shadow: true, ct);
        await tx.CommitAsync(ct);
    }

    private async Task AdvanceShadowAsync(GlobalPosition from, GlobalPosition to, int count, CancellationToken ct)
    {
        await using var connection = await Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await AdvanceAsync(connection, tx, from, to, count, shadow: true, ct);
        await tx.CommitAsync(ct);
    }
}
