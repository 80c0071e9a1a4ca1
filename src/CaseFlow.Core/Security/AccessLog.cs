using System.Threading.Channels;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Security;

/// <summary>One read of personal data: who, when, through which endpoint (its operation id), of which cases.</summary>
public sealed record AccessEntry(long Id, Instant At, Guid UserId, string Endpoint, IReadOnlyList<Guid> CaseIds);

/// <summary>
/// The owner of the <c>access_log</c> table: every read of a person's data is recorded before the data leaves (a read that cannot be
/// logged fails rather than going unrecorded). Append-only to the application (a trigger refuses UPDATE and DELETE); auditors and
/// admins query it per case or per user, ops cannot.
/// </summary>
public static class AccessLog
{
    /// <summary>Many reads' entries in one COPY (one round trip and one commit): <see cref="AccessLogWriter"/>'s group commit.</summary>
    internal static async Task WriteAsync(NpgsqlDataSource db, IReadOnlyList<AccessRecord> records)
    {
        await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
        await using var copy = await connection.BeginBinaryImportAsync("COPY access_log (user_id, endpoint, case_ids) FROM STDIN (FORMAT BINARY)", CancellationToken.None);
        foreach (var record in records)
        {
            await copy.StartRowAsync(CancellationToken.None);
            await copy.WriteAsync(record.UserId.ToString(), NpgsqlDbType.Text, CancellationToken.None);
            await copy.WriteAsync(record.Endpoint, NpgsqlDbType.Text, CancellationToken.None);
            await copy.WriteAsync(record.CaseIds, NpgsqlDbType.Array | NpgsqlDbType.Uuid, CancellationToken.None);
        }
        await copy.CompleteAsync(CancellationToken.None);
    }

    /// <summary>The newest entries (up to <paramref name="limit"/>) naming <paramref name="caseId"/> and/or made by <paramref name="userId"/>.</summary>
    public static async Task<IReadOnlyList<AccessEntry>> QueryAsync(NpgsqlDataSource db, Guid? caseId, Guid? userId, int limit, CancellationToken ct)
    {
        var sql = new Input.SqlFilters();
        if (caseId is { } c) sql.Where($"case_ids @> ARRAY[{sql.Param(c, NpgsqlDbType.Uuid)}]");
        if (userId is { } u) sql.Where($"user_id = {sql.Param(u.ToString(), NpgsqlDbType.Text)}");
        await using var command = db.CreateCommand($"SELECT id, at, user_id, endpoint, case_ids FROM access_log WHERE true{sql.And} ORDER BY id DESC LIMIT {sql.Param(limit, NpgsqlDbType.Integer)}");
        sql.AddTo(command.Parameters);
        var entries = new List<AccessEntry>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
            entries.Add(new AccessEntry(row.GetInt64(0), Instant.FromDateTimeOffset(row.GetFieldValue<DateTimeOffset>(1)), Guid.Parse(row.GetString(2)), row.GetString(3),
                row.GetFieldValue<Guid[]>(4)));
        return entries;
    }
}

/// <summary>One read to record: who, through which endpoint, which cases.</summary>
internal sealed record AccessRecord(Guid UserId, string Endpoint, Guid[] CaseIds);

/// <summary>
/// Group commit for the access log (issue 12's cost on every read, docs/performance.md): each read queues its entry and waits until
/// the entry is durable, so a response still never leaves before its record; one writer flushes whatever has queued meanwhile in one
/// COPY, so 16 concurrent reads cost one round trip and one commit, not 16. A failed flush fails every read waiting on it (a read that
/// cannot be logged fails). The queue is bounded: past <see cref="MaxQueued"/> waiting
/// entries, a read waits for room.
/// </summary>
public sealed class AccessLogWriter : IAsyncDisposable
{
    public const int MaxQueued = 10_000;
    public const int MaxBatch = 1_000;

    private readonly NpgsqlDataSource db;
    private readonly Channel<(AccessRecord Record, TaskCompletionSource Done)> queue =
        Channel.CreateBounded<(AccessRecord, TaskCompletionSource)>(new BoundedChannelOptions(MaxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Task flushing;

    public AccessLogWriter(NpgsqlDataSource db)
    {
        this.db = db;
        flushing = Task.Run(FlushAsync);
    }

    /// <summary>Returns once the entry is committed; throws when it could not be.</summary>
    public async Task RecordAsync(Guid userId, string endpoint, IReadOnlyCollection<Guid> caseIds)
    {
        if (caseIds.Count == 0) return;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Not cancelled with the request: once the data may have left, its record is written.
        await queue.Writer.WriteAsync((new AccessRecord(userId, endpoint, caseIds as Guid[] ?? [.. caseIds]), done), CancellationToken.None);
        await done.Task;
    }

    private async Task FlushAsync()
    {
        var batch = new List<(AccessRecord Record, TaskCompletionSource Done)>(MaxBatch);
        var records = new List<AccessRecord>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
                records.Add(item.Record);
            }
            try
            {
                await AccessLog.WriteAsync(db, records);
                foreach (var (_, done) in batch) done.TrySetResult();
            }
            catch (Exception e)
            {
                foreach (var (_, done) in batch) done.TrySetException(e);
            }
            batch.Clear();
            records.Clear();
        }
    }

    /// <summary>Takes no more entries and writes those already queued.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await flushing;
    }
}
