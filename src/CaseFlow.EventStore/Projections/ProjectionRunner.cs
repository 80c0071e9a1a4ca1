using System.Globalization;
using Npgsql;

namespace CaseFlow.EventStore.Projections;

public sealed record ProjectionOptions
{
    public int BatchSize { get; init; } = 500;

    /// <summary>Fallback poll when no NOTIFY arrives.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a node waits before trying again for a projection another node runs.</summary>
    public TimeSpan LockRetry { get; init; } = TimeSpan.FromSeconds(1);

    public int MaxAttempts { get; init; } = 3;

    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>
/// Runs one projection on one node: follows the global log in (tx, seq) order from the projection's checkpoint, applying batches with
/// the checkpoint update in one transaction (a crash never double-applies or skips). Only the node holding the projection's
/// advisory lock runs it; when that node dies its session ends, the lock is released and another node takes over within
/// <see cref="ProjectionOptions.LockRetry"/>. The checkpoint update also checks the previous position, so even two runners that
/// both believed they held the lock could not both apply a batch. Errors are retried with backoff; a poison event is isolated,
/// recorded, and skipped or pauses the projection per its policy. Rebuilds build shadow tables from zero while the live tables keep
/// serving, then swap them in one transaction.
/// </summary>
public sealed class ProjectionRunner(PostgresEventStore store, IProjection projection, ProjectionOptions options, string node)
{
    public const string Channel = "caseflow_events";

    private NpgsqlDataSource Db => store.DataSource;

    /// <summary>
    /// Creates the checkpoint row if missing. The projection's tables come from numbered migrations only: a table that does not exist
    /// stops the runner with a message that says so, rather than a runner that creates it in a shape no migration knows.
    /// </summary>
    public static async Task EnsureAsync(NpgsqlDataSource db, IProjection projection, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        foreach (var table in projection.Tables)
        {
            await using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection);
            exists.Parameters.Add(new() { Value = table });
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!)
                throw new InvalidOperationException($"projection {projection.Name}: table {table} does not exist; create it in a numbered migration (Sql/NNNN_*.sql)");
        }
        await using var row = new NpgsqlCommand("INSERT INTO projections (name) VALUES ($1) ON CONFLICT DO NOTHING", connection);
        row.Parameters.Add(new() { Value = projection.Name });
        await row.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Runs until cancelled: competes for the lock, and while holding it processes, rebuilds, pauses as told.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        await EnsureAsync(Db, projection, ct);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var session = await Db.OpenConnectionAsync(ct);
                if (!await TryLockAsync(session, ct))
                {
                    await Task.Delay(options.LockRetry, ct);
                    continue;
                }
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", session)) await listen.ExecuteNonQueryAsync(ct);
                await LeadAsync(session, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // Whatever went wrong (the database, a bug in a rebuild step), the runner lives on: it records the error, lets go of
                // the lock with its session, and competes again. A runner that died here would leave a frozen projection behind.
                await RecordErrorAsync(e);
                await Task.Delay(options.LockRetry, CancellationToken.None);
            }
        }
    }

    private async Task RecordErrorAsync(Exception e)
    {
        try
        {
            await using var command = Db.CreateCommand("UPDATE projections SET last_error = $2, updated_at = now() WHERE name = $1");
            command.Parameters.Add(new() { Value = projection.Name });
            command.Parameters.Add(new() { Value = $"{e.GetType().Name}: {e.Message}" });
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The database is out of reach: nothing to record to; the next attempt will tell.
        }
    }

    private async Task<bool> TryLockAsync(NpgsqlConnection session, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended('caseflow.projection.' || $1, 0))", session);
        command.Parameters.Add(new() { Value = projection.Name });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task LeadAsync(NpgsqlConnection session, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var control = await ControlAsync(ct);
            if (control.RebuildRequested)
            {
                await RebuildAsync(ct);
                continue;
            }
            if (control.State is "paused" or "failed")
            {
                await WaitAsync(session, ct);
                continue;
            }
            var (consumed, _) = await StepAsync(control.Position, shadow: false, ct);
            if (consumed == 0) await WaitAsync(session, ct);
        }
    }

    private async Task WaitAsync(NpgsqlConnection session, CancellationToken ct)
    {
        await Heartbeat(ct);
        await session.WaitAsync(options.PollInterval, ct);
    }

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

    /// <summary>Builds the shadow tables from zero, then swaps them for the live ones. Cancellable (cancel_requested): the shadow is dropped.</summary>
    private async Task RebuildAsync(CancellationToken ct)
    {
        var shadowNames = projection.Tables.Select(t => t + ProjectionContext.ShadowSuffix).ToList();
        await using (var connection = await Db.OpenConnectionAsync(ct))
        {
            // Shadows from the live tables' definitions (columns, defaults, constraints, indexes): the migrations stay the one source.
            var create = string.Join("; ", projection.Tables.Select(t => $"DROP TABLE IF EXISTS {t}{ProjectionContext.ShadowSuffix}; " +
                $"CREATE TABLE {t}{ProjectionContext.ShadowSuffix} (LIKE {t} INCLUDING ALL)"));
            await using var prepare = new NpgsqlCommand(create, connection);
            await prepare.ExecuteNonQueryAsync(ct);
            await using var reset = new NpgsqlCommand("""
                UPDATE projections SET state = 'rebuilding', rebuild_tx = '0', rebuild_seq = 0, rebuild_processed = 0,
                       rebuild_total = (SELECT count(*) FROM events), node = $2, updated_at = now()
                WHERE name = $1
                """, connection);
            reset.Parameters.Add(new() { Value = projection.Name });
            reset.Parameters.Add(new() { Value = node });
            await reset.ExecuteNonQueryAsync(ct);
        }

        var position = GlobalPosition.Start;
        while (true)
        {
            var control = await ControlAsync(ct);
            if (control.CancelRequested)
            {
                await using var connection = await Db.OpenConnectionAsync(ct);
                await using var cancel = new NpgsqlCommand(
                    $"{string.Join("; ", shadowNames.Select(t => $"DROP TABLE IF EXISTS {t}"))}; " +
                    "UPDATE projections SET state = 'running', rebuild_requested = false, cancel_requested = false, rebuild_tx = NULL, rebuild_seq = NULL WHERE name = $1", connection);
                cancel.Parameters.Add(new() { Value = projection.Name });
                await cancel.ExecuteNonQueryAsync(ct);
                return;
            }
            var (consumed, reached) = await StepAsync(position, shadow: true, ct);
            if (consumed == 0)
            {
                if ((await ControlAsync(ct)).State == "failed") return; // a poison event paused the rebuild; resume restarts it
                if (reached.Equals(position) && (await store.ReadAllAsync(position, 1, ct)).Count == 0) break;
                continue;
            }
            position = reached;
        }

        // Caught up: the live tables were not advanced meanwhile (this node holds the lock), so swap them in one transaction.
        await using (var connection = await Db.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var swap = string.Join("; ", projection.Tables.Select(t => $"DROP TABLE IF EXISTS {t}; ALTER TABLE {t}{ProjectionContext.ShadowSuffix} RENAME TO {t}"));
            await using (var command = new NpgsqlCommand(swap, connection, tx)) await command.ExecuteNonQueryAsync(ct);
            await RenameShadowIndexesAsync(connection, tx, ct);
            await using var checkpoint = new NpgsqlCommand("""
                UPDATE projections SET position_tx = rebuild_tx, position_seq = rebuild_seq, processed = rebuild_processed, state = 'running',
                       rebuild_requested = false, cancel_requested = false, last_error = NULL, updated_at = now()
                WHERE name = $1
                """, connection, tx);
            checkpoint.Parameters.Add(new() { Value = projection.Name });
            await checkpoint.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }
    }

    /// <summary>The swapped-in tables' indexes get back the names the migrations gave the live ones (LIKE names them after the shadow).</summary>
    private async Task RenameShadowIndexesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        foreach (var table in projection.Tables)
        {
            var shadow = table + ProjectionContext.ShadowSuffix;
            var names = new List<string>();
            await using (var list = new NpgsqlCommand("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 AND starts_with(indexname, $2)", connection, tx))
            {
                list.Parameters.Add(new() { Value = table });
                list.Parameters.Add(new() { Value = shadow });
                await using var row = await list.ExecuteReaderAsync(ct);
                while (await row.ReadAsync(ct)) names.Add(row.GetString(0));
            }
            foreach (var name in names)
            {
                await using var rename = new NpgsqlCommand($"ALTER INDEX \"{name}\" RENAME TO \"{table}{name[shadow.Length..]}\"", connection, tx);
                await rename.ExecuteNonQueryAsync(ct);
            }
        }
    }

    private sealed record Control(GlobalPosition Position, string State, bool RebuildRequested, bool CancelRequested);

    private async Task<Control> ControlAsync(CancellationToken ct)
    {
        await using var command = Db.CreateCommand("SELECT position_tx::text, position_seq, state, rebuild_requested, cancel_requested FROM projections WHERE name = $1");
        command.Parameters.Add(new() { Value = projection.Name });
        await using var row = await command.ExecuteReaderAsync(ct);
        await row.ReadAsync(ct);
        return new Control(new GlobalPosition(ulong.Parse(row.GetString(0), CultureInfo.InvariantCulture), row.GetInt64(1)), row.GetString(2), row.GetBoolean(3), row.GetBoolean(4));
    }

    private async Task Heartbeat(CancellationToken ct)
    {
        await using var connection = await Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await SetAsync(connection, tx, "node = $2, heartbeat_at = now()", node, ct);
        await tx.CommitAsync(ct);
    }

    private async Task SetAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string assignments, string value, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"UPDATE projections SET {assignments}, updated_at = now() WHERE name = $1", connection, tx);
        command.Parameters.Add(new() { Value = projection.Name });
        command.Parameters.Add(new() { Value = value });
        await command.ExecuteNonQueryAsync(ct);
    }
}
