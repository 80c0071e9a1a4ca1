using Npgsql;

namespace CaseFlow.EventStore.Projections;

/// <summary>Rebuilding into shadow tables made like the live ones, then swapping them in one transaction; cancellable.</summary>
public sealed partial class ProjectionRunner
{
    /// <summary>Builds the shadow tables from zero, then swaps them for the live ones. Cancellable (cancel_requested): the shadow is dropped.</summary>
    private async Task RebuildAsync(CancellationToken ct)
    {
        var shadowNames = projection.Tables.Select(t => t + ProjectionContext.ShadowSuffix).ToList();
        var deferred = new List<string>();
        await using (var connection = await Db.OpenConnectionAsync(ct))
        {
            // Shadows from the live tables' definitions (migration 0008's function): the migrations stay the one source of table shapes.
            foreach (var table in projection.Tables)
            {
                await using var prepare = new NpgsqlCommand("SELECT caseflow_create_shadow($1, $2)", connection);
                prepare.Parameters.Add(new() { Value = table });
                prepare.Parameters.Add(new() { Value = table + ProjectionContext.ShadowSuffix });
                await prepare.ExecuteNonQueryAsync(ct);
            }
            // The stream pass COPYs every case: the shadows' plain indexes are built once after it (migration 0017), not row by row.
            if (projection is IStreamProjection)
                foreach (var shadow in shadowNames)
                {
                    await using var defer = new NpgsqlCommand("SELECT caseflow_shadow_defer_indexes($1)", connection);
                    defer.Parameters.Add(new() { Value = shadow });
                    deferred.AddRange((string[])(await defer.ExecuteScalarAsync(ct))!);
                }
            await ProjectionTable.StartRebuildAsync(connection, projection.Name, node, await store.CountAsync(ct), ct);
        }

        var position = GlobalPosition.Start;
        if (projection is IStreamProjection streams)
        {
            // The log so far, stream by stream; then the log after the snapshot, in order, as any runner follows it.
            var pass = await StreamPassAsync(streams, ct);
            if (pass is not { } end)
            {
                if ((await ControlAsync(ct)).CancelRequested) await AbandonAsync(shadowNames, ct);
                return;
            }
            position = end;
            await BuildIndexesAsync(deferred, ct);
        }
        while (true)
        {
            var control = await ControlAsync(ct);
            if (control.CancelRequested)
            {
                await AbandonAsync(shadowNames, ct);
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
            await ProjectionTable.CompleteRebuildAsync(connection, tx, projection.Name, ct);
            await tx.CommitAsync(ct);
        }
    }

    /// <summary>The shadows' deferred plain indexes, built after the stream pass and before the catch-up, which deletes and reads by them.</summary>
    private async Task BuildIndexesAsync(IReadOnlyList<string> statements, CancellationToken ct)
    {
        await using var connection = await Db.OpenConnectionAsync(ct);
        foreach (var statement in statements)
        {
            await using var build = new NpgsqlCommand(statement, connection) { CommandTimeout = 0 };
            await build.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>A cancelled rebuild: its shadow tables dropped, the projection back on its live checkpoint.</summary>
    private async Task AbandonAsync(IReadOnlyList<string> shadowNames, CancellationToken ct)
    {
        await using var connection = await Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var drop = new NpgsqlCommand(string.Join("; ", shadowNames.Select(t => $"DROP TABLE IF EXISTS {t}")), connection, tx)) await drop.ExecuteNonQueryAsync(ct);
        await ProjectionTable.AbandonRebuildAsync(connection, tx, projection.Name, ct);
        await tx.CommitAsync(ct);
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
}
