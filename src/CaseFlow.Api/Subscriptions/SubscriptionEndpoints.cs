using CaseFlow.Api.Subscriptions.ChangingTarget;
using CaseFlow.Api.Subscriptions.DeletingSubscription;
using CaseFlow.Api.Subscriptions.GettingSubscription;
using CaseFlow.Api.Subscriptions.ListingDeliveries;
using CaseFlow.Api.Subscriptions.ListingSubscriptions;
using CaseFlow.Api.Subscriptions.PausingSubscription;
using CaseFlow.Api.Subscriptions.ResumingSubscription;
using CaseFlow.Api.Subscriptions.RotatingSecret;
using CaseFlow.Api.Subscriptions.Subscribing;

namespace CaseFlow.Api.Subscriptions;

/// <summary>A host party's alert subscriptions under <c>/api/host-parties/{hostParty}/subscriptions</c>: one file per use case.</summary>
public static class SubscriptionEndpoints
{
    public static void MapSubscriptions(this WebApplication app)
    {
        var subscriptions = app.MapGroup("/api/host-parties/{hostParty:guid}/subscriptions").WithTags("Subscriptions");
        subscriptions.MapSubscribe();
        subscriptions.MapListSubscriptions();
        subscriptions.MapGetSubscription();
        subscriptions.MapPauseSubscription();
        subscriptions.MapResumeSubscription();
        subscriptions.MapChangeSubscriptionTarget();
        subscriptions.MapRotateSubscriptionSecret();
        subscriptions.MapDeleteSubscription();
        subscriptions.MapListSubscriptionDeliveries();
    }
}
