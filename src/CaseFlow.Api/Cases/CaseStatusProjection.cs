using CaseFlow.Domain.Cases;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Cases;

/// <summary>The inline case status read model (table case_status), upserted in the append transaction from the folded state.</summary>
public static class CaseStatusProjection
{
    public static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CaseId id, CaseState state, long version, Instant recordedAt, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO case_status (case_id, host_party_id, version, nationality, family_name, given_names, in_country, last_entry, last_exit,
                                     notification_status, last_notified, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (case_id) DO UPDATE SET
                version = EXCLUDED.version, in_country = EXCLUDED.in_country, last_entry = EXCLUDED.last_entry, last_exit = EXCLUDED.last_exit,
                notification_status = EXCLUDED.notification_status, last_notified = EXCLUDED.last_notified, updated_at = EXCLUDED.updated_at
            """, connection, tx);
        var p = state.Person!;
        command.Parameters.Add(new() { Value = id.Value });
        command.Parameters.Add(new() { Value = state.HostPartyId!.Value.Value });
        command.Parameters.Add(new() { Value = version });
        command.Parameters.Add(new() { Value = p.Nationality });
        command.Parameters.Add(new() { Value = p.FamilyName });
        command.Parameters.Add(new() { Value = p.GivenNames });
        command.Parameters.Add(new() { Value = state.InCountry });
        command.Parameters.Add(new() { Value = (object?)state.LastEntry?.ToDateOnly() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        command.Parameters.Add(new() { Value = (object?)state.LastExit?.ToDateOnly() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        command.Parameters.Add(new() { Value = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(state.Notification.ToString()) });
        command.Parameters.Add(new() { Value = (object?)state.LastNotified?.ToDateOnly() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        command.Parameters.Add(new() { Value = recordedAt.ToDateTimeUtc() });
        await command.ExecuteNonQueryAsync(ct);
    }
}
