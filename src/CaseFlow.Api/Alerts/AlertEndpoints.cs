using CaseFlow.Api.Alerts.AcknowledgingAlert;
using CaseFlow.Api.Alerts.ListingAlerts;
using CaseFlow.Api.Alerts.ResolvingAlert;

namespace CaseFlow.Api.Alerts;

/// <summary>The compliance inbox under <c>/api/alerts</c>: one file per use case.</summary>
public static class AlertEndpoints
{
    public static void MapAlerts(this WebApplication app)
    {
        var alerts = app.MapGroup("/api/alerts").WithTags("Alerts");
        alerts.MapListAlerts();
        alerts.MapAcknowledgeAlert();
        alerts.MapResolveAlert();
    }
}
