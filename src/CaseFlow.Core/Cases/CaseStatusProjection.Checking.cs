using System.Security.Cryptography;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Projections;
using CaseFlow.Core.Security;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using NodaTime;
using Npgsql;

namespace CaseFlow.Core.Cases;

public sealed partial class CaseStatusProjection
{
    /// <summary>
    /// Compares every status row with what the case's events say now (ADR 26): someone who edited <c>case_status</c> in SQL, or a host
    /// party's size changed since a case's last event, shows as drift. With <paramref name="repair"/> each drifted row is written again
    /// from the events (a row no case has is deleted), in a short transaction per page that holds the cases' stream rows, so a case
    /// appended to meanwhile is left to its own append. Reads the cases in pages of <paramref name="page"/>, in id order.
    /// </summary>
    public static Task<RowCheckResult> CheckAsync(NpgsqlDataSource db, DataKeys dataKeys, RuleCatalogue catalogue, Instant now, bool repair,
        CancellationToken ct, int page = 500) =>
        RowCheck.RunAsync(db, async (connection, ids, fix, token) =>
            {
                var (drifts, loaded) = await CompareAsync(connection, dataKeys, catalogue, ids, token);
                return (drifts, fix && drifts.Count > 0 ? await RepairAsync(connection, catalogue, [.. drifts.Select(d => loaded[d.Id])], now, token) : 0);
            },
            "SELECT case_id, case_id FROM case_status WHERE case_id > $1 ORDER BY case_id LIMIT $2",
            "DELETE FROM case_status WHERE case_id = ANY($1)",
            repair, page, ct);

    /// <summary>The drifted rows of <paramref name="ids"/>, and the cases as their events say (a case whose events do not read is skipped: verify names it).</summary>
    private static async Task<(List<RowDrift> Drifts, Dictionary<Guid, LoadedCase> Loaded)> CompareAsync(NpgsqlConnection connection, DataKeys dataKeys,
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
        var drifts = new List<RowDrift>();
        foreach (var c in loaded.Values.OrderBy(c => c.Id.Value))
        {
            var expected = Values(c, Compute(c, catalogue, sizes.GetValueOrDefault(c.HostPartyId)), Instant.FromUnixTimeSeconds(0));
            var columns = stored.TryGetValue(c.Id.Value, out var row) ? DifferingColumns(c, expected, row) : [RowCheck.WholeRow];
            if (columns.Count > 0) drifts.Add(new RowDrift(c.Id.Value, columns));
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
            for (var j = 0; j < Checked.Compared.Length; j++) values[Checked.Compared[j]] = row.IsDBNull(j) ? null : row.GetValue(j); // date as DateOnly, numeric as decimal, bytea[] as byte[][]
            rows[row.GetGuid(0)] = values;
        }
        return rows;
    }

    private static List<string> DifferingColumns(LoadedCase c, object?[] expected, object?[] stored)
    {
        var columns = new List<string>();
        foreach (var i in Checked.Compared)
        {
            var same = RowColumns[i].Name == "personal" ? SamePersonal(c, expected[i] is null, stored[i] as byte[]) : RowCheck.Same(expected[i], stored[i]);
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

    /// <summary>Writes the cases' rows again from their events, holding their stream rows: a case whose stream moved since it was read is left.</summary>
    private static async Task<long> RepairAsync(NpgsqlConnection connection, RuleCatalogue catalogue, IReadOnlyList<LoadedCase> cases, Instant now, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        var current = await RowCheck.UnmovedAsync(connection, tx, cases.ToDictionary(c => c.Id.Value, c => c.Version), ct);
        var unmoved = cases.Where(c => current.Contains(c.Id.Value)).ToList();
        var sizes = await HostPartyStore.SizesAsync(connection, tx, unmoved.Select(c => c.HostPartyId), ct);
        await using var batch = new NpgsqlBatch(connection, tx);
        foreach (var c in unmoved) batch.BatchCommands.Add(Upsert(c, Compute(c, catalogue, sizes.GetValueOrDefault(c.HostPartyId)), now));
        if (unmoved.Count > 0) await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return unmoved.Count;
    }
}
