using Npgsql;

namespace CaseFlow.EventStore.Projections;

public sealed record ProjectionOptions
{
    public int BatchSize { get; init; } = 500;

    /// <summary>Fallback poll when no NOTIFY arrives (and the longest wait between looks when idle).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a node waits before trying again for a projection another node runs.</summary>
    public TimeSpan LockRetry { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many events (whole streams) a rebuild's stream-by-stream pass folds and COPYs per transaction.</summary>
    public int RebuildBatchEvents { get; init; } = 20_000;

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
/// One file per job: <c>ProjectionRunner.Leading.cs</c> (the advisory lock, the loop, waiting, surviving errors),
/// <c>.Batches.cs</c> (a batch and its checkpoint, retries, poison events), <c>.Rebuilding.cs</c> (shadow tables and the swap),
/// <c>.StreamPass.cs</c> (a rebuild's first pass, stream by stream);
/// the checkpoint row they share is <see cref="ProjectionTable"/>'s.
/// </summary>
public sealed partial class ProjectionRunner(PostgresEventStore store, IProjection projection, ProjectionOptions options, string node)
{
    public const string Channel = LogNotifier.Channel;

    /// <summary>The first wait after a wake that found nothing: the NOTIFY may come before the append that sent it commits.</summary>
    private static readonly TimeSpan ShortestWait = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// The next wait when idle: the poll interval, cut to <see cref="ShortestWait"/> by a wake, then doubling back to the poll interval
    /// while nothing comes.
    /// </summary>
    private TimeSpan? idle;

    /// <summary>When this runner last wrote its heartbeat (at most once a poll interval, however often it wakes).</summary>
    private long lastBeat;

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
        await ProjectionTable.EnsureRowAsync(connection, projection.Name, ct);
    }

    private Task<ProjectionRow> ControlAsync(CancellationToken ct) => ProjectionTable.ReadAsync(Db, projection.Name, ct);

    private async Task Heartbeat(CancellationToken ct)
    {
        await using var connection = await Db.OpenConnectionAsync(ct);
        await ProjectionTable.HeartbeatAsync(connection, null, projection.Name, node, ct);
    }
}
