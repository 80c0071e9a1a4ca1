using System.Text.Json;
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
/// in the transaction that appends alert events (one case's, or a sweep chunk's many), the inbox rows are written and one delivery per
/// "each" subscription of the host party is enqueued (<see cref="Outbox"/>) with a delivery id derived from subscription and alert, so
/// an alert and its deliveries commit together or not at all and are never written twice. A fixed number of statements whatever the
/// number of alerts: one insert of the raised, one of their deliveries, one update per kind of change. Each change of an alert
/// moves its <c>version</c> (the alert's ETag), and only its own.
/// </summary>
public sealed partial class AlertProjection
{
    public static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<AlertAppend> appends, Instant recordedAt, CancellationToken ct)
    {
        var raised = appends.SelectMany(a => a.Events.OfType<AlertRaised>().Select(e => (a.Current.Case.HostPartyId, Event: e, a.Current.Case.Keys.Ring))).ToList();
        var acknowledged = appends.SelectMany(a => a.Events.OfType<AlertAcknowledged>()).ToList();
        var resolved = appends.SelectMany(a => a.Events.OfType<AlertResolved>().Select(e => (Event: e, a.Current.Case.Keys))).ToList();
        await using var batch = new NpgsqlBatch(connection, tx);
        if (raised.Count > 0)
        {
            batch.BatchCommands.Add(Command("""
                INSERT INTO alerts (id, case_id, host_party_id, kind, level, due, raised_on, raised_at, message, rule, fine_article, fine_mci, fine_tenge, state, updated_at)
                SELECT u.id, u.case_id, u.host, u.kind, u.level, u.due, u.raised_on, $13, u.message, u.rule, u.article, u.mci, u.tenge, 'raised', $13
                FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::date[], $7::date[], $8::text[], $9::text[], $10::int[], $11::numeric[], $12::numeric[])
                     AS u(id, case_id, host, kind, level, due, raised_on, message, rule, article, mci, tenge)
                """,
                raised.Select(r => r.Event.AlertId).ToArray(), raised.Select(r => r.Event.CaseId.Value).ToArray(), raised.Select(r => r.HostPartyId).ToArray(),
                raised.Select(r => r.Event.Kind).ToArray(), raised.Select(r => r.Event.Level).ToArray(), raised.Select(r => r.Event.Due.ToDateOnly()).ToArray(),
                raised.Select(r => r.Event.RaisedOn.ToDateOnly()).ToArray(), raised.Select(r => r.Event.Message).ToArray(), raised.Select(r => r.Event.Rule).ToArray(),
                raised.Select(r => r.Event.FineArticle).ToArray(), raised.Select(r => r.Event.FineMci).ToArray(), raised.Select(r => r.Event.FineTenge).ToArray(),
                recordedAt.ToDateTimeUtc()));
            var payloads = raised.Select(r => Payload(r.HostPartyId, r.Event)).ToArray();
            batch.BatchCommands.Add(Outbox.EnqueueAlerts(raised.Select(r => r.HostPartyId).ToArray(), raised.Select(r => r.Event.AlertId).ToArray(), payloads,
                [.. raised.Select((r, i) => r.Ring.BindPayload(Outbox.PayloadFact(r.HostPartyId, "alert", payloads[i])))]));
        }
        if (acknowledged.Count > 0)
            batch.BatchCommands.Add(Command("""
                UPDATE alerts a SET state = 'acknowledged', acknowledged_by = u.actor, acknowledged_at = $3, version = a.version + 1, updated_at = $3
                FROM unnest($1::uuid[], $2::text[]) AS u(id, actor) WHERE a.id = u.id
                """, acknowledged.Select(e => e.AlertId).ToArray(), acknowledged.Select(e => e.RecordedBy).ToArray(), recordedAt.ToDateTimeUtc()));
        if (resolved.Count > 0)
            batch.BatchCommands.Add(Command("""
                UPDATE alerts a SET state = 'resolved', resolved_by = u.actor, resolution = u.reason, resolved_at = $4, version = a.version + 1, updated_at = $4
                FROM unnest($1::uuid[], $2::text[], $3::bytea[]) AS u(id, actor, reason) WHERE a.id = u.id
                """, resolved.Select(r => r.Event.AlertId).ToArray(), resolved.Select(r => r.Event.RecordedBy).ToArray(),
                // The reason is free text that may name someone: sealed under the case's key, as in the event.
                resolved.Select(r => r.Keys.Seal(r.Event.CaseId.Value, r.Event.Reason)).ToArray(), recordedAt.ToDateTimeUtc()));
        if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(ct);
    }

    private static string Payload(Guid hostParty, AlertRaised a) =>
        JsonSerializer.Serialize(new AlertPayload(a.AlertId, a.CaseId.Value, hostParty, a.Kind, a.Level, a.Due, a.RaisedOn, a.Message, a.Rule, a.FineArticle, a.FineMci, a.FineTenge),
            CaseFlowJson.Options);

    private static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(value switch
            {
                DateTime t => new NpgsqlParameter { Value = t, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                _ => new NpgsqlParameter { Value = value ?? DBNull.Value },
            });
        return command;
    }
}
