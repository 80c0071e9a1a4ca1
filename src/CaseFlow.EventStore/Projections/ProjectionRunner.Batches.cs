using System.Globalization;
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

    /// <summary>Records the poison event; with <see cref="PoisonPolicy.Skip"/> moves past it and returns true, else fails the projection.</summary>
    private async Task<bool> PoisonAsync(GlobalPosition from, RecordedEvent e, Exception error, bool shadow, CancellationToken ct)
    {
        var skip = projection.Policy == PoisonPolicy.Skip;
        await using var connection = await Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var record = new NpgsqlCommand("INSERT INTO projection_errors (projection, event_id, event_seq, error, action) VALUES ($1, $2, $3, $4, $5)", connection, tx))
        {
            record.Parameters.Add(new() { Value = projection.Name });
            record.Parameters.Add(new() { Value = e.EventId });
            record.Parameters.Add(new() { Value = e.Sequence });
            record.Parameters.Add(new() { Value = $"{error.GetType().Name}: {error.Message}" });
            record.Parameters.Add(new() { Value = skip ? "skipped" : "paused" });
            await record.ExecuteNonQueryAsync(ct);
        }
        var message = $"event {e.EventId} (seq {e.Sequence}, {e.Type}): {error.GetType().Name}: {error.Message}";
        if (skip)
            await AdvanceAsync(connection, tx, from, e.Position, 0, shadow, ct, message); // skipped: not counted as processed
        else
            await SetAsync(connection, tx, "state = 'failed', last_error = $2", message, ct);
        await tx.CommitAsync(ct);
        return skip;
    }

    private async Task AdvanceAsync(NpgsqlConnection connection, NpgsqlTransaction tx, GlobalPosition from, GlobalPosition to, int count, bool shadow, CancellationToken ct,
        string? error = null)
    {
        var (txColumn, seqColumn, counter) = shadow ? ("rebuild_tx", "rebuild_seq", "rebuild_processed") : ("position_tx", "position_seq", "processed");
        await using var command = new NpgsqlCommand($"""
            UPDATE projections SET {txColumn} = $4::text::xid8, {seqColumn} = $5, {counter} = COALESCE({counter}, 0) + $6, node = $7, heartbeat_at = now(),
                                   updated_at = now(), last_error = COALESCE($8, last_error)
            WHERE name = $1 AND {txColumn} = $2::text::xid8 AND {seqColumn} = $3
            """, connection, tx);
        command.Parameters.Add(new() { Value = projection.Name });
        command.Parameters.Add(new() { Value = from.Transaction.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = from.Sequence });
        command.Parameters.Add(new() { Value = to.Transaction.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = to.Sequence });
        command.Parameters.Add(new() { Value = (long)count });
        command.Parameters.Add(new() { Value = node });
        command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        if (await command.ExecuteNonQueryAsync(ct) != 1) throw new CheckpointMovedException();
    }

    private sealed class CheckpointMovedException : Exception;
}
