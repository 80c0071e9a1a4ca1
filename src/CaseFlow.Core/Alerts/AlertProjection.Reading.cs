using CaseFlow.Core.Input;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Alerts;

public sealed record AlertView(Guid Id, Guid CaseId, Guid HostPartyId, string Kind, string Level, LocalDate Due, LocalDate RaisedOn, string Message, string Rule,
    int? FineArticle, decimal? FineMci, decimal? FineTenge, string State, string? AcknowledgedBy, string? ResolvedBy,
    [property: System.Text.Json.Serialization.JsonIgnore] byte[]? SealedResolution, Instant RaisedAt, Instant? AcknowledgedAt, Instant? ResolvedAt, int Version)
{
    /// <summary>Why it was resolved, opened with the case's key (<see cref="Opened"/>); the row keeps it sealed.</summary>
    public string? Resolution { get; init; }

    /// <summary>The alert with its resolution opened ("[erased]" once the person's data was erased).</summary>
    public AlertView Opened(Security.CaseKeys keys) =>
        this with { Resolution = SealedResolution is null ? null : keys.Open(CaseId, SealedResolution) ?? Domain.Cases.Person.ErasedMark };
}

/// <summary>What the inbox asks for: host parties, optional filters (null = any), a sort key and a page.</summary>
public sealed record AlertQuery(IReadOnlyCollection<Guid> HostParties, string? Kind, string? State, string? Level, Guid? CaseId, string Sort, int Page, int PageSize);

/// <summary>Reading the alerts table: the inbox, one alert, a host party's open alerts.</summary>
public sealed partial class AlertProjection
{
    private const string ViewColumns =
        "id, case_id, host_party_id, kind, level, due, raised_on, message, rule, fine_article, fine_mci, fine_tenge, state, acknowledged_by, resolved_by, resolution, " +
        "raised_at, acknowledged_at, resolved_at, version";

    /// <summary>The inbox's sort keys (a leading '-' reverses one), each made total by the alert id.</summary>
    public static IReadOnlyDictionary<string, string> Sorts { get; } = new Dictionary<string, string>
    {
        ["due"] = "due, id", ["-due"] = "due DESC, id",
        ["raisedAt"] = "raised_at, id", ["-raisedAt"] = "raised_at DESC, id",
        ["fine"] = "fine_mci NULLS FIRST, id", ["-fine"] = "fine_mci DESC NULLS LAST, id",
        ["kind"] = "kind, due, id", ["level"] = "level, due, id",
    };

    public static IReadOnlyList<string> States { get; } = ["raised", "acknowledged", "resolved", "open"];

    /// <summary>A page of the inbox and the number of alerts the filters match ("open": not resolved).</summary>
    public static async Task<(IReadOnlyList<AlertView> Items, long Total)> ListAsync(NpgsqlDataSource db, AlertQuery q, CancellationToken ct)
    {
        // Only the filters asked for are in the statements (SqlFilters says why).
        var sql = new SqlFilters();
        var hosts = sql.Param(q.HostParties.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid);
        if (q.Kind is { } kind) sql.Where($"kind = {sql.Param(kind, NpgsqlDbType.Text)}");
        if (q.State == "open") sql.Where("state <> 'resolved'");
        else if (q.State is { } state) sql.Where($"state = {sql.Param(state, NpgsqlDbType.Text)}");
        if (q.Level is { } level) sql.Where($"level = {sql.Param(level, NpgsqlDbType.Text)}");
        if (q.CaseId is { } caseId) sql.Where($"case_id = {sql.Param(caseId, NpgsqlDbType.Uuid)}");
        var where = $"host_party_id = ANY({hosts}){sql.And}";
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM alerts WHERE {where}");
        sql.AddTo(count.Parameters);
        var pageSize = sql.Param(q.PageSize, NpgsqlDbType.Integer);
        var offset = sql.Param((q.Page - 1) * q.PageSize, NpgsqlDbType.Integer);
        var page = new NpgsqlBatchCommand($"SELECT {ViewColumns} FROM alerts WHERE {where} ORDER BY {Sorts[q.Sort]} LIMIT {pageSize} OFFSET {offset}");
        sql.AddTo(page.Parameters);
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(page);
        batch.BatchCommands.Add(count);
        await using var row = await batch.ExecuteReaderAsync(ct);
        var items = await ReadAsync(row, ct);
        await row.NextResultAsync(ct);
        await row.ReadAsync(ct);
        return (items, row.GetInt64(0));
    }

    public static async Task<AlertView?> FindAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {ViewColumns} FROM alerts WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        await using var row = await command.ExecuteReaderAsync(ct);
        return (await ReadAsync(row, ct)).SingleOrDefault();
    }

    /// <summary>A host party's open alerts by due date (the daily digest).</summary>
    public static async Task<IReadOnlyList<AlertView>> OpenAsync(NpgsqlDataSource db, Guid hostParty, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {ViewColumns} FROM alerts WHERE host_party_id = $1 AND state <> 'resolved' ORDER BY due, kind, id");
        command.Parameters.Add(new() { Value = hostParty });
        await using var row = await command.ExecuteReaderAsync(ct);
        return await ReadAsync(row, ct);
    }

    private static async Task<IReadOnlyList<AlertView>> ReadAsync(NpgsqlDataReader row, CancellationToken ct)
    {
        var list = new List<AlertView>();
        while (await row.ReadAsync(ct))
            list.Add(new AlertView(
                row.GetGuid(0), row.GetGuid(1), row.GetGuid(2), row.GetString(3), row.GetString(4), LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(5)),
                LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(6)), row.GetString(7), row.GetString(8), row.IsDBNull(9) ? null : row.GetInt32(9),
                row.IsDBNull(10) ? null : row.GetDecimal(10), row.IsDBNull(11) ? null : row.GetDecimal(11), row.GetString(12),
                row.IsDBNull(13) ? null : row.GetString(13), row.IsDBNull(14) ? null : row.GetString(14), row.IsDBNull(15) ? null : (byte[])row[15],
                At(row.GetDateTime(16)), row.IsDBNull(17) ? null : At(row.GetDateTime(17)), row.IsDBNull(18) ? null : At(row.GetDateTime(18)), row.GetInt32(19)));
        return list;
    }

    private static Instant At(DateTime value) => Instant.FromDateTimeUtc(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
