using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Cases;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Alerts;

/// <summary>
/// Acknowledging or resolving an alert: an event on the alert's case stream, decided and appended at the current version (retried
/// on a race). An alert of a host party the caller may not read is 404.
/// </summary>
public sealed class AlertChange(NpgsqlDataSource db, CaseRepository cases, RuleCatalogue catalogue, IClock clock)
{
    public async Task<IResult> ApplyAsync(Guid alertId, HttpContext http, Func<CaseId, RequestContext, CaseCommand> command, CancellationToken ct)
    {
        var principal = http.Principal()!;
        var alert = await AlertProjection.FindAsync(db, alertId, ct);
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
                return Results.Ok(await AlertProjection.FindAsync(db, alertId, ct));
            }
            catch (ConcurrencyException) when (attempt < 2)
            {
            }
        }
    }
}
