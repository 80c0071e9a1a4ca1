using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Alerts;

public sealed record AlertView(Guid Id, Guid CaseId, Guid HostPartyId, string Kind, string Level, LocalDate Due, LocalDate RaisedOn, string Message, string Rule,
    int? FineArticle, decimal? FineMci, decimal? FineTenge, string State, string? AcknowledgedBy, string? ResolvedBy, string? Resolution);

/// <summary>Reading the alerts table: the inbox, one alert, the cases with open alerts, a host party's open alerts.</summary>
public sealed partial class AlertProjection
{
    private const string ViewColumns =
        "id, case_id, host_party_id, kind, level, due, raised_on, message, rule, fine_article, fine_mci, fine_tenge, state, acknowledged_by, resolved_by, resolution";

    /// <summary>The inbox: alerts of the host parties, optionally of one kind and state ("open": not resolved), newest first, at most 500.</summary>
    public static async Task<IReadOnlyList<AlertView>> ListAsync(NpgsqlDataSource db, IReadOnlyCollection<Guid> hostParties, string? kind, string? state, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"""
            SELECT {ViewColumns}
            FROM alerts WHERE host_party_id = ANY($1) AND ($2::text IS NULL OR kind = $2)
              AND ($3::text IS NULL OR state = $3 OR ($3 = 'open' AND state <> 'resolved'))
            ORDER BY raised_on DESC, due, kind LIMIT 500
            """);
        command.Parameters.Add(new() { Value = hostParties.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = (object?)kind ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)state ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return await ReadAsync(command, ct);
    }

    public static async Task<AlertView?> FindAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {ViewColumns} FROM alerts WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return (await ReadAsync(command, ct)).SingleOrDefault();
    }

    /// <summary>A host party's open alerts by due date (the daily digest).</summary>
    public static async Task<IReadOnlyList<AlertView>> OpenAsync(NpgsqlDataSource db, Guid hostParty, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"SELECT {ViewColumns} FROM alerts WHERE host_party_id = $1 AND state <> 'resolved' ORDER BY due, kind");
        command.Parameters.Add(new() { Value = hostParty });
        return await ReadAsync(command, ct);
    }

    /// <summary>Every case with an alert not yet resolved (the sweep may have to resolve it).</summary>
    public static async Task<IReadOnlyList<Guid>> CasesWithOpenAlertsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT DISTINCT case_id FROM alerts WHERE state <> 'resolved'");
        var ids = new List<Guid>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) ids.Add(row.GetGuid(0));
        return ids;
    }

    private static async Task<IReadOnlyList<AlertView>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var list = new List<AlertView>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
            list.Add(new AlertView(
                row.GetGuid(0), row.GetGuid(1), row.GetGuid(2), row.GetString(3), row.GetString(4), LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(5)),
                LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(6)), row.GetString(7), row.GetString(8), row.IsDBNull(9) ? null : row.GetInt32(9),
                row.IsDBNull(10) ? null : row.GetDecimal(10), row.IsDBNull(11) ? null : row.GetDecimal(11), row.GetString(12),
                row.IsDBNull(13) ? null : row.GetString(13), row.IsDBNull(14) ? null : row.GetString(14), row.IsDBNull(15) ? null : row.GetString(15)));
        return list;
    }
}
