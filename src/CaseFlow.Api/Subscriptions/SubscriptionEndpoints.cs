using CaseFlow.Api.Subscriptions.ListingSubscriptions;
using CaseFlow.Api.Subscriptions.Subscribing;

namespace CaseFlow.Api.Subscriptions;

/// <summary>A host party's alert subscriptions under <c>/api/host-parties/{hostParty}/subscriptions</c>: one file per use case.</summary>
public static class SubscriptionEndpoints
{
    public static void MapSubscriptions(this WebApplication app)
    {
        var subscriptions = app.MapGroup("/api/host-parties/{hostParty:guid}/subscriptions").WithTags("Alerts");
        subscriptions.MapSubscribe();
        subscriptions.MapListSubscriptions();
    }
}
