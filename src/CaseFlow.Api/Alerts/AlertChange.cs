using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Alerts;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Alerts;

/// <summary>
/// Acknowledging or resolving an alert: an event on the case's alert stream (never the case's own, so the case's ETag stays valid),
/// decided and appended at the alert stream's current version, retried when another alert of the case changed meanwhile. If-Match, when
/// sent, must be the alert's ETag (its <c>version</c>, which moves with each change of that alert only): 412 otherwise. An alert of a
/// host party the caller may not read is 404. Answers the alert with its new ETag.
/// </summary>
public sealed class AlertChange(NpgsqlDataSource db, AlertRepository alerts, RuleCatalogue catalogue, IClock clock)
{
    public async Task<IResult> ApplyAsync(Guid alertId, HttpContext http, Func<CaseId, RequestContext, CaseCommand> command, CancellationToken ct)
    {
        var principal = http.Principal()!;
        var expected = ETags.IfMatch(http.Request);
        var context = RequestContext.From(http, clock);
        for (var attempt = 0; ; attempt++)
        {
            var alert = await AlertProjection.FindAsync(db, alertId, ct);
            if (alert is null || !principal.CanRead(alert.HostPartyId)) return Problems.NotFound($"alert {alertId}");
            if (expected is { } version && version != alert.Version) return Problems.PreconditionFailed(version, alert.Version, "alert");
            var current = await alerts.LoadAsync(new CaseId(alert.CaseId), ct);
            var decision = CaseDecider.Decide(command(current!.Case.Id, context), current.State, catalogue);
            if (decision.Rejection is { } rejection) return Problems.Rejected(rejection);
            try
            {
                if (decision.Events.Count > 0)
                    await alerts.AppendAsync(new AlertAppend(current, decision.Events), new EventMetadata(principal.Actor, context.CorrelationId, null, catalogue.Version), ct);
                var changed = (await AlertProjection.FindAsync(db, alertId, ct))!;
                ETags.Set(http.Response, changed.Version);
                return Results.Ok(changed.Opened(current.Case.Keys));
            }
            catch (ConcurrencyException) when (attempt < 3)
            {
            }
        }
    }
}
