using System.Text.Json;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Delivery;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Json;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Alerts;

/// <summary>The payload a subscriber receives for one alert (JSON; <c>deliveryId</c> is added per subscription).</summary>
public sealed record AlertPayload(Guid AlertId, Guid CaseId, Guid HostPartyId, string Kind, string Level, LocalDate Due, LocalDate RaisedOn, string Message, string Rule,
    int? FineArticle, decimal? FineMci, decimal? FineTenge);

/// <summary>
/// The inline alerts table (the compliance inbox; this class and its partial <c>.Reading.cs</c> own it) and the transactional outbox:
/// in the transaction that appends an AlertRaised, one delivery per "each" subscription of the host party is written (<see cref="Outbox"/>), with a
/// delivery id derived from subscription and alert, so the alert and its deliveries commit together or not at all and are never written twice.
/// </summary>
public sealed partial class AlertProjection : IInlineCaseProjection
{
    public string StreamType => CaseRepository.StreamType;

    Task IInlineCaseProjection.ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LoadedCase updated, IReadOnlyList<CaseEvent> decided, Instant recordedAt, CancellationToken ct) =>
        ApplyAsync(connection, tx, updated, decided, recordedAt, ct);

    public static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LoadedCase c, IReadOnlyList<CaseEvent> decided, Instant recordedAt, CancellationToken ct)
    {
        foreach (var e in decided)
        {
            switch (e)
            {
                case AlertRaised a:
                    await RaiseAsync(connection, tx, c, a, recordedAt, ct);
                    break;
                case AlertAcknowledged a:
                    await UpdateAsync(connection, tx, a.AlertId, "state = 'acknowledged', acknowledged_by = $2", a.RecordedBy, recordedAt, ct);
                    break;
                case AlertResolved a:
                    await UpdateAsync(connection, tx, a.AlertId, "state = 'resolved', resolved_by = $2, resolution = $4", a.RecordedBy, recordedAt, ct, a.Reason);
                    break;
            }
        }
    }

    private static async Task RaiseAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LoadedCase c, AlertRaised a, Instant recordedAt, CancellationToken ct)
    {
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO alerts (id, case_id, host_party_id, kind, level, due, raised_on, raised_at, message, rule, fine_article, fine_mci, fine_tenge, state, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'raised', $8)
            """, connection, tx))
        {
            void Add(object? value, NpgsqlDbType type) => insert.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = type });
            Add(a.AlertId, NpgsqlDbType.Uuid);
            Add(c.Id.Value, NpgsqlDbType.Uuid);
            Add(c.HostPartyId, NpgsqlDbType.Uuid);
            Add(a.Kind, NpgsqlDbType.Text);
            Add(a.Level, NpgsqlDbType.Text);
            Add(a.Due.ToDateOnly(), NpgsqlDbType.Date);
            Add(a.RaisedOn.ToDateOnly(), NpgsqlDbType.Date);
            Add(recordedAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz);
            Add(a.Message, NpgsqlDbType.Text);
            Add(a.Rule, NpgsqlDbType.Text);
            Add(a.FineArticle, NpgsqlDbType.Integer);
            Add(a.FineMci, NpgsqlDbType.Numeric);
            Add(a.FineTenge, NpgsqlDbType.Numeric);
            await insert.ExecuteNonQueryAsync(ct);
        }
        var payload = JsonSerializer.Serialize(new AlertPayload(a.AlertId, c.Id.Value, c.HostPartyId, a.Kind, a.Level, a.Due, a.RaisedOn, a.Message, a.Rule,
            a.FineArticle, a.FineMci, a.FineTenge), CaseFlowJson.Options);
        await Outbox.EnqueueAlertAsync(connection, tx, c.HostPartyId, a.AlertId, payload, ct);
    }

    private static async Task UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, string assignments, string actor, Instant at, CancellationToken ct, string? reason = null)
    {
        await using var update = new NpgsqlCommand($"UPDATE alerts SET {assignments}, updated_at = $3 WHERE id = $1", connection, tx);
        update.Parameters.Add(new() { Value = id });
        update.Parameters.Add(new() { Value = actor });
        update.Parameters.Add(new() { Value = at.ToDateTimeUtc(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        if (reason is not null) update.Parameters.Add(new() { Value = reason });
        await update.ExecuteNonQueryAsync(ct);
    }
}
