using System.Security.Cryptography;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Security;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Cases;

/// <summary>A status row that does not say what the case's events say: the columns that differ (<c>row</c> for a missing or orphan row).</summary>
public sealed record StatusDrift(Guid CaseId, IReadOnlyList<string> Columns);

/// <summary>
/// What a check of the status rows found: the cases read, how many rows drifted (the first <see cref="CaseStatusProjection.DriftsShown"/>
/// of them named) and how many were put right.
/// </summary>
public sealed record StatusCheck(long Cases, long Drifted, IReadOnlyList<StatusDrift> Drifts, long Repaired);

public sealed partial class CaseStatusProjection
{
    /// <summary>How many drifted rows a check names (it counts them all).</summary>
    public const int DriftsShown = 1000;

    /// <summary>The row a case's stream has no status row for, or a status row no case stream has.</summary>
    public const string WholeRow = "row";

    /// <summary>
    /// Compares every status row with what the case's events say now (ADR 26): someone who edited <c>case_status</c> in SQL, or a host
    /// party's size changed since a case's last event, shows as drift. With <paramref name="repair"/> each drifted row is written again
    /// from the events (a row no case has is deleted), in a short transaction per page that holds the cases' stream rows, so a case
    /// appended to meanwhile is left to its own append. Reads the cases in pages of <paramref name="page"/>, in id order.
    /// </summary>
    public static async Task<StatusCheck> CheckAsync(NpgsqlDataSource db, DataKeys dataKeys, RuleCatalogue catalogue, Instant now, bool repair,
        CancellationToken ct, int page = 500)
    {
        var (cases, drifted, repaired, shown) = (0L, 0L, 0L, new List<StatusDrift>());
        var after = Guid.Empty;
        while (true)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            var ids = await CaseIdsAsync(connection, after, page, ct);
            if (ids.Count == 0) break;
            after = ids[^1];
            cases += ids.Count;
            var (drifts, loaded) = await CompareAsync(connection, dataKeys, catalogue, ids, ct);
            drifted += drifts.Count;
            shown.AddRange(drifts.Take(DriftsShown - shown.Count));
            if (repair && drifts.Count > 0) repaired += await RepairAsync(connection, catalogue, [.. drifts.Select(d => loaded[d.CaseId])], now, ct);
        }
        for (after = Guid.Empty; ;)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            var orphans = await OrphansAsync(connection, after, page, ct);
            if (orphans.Count == 0) break;
            after = orphans[^1];
            drifted += orphans.Count;
            shown.AddRange(orphans.Take(DriftsShown - shown.Count).Select(id => new StatusDrift(id, [WholeRow])));
            if (repair) repaired += await DeleteOrphansAsync(connection, orphans, ct);
        }
        return new StatusCheck(cases, drifted, shown, repaired);
    }

    private static async Task<List<Guid>> CaseIdsAsync(NpgsqlConnection connection, Guid after, int page, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT id FROM streams WHERE type = $1 AND id > $2 ORDER BY id LIMIT $3", connection)
        {
            Parameters = { new() { Value = CaseRepository.StreamType }, new() { Value = after }, new() { Value = page } },
        };
        var ids = new List<Guid>(page);
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) ids.Add(row.GetGuid(0));
        return ids;
    }

    /// <summary>The drifted rows of <paramref name="ids"/>, and the cases as their events say (a case whose events do not read is skipped: verify names it).</summary>
    private static async Task<(List<StatusDrift> Drifts, Dictionary<Guid, LoadedCase> Loaded)> CompareAsync(NpgsqlConnection connection, DataKeys dataKeys,
        RuleCatalogue catalogue, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        // One snapshot for the events and the rows: an append between two reads would look like drift.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var streams = (await PostgresEventStore.ReadStreamsAsync(connection, tx, ids, ct)).GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => g.ToList());
        var keys = await dataKeys.LoadAsync(connection, tx, ids, ct);
        var loaded = new Dictionary<Guid, LoadedCase>();
        foreach (var (id, events) in streams)
        {
            try
            {
                loaded[id] = LoadedCase.From(id, events, keys);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // An event no reader knows: the chain check (verify) is what names it; this check has nothing to compare it with.
            }
        }
        var sizes = await HostPartyStore.SizesAsync(connection, tx, loaded.Values.Select(c => c.HostPartyId), ct);
        var stored = await StoredRowsAsync(connection, tx, ids, ct);
        await tx.CommitAsync(ct);
        var drifts = new List<StatusDrift>();
        foreach (var c in loaded.Values.OrderBy(c => c.Id.Value))
        {
            var expected = Values(c, Compute(c, catalogue, sizes.GetValueOrDefault(c.HostPartyId)), Instant.FromUnixTimeSeconds(0));
            var columns = stored.TryGetValue(c.Id.Value, out var row) ? DifferingColumns(c, expected, row) : [WholeRow];
            if (columns.Count > 0) drifts.Add(new StatusDrift(c.Id.Value, columns));
        }
        return (drifts, loaded);
    }

    /// <summary>The columns a check compares (every one but the instant the row was written), made once the row's columns are.</summary>
    private static class Checked
    {
        public static readonly int[] Compared = [.. Enumerable.Range(0, RowColumns.Length).Where(i => RowColumns[i].Name != "updated_at")];

        public static readonly string StoredSql = $"SELECT {string.Join(", ", Compared.Select(i => RowColumns[i].Name))} FROM case_status WHERE case_id = ANY($1)";
    }

    private static async Task<Dictionary<Guid, object?[]>> StoredRowsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Checked.StoredSql, connection, tx) { Parameters = { new() { Value = ids.ToArray() } } };
        var rows = new Dictionary<Guid, object?[]>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
        {
            var values = new object?[RowColumns.Length];
            for (var j = 0; j < Checked.Compared.Length; j++) values[Checked.Compared[j]] = row.IsDBNull(j) ? null : Read(row, j, RowColumns[Checked.Compared[j]].Type);
            rows[row.GetGuid(0)] = values;
        }
        return rows;
    }

    private static object Read(NpgsqlDataReader row, int i, NpgsqlDbType type) => type switch
    {
        NpgsqlDbType.Date => row.GetFieldValue<DateOnly>(i),
        NpgsqlDbType.Numeric => row.GetDecimal(i),
        NpgsqlDbType.Array | NpgsqlDbType.Bytea => row.GetFieldValue<byte[][]>(i),
        _ => row.GetValue(i),
    };

    private static List<string> DifferingColumns(LoadedCase c, object?[] expected, object?[] stored)
    {
        var columns = new List<string>();
        foreach (var i in Checked.Compared)
        {
            var same = RowColumns[i].Name == "personal" ? SamePersonal(c, expected[i] is null, stored[i] as byte[]) : Same(expected[i], stored[i]);
            if (!same) columns.Add(RowColumns[i].Name);
        }
        return columns;
    }

    /// <summary>The sealed summary opens (under the case's key, bound to the case) to what the events say; absent once erased.</summary>
    private static bool SamePersonal(LoadedCase c, bool erased, byte[]? stored)
    {
        if (erased || stored is null) return erased && stored is null;
        try
        {
            return c.Keys.Open(c.Id.Value, stored) == PersonalSummary.Of(c.State.Person!).ToJson();
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static bool Same(object? expected, object? stored) => (expected, stored) switch
    {
        (null, null) => true,
        (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
        (byte[][] a, byte[][] b) => a.Length == b.Length && a.Zip(b).All(p => p.First.AsSpan().SequenceEqual(p.Second)),
        (Guid or long or string or bool or DateOnly or decimal, _) => expected.Equals(stored),
        _ => false,
    };

    /// <summary>Writes the cases' rows again from their events, holding their stream rows: a case whose stream moved since it was read is left.</summary>
    private static async Task<long> RepairAsync(NpgsqlConnection connection, RuleCatalogue catalogue, IReadOnlyList<LoadedCase> cases, Instant now, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        var read = cases.ToDictionary(c => c.Id.Value);
        var unmoved = new List<LoadedCase>();
        await using (var command = new NpgsqlCommand("SELECT id, version FROM streams WHERE id = ANY($1) ORDER BY id FOR UPDATE", connection, tx) { Parameters = { new() { Value = read.Keys.ToArray() } } })
        await using (var row = await command.ExecuteReaderAsync(ct))
            while (await row.ReadAsync(ct))
                if (read[row.GetGuid(0)] is var c && c.Version == row.GetInt64(1)) unmoved.Add(c);
        var sizes = await HostPartyStore.SizesAsync(connection, tx, unmoved.Select(c => c.HostPartyId), ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        foreach (var c in unmoved) batch.BatchCommands.Add(Upsert(c, Compute(c, catalogue, sizes.GetValueOrDefault(c.HostPartyId)), now));
        if (unmoved.Count > 0) await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return unmoved.Count;
    }

    /// <summary>Status rows no case stream has, after <paramref name="after"/> in id order, at most <paramref name="page"/>.</summary>
    private static async Task<List<Guid>> OrphansAsync(NpgsqlConnection connection, Guid after, int page, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT cs.case_id FROM case_status cs
            WHERE cs.case_id > $2 AND NOT EXISTS (SELECT 1 FROM streams s WHERE s.id = cs.case_id AND s.type = $1) ORDER BY cs.case_id LIMIT $3
            """, connection) { Parameters = { new() { Value = CaseRepository.StreamType }, new() { Value = after }, new() { Value = page } } };
        var ids = new List<Guid>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) ids.Add(row.GetGuid(0));
        return ids;
    }

    private static async Task<long> DeleteOrphansAsync(NpgsqlConnection connection, List<Guid> orphans, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            DELETE FROM case_status cs WHERE cs.case_id = ANY($1) AND NOT EXISTS (SELECT 1 FROM streams s WHERE s.id = cs.case_id AND s.type = $2)
            """, connection) { Parameters = { new() { Value = orphans.ToArray() }, new() { Value = CaseRepository.StreamType } } };
        return await command.ExecuteNonQueryAsync(ct);
    }
}
