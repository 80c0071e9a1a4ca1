using CaseFlow.Core.Cases;
using CaseFlow.EventStore;
using Npgsql;

namespace CaseFlow.Core.Projections;

/// <summary>A read-model row that does not say what the events say: the columns that differ (<see cref="RowCheck.WholeRow"/> for a row missing or made up).</summary>
public sealed record RowDrift(Guid Id, IReadOnlyList<string> Columns);

/// <summary>What a check of a read model against the events found: the cases read, the rows drifted (the first <see cref="RowCheck.Shown"/> named), the rows put right.</summary>
public sealed record RowCheckResult(long Cases, long Drifted, IReadOnlyList<RowDrift> Drifts, long Repaired);

/// <summary>
/// The walk every check of an inline read model against the events shares (ADR 26): the case streams in pages, in id order, each page
/// compared (and, asked to, repaired) by the read model's owner; then every row, in pages too, for those whose case is no case stream
/// and, for a read model whose page check reads only some rows of a case, those it did not read.
/// </summary>
public static class RowCheck
{
    /// <summary>How many drifted rows a check names (it counts them all).</summary>
    public const int Shown = 1000;

    public const string WholeRow = "row";

    /// <summary>One page of cases compared with their rows: the drifted rows and how many were repaired.</summary>
    public delegate Task<(IReadOnlyList<RowDrift> Drifts, long Repaired)> PageCheck(NpgsqlConnection connection, IReadOnlyList<Guid> caseIds, bool repair, CancellationToken ct);

    /// <summary>Rows of existing cases that no case's page read (each row's id and its case's): the drifted ones and how many were repaired.</summary>
    public delegate Task<(IReadOnlyList<RowDrift> Drifts, long Repaired)> RowsCheck(NpgsqlConnection connection, IReadOnlyList<(Guid Row, Guid Case)> rows, bool repair,
        CancellationToken ct);

    /// <param name="rowsSql">Selects the read model's rows after <c>$1</c> in its id order, at most <c>$2</c>: each row's id and its case's.</param>
    /// <param name="deleteRowsSql">Deletes the rows of ids <c>$1</c> (rows whose case is no case stream).</param>
    /// <param name="readByPage">Whether a case's page check read a row of it (null: it reads every row of its cases).</param>
    /// <param name="unread">Checks the rows of existing cases that <paramref name="readByPage"/> says their page did not read.</param>
    public static async Task<RowCheckResult> RunAsync(NpgsqlDataSource db, PageCheck check, string rowsSql, string deleteRowsSql, bool repair, int page, CancellationToken ct,
        Func<Guid, Guid, bool>? readByPage = null, RowsCheck? unread = null)
    {
        var (cases, drifted, repaired, shown) = (0L, 0L, 0L, new List<RowDrift>());
        void Found(IReadOnlyCollection<RowDrift> drifts)
        {
            drifted += drifts.Count;
            shown.AddRange(drifts.Take(Shown - shown.Count));
        }
        for (var after = Guid.Empty; ;)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            var ids = await PostgresEventStore.StreamIdsAsync(connection, CaseRepository.StreamType, after, page, ct);
            if (ids.Count == 0) break;
            (after, cases) = (ids[^1], cases + ids.Count);
            var (drifts, fixedRows) = await check(connection, ids, repair, ct);
            Found(drifts);
            repaired += fixedRows;
        }
        // Rows whose case is no case stream: the walk above never reads them.
        for (var after = Guid.Empty; ;)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            var rows = new List<(Guid Row, Guid Case)>(page);
            await using (var command = new NpgsqlCommand(rowsSql, connection) { Parameters = { new() { Value = after }, new() { Value = page } } })
            await using (var row = await command.ExecuteReaderAsync(ct))
                while (await row.ReadAsync(ct)) rows.Add((row.GetGuid(0), row.GetGuid(1)));
            if (rows.Count == 0) break;
            after = rows[^1].Row;
            var known = await PostgresEventStore.StreamsOfTypeAsync(connection, CaseRepository.StreamType, [.. rows.Select(r => r.Case).Distinct()], ct);
            var orphans = rows.Where(r => !known.Contains(r.Case)).Select(r => r.Row).ToArray();
            Found([.. orphans.Select(id => new RowDrift(id, [WholeRow]))]);
            var unseen = rows.Where(r => known.Contains(r.Case) && readByPage?.Invoke(r.Row, r.Case) == false).ToList();
            if (unread is not null && unseen.Count > 0)
            {
                var (drifts, fixedRows) = await unread(connection, unseen, repair, ct);
                Found(drifts);
                repaired += fixedRows;
            }
            if (!repair || orphans.Length == 0) continue;
            await using var delete = new NpgsqlCommand(deleteRowsSql, connection) { Parameters = { new() { Value = orphans } } };
            repaired += await delete.ExecuteNonQueryAsync(ct);
        }
        return new RowCheckResult(cases, drifted, shown, repaired);
    }

    /// <summary>Whether a stored value is the expected one: bytes and arrays of bytes by content, the rest by value.</summary>
    public static bool Same(object? expected, object? stored) => (expected, stored) switch
    {
        (null, null) => true,
        (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
        (byte[][] a, byte[][] b) => a.Length == b.Length && a.Zip(b).All(p => p.First.AsSpan().SequenceEqual(p.Second)),
        (Guid or long or int or string or bool or DateOnly or decimal, _) => expected.Equals(stored),
        (DateTime a, DateTime b) => a.ToUniversalTime() == b.ToUniversalTime(), // timestamptz: the same instant
        _ => false,
    };

    /// <summary>
    /// The streams of <paramref name="versions"/> still at the version read (0: still absent), those present locked until the
    /// transaction ends: a repair writes only theirs, and leaves a stream appended to meanwhile to its own append.
    /// </summary>
    public static async Task<HashSet<Guid>> UnmovedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyDictionary<Guid, long> versions, CancellationToken ct)
    {
        var present = await PostgresEventStore.LockVersionsAsync(connection, tx, [.. versions.Keys], ct);
        return [.. versions.Where(v => present.GetValueOrDefault(v.Key) == v.Value).Select(v => v.Key)];
    }
}
