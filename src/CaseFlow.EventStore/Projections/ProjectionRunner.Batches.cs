using Npgsql;

namespace CaseFlow.EventStore.Projections;

/// <summary>A batch applied with its checkpoint in one transaction (compare-and-set on the previous position), retried, and isolated event by event when it keeps failing.</summary>
public sealed partial class ProjectionRunner
{
    /// <summary>
    /// Processes one batch after <paramref name="from"/>: returns how many events were consumed (applied or skipped) and the position
    /// reached. Zero when there was nothing to read, another runner moved the checkpoint, or the projection paused on a poison event.
    /// </summary>
    public async Task<(int Consumed, GlobalPosition Position)> StepAsync(GlobalPosition from, bool shadow, CancellationToken ct)
    {
        var batch = await store.ReadAllAsync(from, options.BatchSize, ct);
        if (batch.Count == 0) return (0, from);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ApplyAsync(from, batch, shadow, ct);
                return (batch.Count, batch[^1].Position);
            }
            catch (CheckpointMovedException)
            {
                return (0, from); // another runner advanced: re-read the control row
            }
            catch (Exception) when (attempt < options.MaxAttempts && !ct.IsCancellationRequested)
            {
                await Task.Delay(options.RetryBackoff * Math.Pow(2, attempt - 1), ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                var consumed = await IsolateAsync(from, batch, shadow, ct);
                return (consumed, consumed == 0 ? from : batch[consumed - 1].Position);
            }
        }
    }

    /// <summary>Applies the batch one event at a time to find the poison event; events before it are applied normally.</summary>
    private async Task<int> IsolateAsync(GlobalPosition from, IReadOnlyList<RecordedEvent> batch, bool shadow, CancellationToken ct)
    {
        var position = from;
        var consumed = 0;
        foreach (var e in batch)
        {
            try
            {
                await ApplyAsync(position, [e], shadow, ct);
            }
            catch (CheckpointMovedException)
            {
                return consumed;
            }
            catch (Exception error) when (!ct.IsCancellationRequested)
            {
                var skipped = await PoisonAsync(position, e, error, shadow, ct);
                return skipped ? consumed + 1 : consumed;
            }
            position = e.Position;
            consumed++;
        }
        return consumed;
    }

    private async Task ApplyAsync(GlobalPosition from, IReadOnlyList<RecordedEvent> batch, bool shadow, CancellationToken ct)
    {
        await using var connection = await Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await projection.ApplyAsync(new ProjectionContext(connection, tx, shadow), batch, ct);
        await AdvanceAsync(connection, tx, from, batch[^1].Position, batch.Count, shadow, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Records the poison event; with <see cref="PoisonPolicy.Skip"/> moves past it (from <paramref name="from"/>; null in a rebuild's
    /// stream pass, which has no checkpoint to move) and returns true, else fails the projection.
    /// </summary>
    private async Task<bool> PoisonAsync(GlobalPosition? from, RecordedEvent e, Exception error, bool shadow, CancellationToken ct)
    {
        var skip = projection.Policy == PoisonPolicy.Skip;
        await using var connection = await Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ProjectionTable.RecordPoisonAsync(connection, tx, projection.Name, e, $"{error.GetType().Name}: {error.Message}", skip ? "skipped" : "paused", ct);
        var message = $"event {e.EventId} (seq {e.Sequence}, {e.Type}): {error.GetType().Name}: {error.Message}";
        if (!skip)
            await ProjectionTable.FailAsync(connection, tx, projection.Name, message, ct);
        else if (from is { } position)
            await AdvanceAsync(connection, tx, position, e.Position, 0, shadow, ct, message); // skipped: not counted as processed
        else
            await ProjectionTable.RecordLastErrorAsync(connection, tx, projection.Name, message, ct);
        await tx.CommitAsync(ct);
        return skip;
    }

    private async Task AdvanceAsync(NpgsqlConnection connection, NpgsqlTransaction tx, GlobalPosition from, GlobalPosition to, int count, bool shadow, CancellationToken ct,
        string? error = null)
    {
        if (!await ProjectionTable.AdvanceAsync(connection, tx, projection.Name, from, to, count, shadow, node, error, ct)) throw new CheckpointMovedException();
    }

    private sealed class CheckpointMovedException : Exception;
}
