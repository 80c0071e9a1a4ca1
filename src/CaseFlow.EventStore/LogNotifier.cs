using Npgsql;

namespace CaseFlow.EventStore;

/// <summary>
/// Wakes the projection runners of every node after appends, from outside the appending transactions (ADR 16). A NOTIFY inside the
/// transaction, as <c>append_events</c> sent until migration 0016, makes PostgreSQL serialize the commits of all notifying
/// transactions (each holds a database-wide lock from <c>PreCommit_Notify</c> to the end of its commit). Here an append raises an
/// in-process signal, and one loop per notifier sends <c>NOTIFY</c> on a connection of its own: one for all the appends raised while it
/// sent the last. It may arrive before the append commits; a runner woken to find nothing looks again within milliseconds
/// (<c>ProjectionRunner</c>'s short waits after a wake). Without a notifier (the CLI, a bench) the runners find appends by their poll, as
/// after a lost notification: a wake-up is never what makes an event count.
/// </summary>
public sealed class LogNotifier : IAsyncDisposable
{
    /// <summary>The channel the runners LISTEN on.</summary>
    public const string Channel = "caseflow_events";

    private static event Action<string>? Appended;

    private readonly NpgsqlDataSource db;
    private readonly string database;
    private readonly SemaphoreSlim signal = new(0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private int pending;
    private long sent;
    private long failed;

    public LogNotifier(NpgsqlDataSource db)
        : this(db, sending: true)
    {
    }

    /// <param name="sending">False for a notifier that only collects raises until it is disposed (tests of the last wake-up).</param>
    internal LogNotifier(NpgsqlDataSource db, bool sending)
    {
        this.db = db;
        database = new NpgsqlConnectionStringBuilder(db.ConnectionString).Database ?? "";
        Appended += OnAppended;
        loop = sending ? Task.Run(() => RunAsync(stop.Token)) : Task.CompletedTask;
    }

    /// <summary>
    /// Called by the append paths once the events are written (before the caller's commit): cheap, never blocks, never throws. Each
    /// notifier wakes for the appends to its own database only.
    /// </summary>
    internal static void Raise(NpgsqlConnection connection) => Appended?.Invoke(connection.Database);

    /// <summary>NOTIFYs sent so far.</summary>
    public long Sent => Interlocked.Read(ref sent);

    /// <summary>NOTIFYs that failed (the database out of reach): the runners' poll finds those appends.</summary>
    public long Failed => Interlocked.Read(ref failed);

    private void OnAppended(string appendedTo)
    {
        if (appendedTo != database) return;
        // Raised while one is pending: the pending NOTIFY covers it.
        if (Interlocked.Exchange(ref pending, 1) == 0) signal.Release();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await signal.WaitAsync(ct);
                // Cleared before sending: an append raised from here on gets a NOTIFY of its own after this one.
                Volatile.Write(ref pending, 0);
                await SendAsync(); // not cancelled by disposal: a wake taken from the signal is always sent
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // disposed
        }
    }

    /// <summary>One NOTIFY from a pooled connection, counted as sent or failed (a failure leaves the appends to the runners' poll).</summary>
    private async Task SendAsync()
    {
        try
        {
            await using var notify = db.CreateCommand($"SELECT pg_notify('{Channel}', '')");
            await notify.ExecuteNonQueryAsync();
            Interlocked.Increment(ref sent);
        }
        catch (NpgsqlException)
        {
            Interlocked.Increment(ref failed);
        }
    }

    /// <summary>Stops, sending a last NOTIFY for an append raised since the last one (a short-lived process, the CLI's import, ends with it).</summary>
    public async ValueTask DisposeAsync()
    {
        Appended -= OnAppended;
        await stop.CancelAsync();
        await loop;
        if (Volatile.Read(ref pending) == 1) await SendAsync();
        stop.Dispose();
        signal.Dispose();
    }
}
