using System.Globalization;
using CaseFlow.EventStore;
using NodaTime;
using NpgsqlTypes;

namespace CaseFlow.Core.Alerts;

/// <summary>A case the sweep could not evaluate or append: what went wrong, how often, since when.</summary>
public sealed record SweepFailure(Guid CaseId, string Error, int Attempts, DateTimeOffset FirstFailedAt, DateTimeOffset LastFailedAt);

/// <summary>The sweep's own tables: <c>sweep_state</c> (the last day swept in full, the log position reached) and <c>sweep_failures</c>.</summary>
public sealed partial class AlertSweeper
{
    private async Task<(LocalDate? LastFull, GlobalPosition Position)> StateAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT last_full_date, position_tx::text, position_seq FROM sweep_state WHERE id = 1");
        await using var row = await command.ExecuteReaderAsync(ct);
        await row.ReadAsync(ct);
        return (row.IsDBNull(0) ? null : LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(0)),
            new GlobalPosition(ulong.Parse(row.GetString(1), CultureInfo.InvariantCulture), row.GetInt64(2)));
    }

    private async Task SaveStateAsync(LocalDate? lastFull, GlobalPosition position, CancellationToken ct)
    {
        await using var command = db.CreateCommand("UPDATE sweep_state SET last_full_date = $1, position_tx = $2::text::xid8, position_seq = $3 WHERE id = 1");
        command.Parameters.Add(new() { Value = (object?)lastFull?.ToDateOnly() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new() { Value = position.Transaction.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = position.Sequence });
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<IReadOnlyList<Guid>> FailedCasesAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT case_id FROM sweep_failures");
        var ids = new List<Guid>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) ids.Add(row.GetGuid(0));
        return ids;
    }

    /// <summary>One statement: the failed cases recorded (attempts counted), the swept ones cleared.</summary>
    private async Task RecordOutcomesAsync(Guid[] swept, IReadOnlyDictionary<Guid, string> failed, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            WITH cleared AS (DELETE FROM sweep_failures WHERE case_id = ANY($1) RETURNING case_id)
            INSERT INTO sweep_failures (case_id, error, attempts, first_failed_at, last_failed_at)
            SELECT u.id, u.error, 1, now(), now() FROM unnest($2::uuid[], $3::text[]) AS u(id, error)
            ON CONFLICT (case_id) DO UPDATE SET error = excluded.error, attempts = sweep_failures.attempts + 1, last_failed_at = now()
            """);
        command.Parameters.Add(new() { Value = swept });
        command.Parameters.Add(new() { Value = failed.Keys.ToArray() });
        command.Parameters.Add(new() { Value = failed.Values.Select(e => e.Length > 2000 ? e[..2000] : e).ToArray() });
        if (swept.Length + failed.Count > 0) await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Ops: the cases the sweep skips because they failed, most recent first.</summary>
    public static async Task<IReadOnlyList<SweepFailure>> FailuresAsync(Npgsql.NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT case_id, error, attempts, first_failed_at, last_failed_at FROM sweep_failures ORDER BY last_failed_at DESC, case_id LIMIT 500");
        var list = new List<SweepFailure>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
            list.Add(new SweepFailure(row.GetGuid(0), row.GetString(1), row.GetInt32(2), Utc(row.GetDateTime(3)), Utc(row.GetDateTime(4))));
        return list;
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
