using CaseFlow.Core.Delivery;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>
/// Claiming deliveries (issue 11, "fair scheduling across host parties"; "an expired lease is reclaimed by any node"), in a database of
/// their own so that no other test's deliveries are due: host parties take turns, and a delivery another node leased while this node's
/// claim was picking is not taken from it.
/// </summary>
public sealed class DeliveryClaimTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private static readonly Instant Now = Instant.FromUtc(2024, 6, 1, 7, 0);

    private NpgsqlDataSource Db => app.Services.GetRequiredService<NpgsqlDataSource>();

    private async Task<Guid> SubscriptionAsync(Guid host)
    {
        var subscription = new Subscription(Guid.CreateVersion7(), host, "webhook", $"http://127.0.0.1:9/{Guid.NewGuid():N}", "each");
        Assert.True(await Outbox.SubscribeAsync(Db, app.Services.GetRequiredService<CaseFlow.Core.Security.SecretBox>(), subscription, null, "user:test", CancellationToken.None));
        return subscription.Id;
    }

    /// <summary>A delivery owed to <paramref name="subscription"/>, due <paramref name="minutesAgo"/> minutes before <see cref="Now"/>.</summary>
    private async Task<Guid> OweAsync(Guid subscription, int minutesAgo)
    {
        var id = await app.OweDeliveryAsync(subscription);
        await app.ScalarAsync<int>("WITH u AS (UPDATE deliveries SET next_attempt_at = $2 WHERE id = $1 RETURNING 1) SELECT count(*)::int FROM u",
            id, (Now - Duration.FromMinutes(minutesAgo)).ToDateTimeUtc());
        return id;
    }

    private Task<IReadOnlyList<DeliveryRow>> ClaimAsync(string node, int limit) =>
        Outbox.ClaimAsync(Db, node, Now, Now + Duration.FromMinutes(2), limit, 5, [], CancellationToken.None);

    [Fact]
    public async Task HostPartiesTakeTurns_ABacklogOfOneDoesNotCrowdOutAnothersNewerDelivery()
    {
        var (a, b) = (await SubscriptionAsync(app.HostA), await SubscriptionAsync(app.HostB));
        var backlog = new List<Guid>();
        for (var i = 0; i < 4; i++) backlog.Add(await OweAsync(a, 60 - i)); // A's four, the oldest due an hour ago
        var newer = await OweAsync(b, 1);

        var claimed = await ClaimAsync("node-1", 2);
        Assert.Equal(new[] { backlog[0], newer }.Order(), claimed.Select(d => d.Id).Order());
        await app.ScalarAsync<int>("WITH u AS (UPDATE deliveries SET state = 'delivered', delivered_at = now() WHERE subscription_id = ANY($1) RETURNING 1) SELECT count(*)::int FROM u",
            new[] { a, b });
    }

    [Fact]
    public async Task ADeliveryLeasedByAnotherNodeWhileThisClaimWaited_IsNotTakenFromIt()
    {
        var subscription = await SubscriptionAsync(app.HostA);
        var id = await OweAsync(subscription, 5);

        // Node A leases the delivery and has not committed yet; node B's claim picks it from what it sees and waits for A's row lock.
        await using var a = await Db.OpenConnectionAsync();
        await using var tx = await a.BeginTransactionAsync();
        await using (var lease = new NpgsqlCommand("UPDATE deliveries SET leased_by = 'node-a', leased_until = $2, lease_token = gen_random_uuid() WHERE id = $1", a, tx))
        {
            lease.Parameters.Add(new() { Value = id });
            lease.Parameters.Add(new() { Value = (Now + Duration.FromMinutes(2)).ToDateTimeUtc() });
            await lease.ExecuteNonQueryAsync();
        }
        var b = ClaimAsync("node-b", 10);
        var waiting = DateTime.UtcNow.AddSeconds(30);
        while (await app.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0)
        {
            Assert.True(DateTime.UtcNow < waiting, "node B's claim never waited for node A's lock");
            Assert.False(b.IsCompleted, "node B's claim finished without waiting for node A's lock");
            await Task.Delay(10);
        }
        await tx.CommitAsync();

        Assert.Empty(await b); // re-checked on the locked row: A's lease holds
        Assert.Equal("node-a", await app.ScalarAsync<string>("SELECT leased_by FROM deliveries WHERE id = $1", id));
    }
}
