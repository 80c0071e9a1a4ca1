using CaseFlow.Core.Cases;
using CaseFlow.Domain.Cases;
using NodaTime;

namespace CaseFlow.Api.Cases.RecordingNotification;

/// <param name="Channel">eQonaq, vmpGovKz or expatCentre (000_d0b006081fdc65c8.txt §1; 001 Expat Centre).</param>
public sealed record NotificationRequest(LocalDate Date, NotificationChannel Channel, string? Reference = null);

/// <summary><c>POST /api/cases/{id}/notifications</c>: the host party notified the migration service (arrival or address change).</summary>
public static class RecordNotificationEndpoint
{
    public static void MapRecordNotification(this RouteGroupBuilder cases) => cases.MapCaseCommand<NotificationRequest>("notifications", "RecordNotification",
        (r, id, c, _) => new RecordNotification(id, r.Date, r.Channel, r.Reference?.Trim(), c.Actor, c.Today));
}
