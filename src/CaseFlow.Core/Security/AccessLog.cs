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
    public static async Task RecordAsync(NpgsqlDataSource db, Guid userId, string endpoint, IReadOnlyCollection<Guid> caseIds, CancellationToken ct)
    {
        if (caseIds.Count == 0) return;
        await using var command = db.CreateCommand("INSERT INTO access_log (user_id, endpoint, case_ids) VALUES ($1, $2, $3)");
        command.Parameters.Add(new() { Value = userId.ToString() });
        command.Parameters.Add(new() { Value = endpoint });
        command.Parameters.Add(new() { Value = caseIds as Guid[] ?? [.. caseIds], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        // Not cancelled with the request: once the data may have left, its record is written.
        await command.ExecuteNonQueryAsync(CancellationToken.None);
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
