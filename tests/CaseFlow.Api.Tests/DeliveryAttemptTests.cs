using System.Net;
using CaseFlow.Core.Delivery;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>
/// One webhook delivery attempt as the dispatcher makes it (issue 6, issue 11; docs/api/README.md, "Webhooks"): a try and its quick
/// retries, what is recorded, when the next attempt comes (a backoff that doubles, with jitter of at most 20%), never before, and dead
/// after the last; nothing a receiver sets (a cookie) is sent back.
/// </summary>
public class DeliveryAttemptTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private NpgsqlDataSource Db => app.Services.GetRequiredService<NpgsqlDataSource>();

    private async Task<DeliveryView> DeliveryAsync(Guid subscription, Guid id) =>
        (await Outbox.ListAsync(Db, null, CancellationToken.None, subscription)).Single(d => d.Id == id);

    private static void Within(DateTimeOffset actual, Instant from, Instant to, string what) =>
        Assert.True(actual >= from.ToDateTimeOffset() && actual <= to.ToDateTimeOffset(), $"{what}: {actual:O} not within {from} .. {to}");

    [Fact]
    public async Task AnAttempt_IsATryAndItsQuickRetries_TheNextComesAfterABackoffThatDoubles_NeverBefore_ThenDead()
    {
        await using var receiver = new WebhookReceiver("attempt-secret-attempt") { FailAlways = true, FailWith = 400 };
        var created = await app.Client().PostJsonAsync($"/api/host-parties/{app.HostA}/subscriptions",
            new { channel = "webhook", target = receiver.Url, mode = "each", secret = "attempt-secret-attempt" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var subscription = Guid.Parse((await created.JsonAsync()).GetProperty("id").GetString()!);
        var id = await app.OweDeliveryAsync(subscription);
        await using var node = app.WithWebHostBuilder(b => b
            .UseSetting("CaseFlow:Delivery:MaxAttempts", "3")
            .UseSetting("CaseFlow:Delivery:QuickRetries", "3")
            .UseSetting("CaseFlow:Delivery:QuickRetryDelay", "00:00:00.010")
            .UseSetting("CaseFlow:Delivery:Backoff", "00:01:00")
            .UseSetting("CaseFlow:Delivery:BreakAfter", "1000"));
        var dispatcher = node.Services.GetRequiredService<DeliveryDispatcher>();

        // The first attempt: one try and three quick retries, all answered 400; recorded as a failed attempt with the answer.
        var t0 = Instant.FromUtc(2024, 6, 3, 7, 0);
        app.Clock.Set(t0);
        Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.Equal(4, receiver.Calls);
        var first = await DeliveryAsync(subscription, id);
        Assert.Equal(("failed", 1, "HttpRequestException: webhook answered 400"), (first.State, first.Attempts, first.LastError));
        Within(first.NextAttemptAt, t0 + Duration.FromSeconds(48), t0 + Duration.FromSeconds(72), "the first backoff: 60 s +-20%");

        // Not tried again before its next attempt; at it, the second attempt waits twice as long.
        var t1 = Instant.FromDateTimeOffset(first.NextAttemptAt);
        app.Clock.Set(t1 - Duration.FromSeconds(1));
        await dispatcher.DispatchDueAsync(CancellationToken.None);
        Assert.Equal(4, receiver.Calls);
        app.Clock.Set(t1);
        await dispatcher.DispatchDueAsync(CancellationToken.None);
        Assert.Equal(8, receiver.Calls);
        var second = await DeliveryAsync(subscription, id);
        Assert.Equal(("failed", 2), (second.State, second.Attempts));
        Within(second.NextAttemptAt, t1 + Duration.FromSeconds(96), t1 + Duration.FromSeconds(144), "the second backoff: 120 s +-20%");

        // The third attempt is the last: dead, and never tried again.
        app.Clock.Set(Instant.FromDateTimeOffset(second.NextAttemptAt));
        await dispatcher.DispatchDueAsync(CancellationToken.None);
        var third = await DeliveryAsync(subscription, id);
        Assert.Equal(("dead", 3, 12), (third.State, third.Attempts, receiver.Calls));
        app.Clock.Set(t1 + Duration.FromDays(1));
        await dispatcher.DispatchDueAsync(CancellationToken.None);
        Assert.Equal(12, receiver.Calls);

        // Every answer set a cookie; none came back (one receiver may serve many host parties).
        Assert.Empty(receiver.Cookies);
    }
}
