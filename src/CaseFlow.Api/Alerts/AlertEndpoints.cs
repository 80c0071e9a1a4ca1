using CaseFlow.Api.Cases;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Api.Alerts;

public sealed record AlertView(Guid Id, Guid CaseId, Guid HostPartyId, string Kind, string Level, LocalDate Due, LocalDate RaisedOn, string Message, string Rule,
    int? FineArticle, decimal? FineMci, decimal? FineTenge, string State, string? AcknowledgedBy, string? ResolvedBy, string? Resolution);

public sealed record ResolveRequest(string Reason);

public sealed record SubscriptionRequest(string Channel, string Target, string Mode, string? Secret = null);

public sealed record Subscription(Guid Id, Guid HostPartyId, string Channel, string Target, string Mode);

/// <summary>
/// The compliance inbox (<c>GET /api/alerts</c>), acknowledging and resolving alerts (events on the case stream), and the host party's
/// delivery subscriptions.
/// </summary>
public static class AlertEndpoints
{
    public static void MapAlerts(this WebApplication app)
    {
        var alerts = app.MapGroup("/api/alerts").WithTags("Alerts");
        alerts.MapGet("", async (HttpContext http, NpgsqlDataSource db, Guid? hostParty, string? kind, string? state, CancellationToken ct) =>
        {
            var principal = http.Principal()!;
            if (state is not (null or "raised" or "acknowledged" or "resolved" or "open")) return Problems.Validation("state", "one of raised, acknowledged, resolved, open");
            if (kind is not null && !CaseFlow.Domain.Alerts.AlertRules.Kinds.Contains(kind))
                return Problems.Validation("kind", $"one of {string.Join(", ", CaseFlow.Domain.Alerts.AlertRules.Kinds)}");
            var hosts = hostParty is { } h ? (principal.HostParties.Contains(h) ? [h] : Array.Empty<Guid>()) : principal.HostParties.ToArray();
            await using var command = db.CreateCommand("""
                SELECT id, case_id, host_party_id, kind, level, due, raised_on, message, rule, fine_article, fine_mci, fine_tenge, state, acknowledged_by, resolved_by, resolution
                FROM alerts WHERE host_party_id = ANY($1) AND ($2::text IS NULL OR kind = $2)
                  AND ($3::text IS NULL OR state = $3 OR ($3 = 'open' AND state <> 'resolved'))
                ORDER BY raised_on DESC, due, kind LIMIT 500
                """);
            command.Parameters.Add(new() { Value = hosts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            command.Parameters.Add(new() { Value = (object?)kind ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = (object?)state ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            var list = new List<AlertView>();
            await using var row = await command.ExecuteReaderAsync(ct);
            while (await row.ReadAsync(ct)) list.Add(Read(row));
            return Results.Ok(list);
        }).RequireRoles(Role.Compliance, Role.Auditor).WithName("ListAlerts").Produces<IReadOnlyList<AlertView>>();

        alerts.MapPost("{id:guid}/acknowledge", (Guid id, HttpContext http, NpgsqlDataSource db, CaseRepository cases, RuleCatalogue catalogue, IClock clock, CancellationToken ct) =>
            ChangeAsync(id, http, db, cases, catalogue, clock, (c, ctx) => new AcknowledgeAlert(c, id, ctx.Actor, ctx.Today), ct))
            .RequireRoles(Role.Compliance).WithName("AcknowledgeAlert").Produces<AlertView>();

        alerts.MapPost("{id:guid}/resolve", async (Guid id, HttpContext http, NpgsqlDataSource db, CaseRepository cases, RuleCatalogue catalogue, IClock clock, CancellationToken ct) =>
        {
            var (request, problem) = await Body.ReadAsync<ResolveRequest>(http.Request, ct);
            if (problem is not null) return problem;
            return await ChangeAsync(id, http, db, cases, catalogue, clock, (c, ctx) => new ResolveAlert(c, id, request!.Reason, false, ctx.Actor, ctx.Today), ct);
        }).RequireRoles(Role.Compliance).WithName("ResolveAlert").Produces<AlertView>();

        var subscriptions = app.MapGroup("/api/host-parties/{hostParty:guid}/subscriptions").WithTags("Alerts");
        subscriptions.MapPost("", async (Guid hostParty, HttpContext http, NpgsqlDataSource db, CancellationToken ct) =>
        {
            var principal = http.Principal()!;
            if (principal.Role != Role.Admin && !principal.CanWrite(hostParty)) return Problems.NotFound($"host party {hostParty}");
            var (request, problem) = await Body.ReadAsync<SubscriptionRequest>(http.Request, ct);
            if (problem is not null) return problem;
            if (request!.Channel is not ("webhook" or "email")) return Problems.Validation("channel", "webhook or email");
            if (request.Mode is not ("each" or "digest")) return Problems.Validation("mode", "each or digest");
            if (request.Channel == "webhook" && !Uri.TryCreate(request.Target, UriKind.Absolute, out _)) return Problems.Validation("target", "an absolute URL");
            if (request.Channel == "email" && !System.Net.Mail.MailAddress.TryCreate(request.Target, out _)) return Problems.Validation("target", "an e-mail address");
            var subscription = new Subscription(Guid.CreateVersion7(), hostParty, request.Channel, request.Target, request.Mode);
            await using var command = db.CreateCommand("INSERT INTO subscriptions (id, host_party_id, channel, target, secret, mode) VALUES ($1, $2, $3, $4, $5, $6)");
            command.Parameters.Add(new() { Value = subscription.Id });
            command.Parameters.Add(new() { Value = hostParty });
            command.Parameters.Add(new() { Value = request.Channel });
            command.Parameters.Add(new() { Value = request.Target });
            command.Parameters.Add(new() { Value = (object?)request.Secret ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = request.Mode });
            try
            {
                await command.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                return Problems.NotFound($"host party {hostParty}");
            }
            return Results.Created($"/api/host-parties/{hostParty}/subscriptions/{subscription.Id}", subscription);
        }).RequireRoles(Role.Compliance, Role.Admin).WithName("Subscribe").Produces<Subscription>(StatusCodes.Status201Created);

        subscriptions.MapGet("", async (Guid hostParty, HttpContext http, NpgsqlDataSource db, CancellationToken ct) =>
        {
            var principal = http.Principal()!;
            if (principal.Role != Role.Admin && !principal.CanRead(hostParty)) return Problems.NotFound($"host party {hostParty}");
            await using var command = db.CreateCommand("SELECT id, host_party_id, channel, target, mode FROM subscriptions WHERE host_party_id = $1 ORDER BY created_at");
            command.Parameters.Add(new() { Value = hostParty });
            var list = new List<Subscription>();
            await using var row = await command.ExecuteReaderAsync(ct);
            while (await row.ReadAsync(ct)) list.Add(new Subscription(row.GetGuid(0), row.GetGuid(1), row.GetString(2), row.GetString(3), row.GetString(4)));
            return Results.Ok(list);
        }).RequireRoles(Role.Compliance, Role.Auditor, Role.Admin).WithName("ListSubscriptions");
    }

    /// <summary>Acknowledge/resolve: an event on the alert's case stream, decided and appended at the current version (retried once on a race).</summary>
    private static async Task<IResult> ChangeAsync(Guid alertId, HttpContext http, NpgsqlDataSource db, CaseRepository cases, RuleCatalogue catalogue, IClock clock,
        Func<CaseId, RequestContext, CaseCommand> command, CancellationToken ct)
    {
        var principal = http.Principal()!;
        var alert = await FindAsync(db, alertId, ct);
        if (alert is null || !principal.CanRead(alert.HostPartyId)) return Problems.NotFound($"alert {alertId}");
        var context = RequestContext.From(http, clock);
        for (var attempt = 0; ; attempt++)
        {
            var loaded = await cases.LoadAsync(new CaseId(alert.CaseId), ct: ct);
            var decision = CaseDecider.Decide(command(loaded!.Id, context), loaded.State, catalogue);
            if (decision.Rejection is { } rejection) return Problems.Rejected(rejection);
            try
            {
                if (decision.Events.Count > 0)
                    await cases.AppendAsync(loaded, loaded.Id, decision.Events, new EventMetadata(principal.Actor, context.CorrelationId, null, catalogue.Version), ct);
                return Results.Ok(await FindAsync(db, alertId, ct));
            }
            catch (ConcurrencyException) when (attempt < 2)
            {
            }
        }
    }

    private static async Task<AlertView?> FindAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT id, case_id, host_party_id, kind, level, due, raised_on, message, rule, fine_article, fine_mci, fine_tenge, state, acknowledged_by, resolved_by, resolution
            FROM alerts WHERE id = $1
            """);
        command.Parameters.Add(new() { Value = id });
        await using var row = await command.ExecuteReaderAsync(ct);
        return await row.ReadAsync(ct) ? Read(row) : null;
    }

    private static AlertView Read(NpgsqlDataReader row) => new(
        row.GetGuid(0), row.GetGuid(1), row.GetGuid(2), row.GetString(3), row.GetString(4), LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(5)),
        LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(6)), row.GetString(7), row.GetString(8), row.IsDBNull(9) ? null : row.GetInt32(9),
        row.IsDBNull(10) ? null : row.GetDecimal(10), row.IsDBNull(11) ? null : row.GetDecimal(11), row.GetString(12),
        row.IsDBNull(13) ? null : row.GetString(13), row.IsDBNull(14) ? null : row.GetString(14), row.IsDBNull(15) ? null : row.GetString(15));
}
