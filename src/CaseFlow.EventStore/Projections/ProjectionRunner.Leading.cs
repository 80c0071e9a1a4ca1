using Npgsql;

namespace CaseFlow.EventStore.Projections;

/// <summary>
/// Leading: one node runs the projection while it holds the advisory lock; it wakes on NOTIFY (looking again within milliseconds when
/// the wake came before the append committed) or polls, beats, and survives any error.
/// </summary>
public sealed partial class ProjectionRunner
{
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
                try
                {
                    await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", session)) await listen.ExecuteNonQueryAsync(ct);
                    await LeadAsync(session, ct);
                }
                finally
                {
                    await ReleaseAsync(session);
                }
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
            await using var connection = await Db.OpenConnectionAsync(CancellationToken.None);
            await ProjectionTable.RecordLastErrorAsync(connection, null, projection.Name, $"{e.GetType().Name}: {e.Message}", CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The database is out of reach: nothing to record to; the next attempt will tell.
        }
    }

    /// <summary>
    /// Gives up leadership before the session goes back to the pool, which does not reset connections (<see cref="CaseFlowDataSource"/>):
    /// the advisory lock and the LISTEN would otherwise stay with a pooled connection. A session that cannot run this is broken and
    /// is closed rather than pooled, which releases both.
    /// </summary>
    private static async Task ReleaseAsync(NpgsqlConnection session)
    {
        try
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock_all(); UNLISTEN *", session);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection is gone or unusable: the server ended the session, and with it the lock.
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
            // A rebuild a poison event paused stays failed until ops resume it (which restarts it); asking for a rebuild again also clears it.
            if (control.RebuildRequested && control.State != "failed")
            {
                await RebuildAsync(ct);
                continue;
            }
            if (control.State is "paused" or "failed")
            {
                await WaitAsync(session, options.PollInterval, ct);
                continue;
            }
            var (consumed, _) = await StepAsync(control.Position, shadow: false, ct);
            if (consumed > 0) continue;
            // Nothing yet: after a wake look again soon (its append may still be committing), then less and less often.
            var wait = idle ?? options.PollInterval;
            idle = await WaitAsync(session, wait, ct) ? ShortestWait : TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, options.PollInterval.Ticks));
        }
    }

    /// <summary>Waits for a NOTIFY or <paramref name="timeout"/>; true when woken by one. Beats at most once a poll interval.</summary>
    private async Task<bool> WaitAsync(NpgsqlConnection session, TimeSpan timeout, CancellationToken ct)
    {
        if (System.Diagnostics.Stopwatch.GetElapsedTime(lastBeat) >= options.PollInterval)
        {
            await Heartbeat(ct);
            lastBeat = System.Diagnostics.Stopwatch.GetTimestamp();
        }
        return await session.WaitAsync(timeout, ct);
    }
}
