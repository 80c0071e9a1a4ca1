using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Cases;

namespace CaseFlow.Api.Alerts.AcknowledgingAlert;

/// <summary><c>POST /api/alerts/{id}/acknowledge</c>: the compliance team has seen the alert (an AlertAcknowledged on its case).</summary>
public static class AcknowledgeAlertEndpoint
{
    public static void MapAcknowledgeAlert(this RouteGroupBuilder alerts) => alerts.MapPost("{id:guid}/acknowledge", (
        Guid id, HttpContext http, AlertChange change, CancellationToken ct) =>
        change.ApplyAsync(id, http, (c, ctx) => new AcknowledgeAlert(c, id, ctx.Actor, ctx.Today), ct))
    .RequireRoles(Role.Compliance)
    .WithMetadata(new IfMatchHeader(Required: false, Of: "alert"))
    .WithName("AcknowledgeAlert")
    .Produces<AlertView>();
}
