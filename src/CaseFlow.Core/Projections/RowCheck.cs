using CaseFlow.Core.Cases;
using Npgsql;

namespace CaseFlow.Core.Projections;

/// <summary>A read-model row that does not say what the events say: the columns that differ (<see cref="RowCheck.WholeRow"/> for a row missing or made up).</summary>
public sealed record RowDrift(Guid Id, IReadOnlyList<string> Columns);

/// <summary>What a check of a read model against the events found: the cases read, the rows drifted (the first <see cref="RowCheck.Shown"/> named), the rows put right.</summary>
public sealed record RowCheckResult(long Cases, long Drifted, IReadOnlyList<RowDrift> Drifts, long Repaired);

/// <summary>
/// The walk every check of an inline read model against the events shares (ADR 26): the case streams in pages, in id order, each page
/// compared (and, asked to, repaired) by the read model's owner; then the rows no case has, in pages too.
/// </summary>
public static class RowCheck
{
    /// <summary>How many drifted rows a check names (it counts them all).</summary>
    public const int Shown = 1000;

    public const string WholeRow = "row";

    /// <summary>One page of cases compared with their rows: the drifted rows and how many were repaired.</summary>
    public delegate Task<(IReadOnlyList<RowDrift> Drifts, long Repaired)> PageCheck(NpgsqlConnection connection, IReadOnlyList<Guid> caseIds, bool repair, CancellationToken ct);

    /// <param name="orphansSql">Selects the ids of rows no case has after <c>$1</c>, at most <c>$2</c>, in id order.</param>
    /// <param name="deleteOrphansSql">Deletes the rows of ids <c>$1</c> that still have no case.</param>
    public static async Task<RowCheckResult> RunAsync(NpgsqlDataSource db, PageCheck check, string orphansSql, string deleteOrphansSql, bool repair, int page, CancellationToken ct)
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
            var ids = await IdsAsync(connection, $"SELECT id FROM streams WHERE type = '{CaseRepository.StreamType}' AND id > $1 ORDER BY id LIMIT $2", after, page, ct);
            if (ids.Count == 0) break;
            (after, cases) = (ids[^1], cases + ids.Count);
            var (drifts, fixedRows) = await check(connection, ids, repair, ct);
            Found(drifts);
            repaired += fixedRows;
        }
        for (var after = Guid.Empty; ;)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            var orphans = await IdsAsync(connection, orphansSql, after, page, ct);
            if (orphans.Count == 0) break;
            after = orphans[^1];
            Found([.. orphans.Select(id => new RowDrift(id, [WholeRow]))]);
            if (!repair) continue;
            await using var delete = new NpgsqlCommand(deleteOrphansSql, connection) { Parameters = { new() { Value = orphans.ToArray() } } };
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
        _ => false,
    };

    /// <summary>
    /// The streams of <paramref name="versions"/> still at the version read (0: still absent), those present locked until the
    /// transaction ends: a repair writes only theirs, and leaves a stream appended to meanwhile to its own append.
    /// </summary>
    public static async Task<HashSet<Guid>> UnmovedAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyDictionary<Guid, long> versions, CancellationToken ct)
    {
        var present = new Dictionary<Guid, long>();
        await using (var command = new NpgsqlCommand("SELECT id, version FROM streams WHERE id = ANY($1) ORDER BY id FOR UPDATE", connection, tx) { Parameters = { new() { Value = versions.Keys.ToArray() } } })
        await using (var row = await command.ExecuteReaderAsync(ct))
            while (await row.ReadAsync(ct)) present[row.GetGuid(0)] = row.GetInt64(1);
        return [.. versions.Where(v => present.GetValueOrDefault(v.Key) == v.Value).Select(v => v.Key)];
    }

    private static async Task<List<Guid>> IdsAsync(NpgsqlConnection connection, string sql, Guid after, int page, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = after }, new() { Value = page } } };
        var ids = new List<Guid>(page);
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) ids.Add(row.GetGuid(0));
        return ids;
    }
}
