using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Delivery;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>
/// Issue 11's guarantees on real PostgreSQL: a receiver that never answers delays nobody else (no transaction is held across network
/// I/O, so projections and the sweep go on, and another host party's webhook arrives while the dead one still hangs); a node that dies
/// holding a delivery lease loses nothing (the next node delivers, with the same delivery id); a case that cannot be read is recorded
/// and skipped while the others get their alerts.
/// </summary>
public class NothingDelaysAlertsTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private NpgsqlDataSource Db => app.Services.GetRequiredService<NpgsqlDataSource>();

    private WebApplicationFactory<Program> Node(string timeout = "00:05:00", int maxInFlight = 32) => app.WithWebHostBuilder(b => b
        .UseSetting("CaseFlow:Delivery:Timeout", timeout)
        .UseSetting("CaseFlow:Delivery:MaxInFlight", maxInFlight.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .UseSetting("CaseFlow:Delivery:QuickRetries", "1")
        .UseSetting("CaseFlow:Delivery:QuickRetryDelay", "00:00:00.010")
        .UseSetting("CaseFlow:Delivery:Lease", "00:10:00")
        .UseSetting("CaseFlow:Delivery:BreakAfter", "1000"));

    private async Task<Guid> SubscribeAsync(Guid host, string user, string target, string secret)
    {
        var created = await app.Client(user).PostJsonAsync($"/api/host-parties/{host}/subscriptions", new { channel = "webhook", target, mode = "each", secret });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return Guid.Parse((await created.JsonAsync()).GetProperty("id").GetString()!);
    }

    private async Task<long> ScalarAsync(string sql, params object[] args)
    {
        await using var command = Db.CreateCommand(sql);
        foreach (var a in args) command.Parameters.Add(new() { Value = a });
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task Eventually(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {within.TotalSeconds} s: {what}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task AReceiverThatNeverAnswers_DelaysNoOtherHostParty_NoTransactionStaysOpen()
    {
        using var dead = new SilentReceiver();
        await using var alive = new WebhookReceiver("alive-secret-alive-secret");
        var aSubscription = await SubscribeAsync(app.HostA, "compliance", dead.Url, "dead-secret-dead-secret");
        var bSubscription = await SubscribeAsync(app.HostB, "complianceB", alive.Url, "alive-secret-alive-secret");
        app.Clock.Set(Instant.FromUtc(2024, 5, 3, 7, 0));
        await app.EnteredCaseAsync(app.HostA, "compliance", "Silent", "2024-05-03");
        await app.EnteredCaseAsync(app.HostA, "compliance", "Silent Two", "2024-05-03");
        await app.EnteredCaseAsync(app.HostA, "compliance", "Silent Three", "2024-05-03");
        // Three sends at once on this node: the dead receiver may hold two (its per-target limit), the third slot stays free for others.
        await using var node = Node(maxInFlight: 3);
        app.Clock.Set(Instant.FromUtc(2024, 5, 7, 7, 0));
        await app.SweepAsync(node.Services);
        const string leased = "SELECT count(*) FROM deliveries WHERE subscription_id = $1 AND leased_by IS NOT NULL";
        Assert.True(await ScalarAsync("SELECT count(*) FROM deliveries WHERE subscription_id = $1", aSubscription) >= 3, "more deliveries owed to the dead receiver than it may hold");
        using var stop = new CancellationTokenSource();
        var dispatching = node.Services.GetRequiredService<DeliveryDispatcher>().DispatchDueAsync(stop.Token);
        // Two sends hang at the dead receiver: its whole per-target limit, and no more.
        await Eventually(() => Task.FromResult(dead.Accepted >= 2), TimeSpan.FromSeconds(10), "the dead receiver is being called");

        // While the dead receiver holds its requests open, nothing holds a transaction open in CaseFlow's database. (A transaction is
        // briefly idle between its own statements, e.g. a projection batch's; one that waits on a receiver stays idle for as long.)
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(0, await ScalarAsync("""
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND now() - state_change > interval '1 second'
            """));
        // Six claiming rounds later, the dispatcher still holds only the two it sends: a busy target's other deliveries are not claimed
        // to wait for its slots (they would fill the node's three and hold B's delivery back until the dead receiver answers).
        Assert.Equal(2, await ScalarAsync(leased, aSubscription));

        // Another host party's new case reaches its projections within 5 s, and its alert webhook within one sweep.
        var b = await app.EnteredCaseAsync(app.HostB, "complianceB", "Alive", "2024-05-03");
        var bId = Guid.Parse(b.Split('/')[^1]);
        await Eventually(async () => await ScalarAsync("SELECT count(*) FROM dashboard_cases WHERE case_id = $1", bId) == 1, TimeSpan.FromSeconds(5), "B's dashboard row");
        await Eventually(async () => await ScalarAsync("SELECT count(*) FROM alert_dates WHERE case_id = $1", bId) > 0, TimeSpan.FromSeconds(5), "B's alert dates");
        await app.SweepAsync(node.Services);
        await Eventually(() => Task.FromResult(!alive.Received.IsEmpty), TimeSpan.FromSeconds(10), "B's webhook");
        Assert.False(dispatching.IsCompleted); // the dead receiver still has not answered
        // The receiver has the request; the dispatcher records the outcome once the answer is in.
        await Eventually(async () => await ScalarAsync("SELECT count(*) FROM deliveries WHERE subscription_id = $1 AND state = 'delivered'", bSubscription) >= 1,
            TimeSpan.FromSeconds(5), "B's delivery recorded as delivered");
        Assert.Empty(alive.BadSignatures);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dispatching);
    }

    [Fact]
    public async Task AFailingTarget_OpensItsCircuit_LaterDeliveriesWaitWithoutSpendingAttempts()
    {
        await using var receiver = new WebhookReceiver("breaker-secret-breaker") { FailAlways = true };
        var subscription = await SubscribeAsync(app.HostB, "complianceB", receiver.Url, "breaker-secret-breaker");
        app.Clock.Set(Instant.FromUtc(2024, 5, 3, 7, 0));
        foreach (var name in new[] { "Breaker", "Breaker Two", "Breaker Three" }) await app.EnteredCaseAsync(app.HostB, "complianceB", name, "2024-05-03");
        await using var node = app.WithWebHostBuilder(b => b.UseSetting("CaseFlow:Delivery:QuickRetries", "1").UseSetting("CaseFlow:Delivery:QuickRetryDelay", "00:00:00.010")
            .UseSetting("CaseFlow:Delivery:PerTarget", "1").UseSetting("CaseFlow:Delivery:BreakAfter", "2").UseSetting("CaseFlow:Delivery:BreakFor", "00:05:00"));
        app.Clock.Set(Instant.FromUtc(2024, 5, 7, 7, 0));
        await app.SweepAsync(node.Services);
        Assert.Equal(0, await node.Services.GetRequiredService<DeliveryDispatcher>().DispatchDueAsync(CancellationToken.None));

        // The first delivery's two tries failed and opened the circuit; the others were not sent and spent no attempt.
        Assert.Equal(2, receiver.Calls);
        var deliveries = await Outbox.ListAsync(Db, null, CancellationToken.None, subscription);
        Assert.Equal(3, deliveries.Count);
        var tried = Assert.Single(deliveries, d => d.Attempts == 1);
        Assert.Equal("failed", tried.State);
        Assert.All(deliveries.Where(d => d != tried), d =>
        {
            Assert.Equal(("pending", 0), (d.State, d.Attempts));
            Assert.Contains("circuit", d.LastError, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(new DateTimeOffset(2024, 5, 7, 7, 5, 0, TimeSpan.Zero), d.NextAttemptAt); // back when the circuit may close
        });

        // Its backoff over, the tried delivery meets the still open circuit: not sent, no attempt spent, and still "failed" (not "pending":
        // ops see that it was tried and failed), back when the circuit may close.
        app.Clock.Set(Instant.FromUtc(2024, 5, 7, 7, 1));
        await node.Services.GetRequiredService<DeliveryDispatcher>().DispatchDueAsync(CancellationToken.None);
        Assert.Equal(2, receiver.Calls);
        var waited = (await Outbox.ListAsync(Db, null, CancellationToken.None, subscription)).Single(d => d.Id == tried.Id);
        Assert.Equal(("failed", 1, new DateTimeOffset(2024, 5, 7, 7, 6, 0, TimeSpan.Zero)), (waited.State, waited.Attempts, waited.NextAttemptAt));
    }

    [Fact]
    public async Task ANodeDiesHoldingALease_TheNextNodeDeliversWithTheSameDeliveryId()
    {
        await using var receiver = new WebhookReceiver("lease-secret-lease-secret") { HoldFirst = true };
        var subscription = await SubscribeAsync(app.HostA, "compliance", receiver.Url, "lease-secret-lease-secret");
        app.Clock.Set(Instant.FromUtc(2024, 5, 3, 7, 0));
        await app.EnteredCaseAsync(app.HostA, "compliance", "Lease", "2024-05-03");
        await using var first = Node();
        app.Clock.Set(Instant.FromUtc(2024, 5, 4, 7, 0));
        await app.SweepAsync(first.Services);
        var delivery = (await Outbox.ListAsync(Db, null, CancellationToken.None, subscription)).Single();

        // The first node claims and sends; the receiver takes the request and holds it: the node is then as good as killed (it never
        // records an outcome before its lease ends).
        using var firstStop = new CancellationTokenSource();
        var firstNode = first.Services.GetRequiredService<DeliveryDispatcher>().DispatchDueAsync(firstStop.Token);
        await Eventually(() => Task.FromResult(receiver.Calls == 1), TimeSpan.FromSeconds(10), "the first node's request");
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM deliveries WHERE id = $1 AND leased_by IS NOT NULL AND state = 'pending'", delivery.Id));

        // Before the lease ends nobody else takes it; after, the next node does and delivers.
        await using var second = Node();
        var secondDispatcher = second.Services.GetRequiredService<DeliveryDispatcher>();
        Assert.Equal(0, await secondDispatcher.DispatchDueAsync(CancellationToken.None));
        app.Clock.Set(Instant.FromUtc(2024, 5, 4, 7, 11));
        Assert.Equal(1, await secondDispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM deliveries WHERE id = $1 AND state = 'delivered' AND attempts = 1 AND leased_by IS NULL", delivery.Id));

        // The receiver saw the delivery twice (the at-least-once window), both times with the same delivery id.
        Assert.Equal([delivery.Id.ToString(), delivery.Id.ToString()], receiver.DeliveryIds.Order());
        // The first node comes back to life and records its outcome: its lease is gone, so it changes nothing.
        receiver.Release();
        Assert.Equal(0, await firstNode);
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM deliveries WHERE id = $1 AND state = 'delivered' AND attempts = 1", delivery.Id));
    }

    [Fact]
    public async Task APoisonCase_IsRecordedAndSkipped_TheOthersGetTheirAlerts_TheTickFinishes()
    {
        app.Clock.Set(Instant.FromUtc(2024, 5, 3, 7, 0));
        var poison = Guid.Parse((await app.EnteredCaseAsync(app.HostA, "compliance", "Poison", "2024-05-03")).Split('/')[^1]);
        var healthy = Guid.Parse((await app.EnteredCaseAsync(app.HostA, "compliance", "Healthy", "2024-05-03")).Split('/')[^1]);
        // An insider appends an event no reader can fold (a date that is not a date).
        await ScalarAsync("""
            WITH moved AS (UPDATE streams SET version = 3 WHERE id = $1 RETURNING id)
            INSERT INTO events (id, stream_id, version, type, data, metadata, recorded_at, hash)
            SELECT gen_random_uuid(), id, 3, 'Exited.v1', jsonb_build_object('caseId', id, 'date', 'not-a-date', 'recordedBy', 'insider'), '{"actor":"insider"}', now(), '\x00' FROM moved
            RETURNING 1
            """, poison);
        app.Clock.Set(Instant.FromUtc(2024, 5, 7, 7, 0));
        var result = await app.SweepAsync();
        Assert.Equal(1, result.CasesFailed);
        Assert.True(result.AlertsRaised >= 1);
        Assert.True(await ScalarAsync("SELECT count(*) FROM alerts WHERE case_id = $1", healthy) >= 1);
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM alerts WHERE case_id = $1", poison));

        // Ops see it; the next tick tries it again (attempts counted) and is not a day's first tick again: the checkpoint moved.
        var listed = await (await app.Client("ops").GetAsync("/api/ops/sweep/failures")).JsonAsync();
        var failure = listed.EnumerateArray().Single(f => f.GetProperty("caseId").GetString() == poison.ToString());
        Assert.Equal(1, failure.GetProperty("attempts").GetInt32());
        Assert.Contains("not-a-date", failure.GetProperty("error").GetString(), StringComparison.Ordinal);
        var again = await app.SweepAsync();
        Assert.False(again.Full);
        Assert.Equal(2, await ScalarAsync("SELECT attempts FROM sweep_failures WHERE case_id = $1", poison));
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client("compliance").GetAsync("/api/ops/sweep/failures")).StatusCode);

        // A case that failed yesterday (a passing fault) is listed after the newer failure, and the next tick that can sweep it clears it.
        await ScalarAsync("INSERT INTO sweep_failures (case_id, error, attempts, first_failed_at, last_failed_at) VALUES ($1, 'passing fault', 1, now() - interval '1 day', now() - interval '1 day') RETURNING 1",
            healthy);
        var both = (await (await app.Client("ops").GetAsync("/api/ops/sweep/failures")).JsonAsync()).EnumerateArray().Select(f => f.GetProperty("caseId").GetString()).ToList();
        Assert.Equal([poison.ToString(), healthy.ToString()], both.Where(id => id == poison.ToString() || id == healthy.ToString()));
        await app.SweepAsync();
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM sweep_failures WHERE case_id = $1", healthy));
        Assert.Equal(3, await ScalarAsync("SELECT attempts FROM sweep_failures WHERE case_id = $1", poison));

        // A failure naming no stream at all (a row an insider wrote): the tick skips it like any absent case, clears it and goes on.
        var nothing = Guid.CreateVersion7();
        await ScalarAsync("INSERT INTO sweep_failures (case_id, error, attempts, first_failed_at, last_failed_at) VALUES ($1, 'made up', 1, now(), now()) RETURNING 1", nothing);
        var skipped = await app.SweepAsync();
        Assert.Equal(1, skipped.CasesFailed);
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM sweep_failures WHERE case_id = $1", nothing));
        Assert.Equal(4, await ScalarAsync("SELECT attempts FROM sweep_failures WHERE case_id = $1", poison));
    }
    /// <summary>
    /// Another writer comes first: while the sweep's chunk waits for a case's alert stream (held by a user's transaction), the user
    /// acknowledges an alert on it. The chunk's append then finds the stream moved; the chunk falls back to one case at a time, and
    /// that case is decided again from what is there now: its new alert is raised once, the acknowledgement stays, nothing fails.
    /// </summary>
    [Fact]
    public async Task AnotherWriterComesFirst_TheCaseIsDecidedAgain_NothingRaisedTwice_NothingLost()
    {
        app.Clock.Set(Instant.FromUtc(2024, 6, 3, 7, 0));
        var contested = Guid.Parse((await app.EnteredCaseAsync(app.HostA, "compliance", "Contested", "2024-06-03")).Split('/')[^1]);
        var bystander = Guid.Parse((await app.EnteredCaseAsync(app.HostA, "compliance", "Bystander", "2024-06-03")).Split('/')[^1]);
        app.Clock.Set(Instant.FromUtc(2024, 6, 5, 7, 0));
        await app.SweepAsync();
        var first = await ScalarAsync("SELECT count(*) FROM alerts WHERE case_id = $1", contested);
        var bystanderFirst = await ScalarAsync("SELECT count(*) FROM alerts WHERE case_id = $1", bystander);
        Assert.True(first >= 1, "the first sweep raised the contested case's reminder");

        app.Clock.Set(Instant.FromUtc(2024, 6, 10, 7, 0));
        var stream = AlertRepository.StreamFor(new CaseFlow.Domain.Cases.CaseId(contested));
        await using var user = await Db.OpenConnectionAsync();
        await using var tx = await user.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("SELECT version FROM streams WHERE id = $1 FOR UPDATE", user, tx))
        {
            hold.Parameters.Add(new() { Value = stream });
            await hold.ExecuteScalarAsync();
        }
        var sweep = app.SweepAsync();
        await Eventually(async () => await ScalarAsync(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%WITH locked AS%'") > 0, TimeSpan.FromSeconds(20),
            "the sweep's chunk waits for the contested alert stream");
        Assert.False(sweep.IsCompleted);

        // The user's acknowledgement, in the transaction that holds the stream, then committed: the sweep's expected version is stale.
        var loaded = (await AlertRepository.LoadManyAsync(user, app.Services.GetRequiredService<CaseFlow.Core.Security.DataKeys>(), [contested], CancellationToken.None)).Single();
        var alert = loaded.State.AlertsById.Values.First(a => a.Status == CaseFlow.Domain.Cases.AlertStatus.Raised);
        var ack = CaseFlow.Domain.Cases.CaseDecider.Decide(new CaseFlow.Domain.Cases.AcknowledgeAlert(loaded.Case.Id, alert.Id, "user:compliance", new LocalDate(2024, 6, 10)),
            loaded.State, CaseFlow.Domain.Rules.RuleCatalogue.Default);
        await AlertRepository.AppendManyAsync(user, tx, [new AlertAppend(loaded, ack.Events)], new CaseFlow.EventStore.EventMetadata("user:compliance", Guid.NewGuid()), CancellationToken.None);
        await tx.CommitAsync();

        // Both cases' new alerts are counted (other tests of this class leave a poison case failing: only these two cases are checked).
        Assert.True((await sweep).AlertsRaised >= 2);
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM sweep_failures WHERE case_id IN ($1, $2)", contested, bystander));
        Assert.True(await ScalarAsync("SELECT count(*) FROM alerts WHERE case_id = $1", contested) > first, "the contested case's new alert was raised");
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM alerts WHERE id = $1 AND state = 'acknowledged'", alert.Id));
        Assert.True(await ScalarAsync("SELECT count(*) FROM alerts WHERE case_id = $1", bystander) > bystanderFirst, "the bystander in the same chunk got its alerts");
        Assert.Equal(0, await ScalarAsync("""
            SELECT count(*) FROM (SELECT data->>'alertId' FROM events WHERE stream_id = $1 AND type = 'AlertRaised.v1' GROUP BY 1 HAVING count(*) > 1) twice
            """, stream));
        Assert.Equal(await ScalarAsync("SELECT count(*) FROM events WHERE stream_id = $1", stream), await ScalarAsync("SELECT version FROM streams WHERE id = $1", stream));
    }
}

/// <summary>A TCP listener on loopback that accepts connections and never answers: the receiver a dead or hung webhook endpoint is.</summary>
public sealed class SilentReceiver : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> held = [];
    private int accepted;

    public SilentReceiver()
    {
        listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/hook";
        _ = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    held.Add(await listener.AcceptTcpClientAsync());
                    Interlocked.Increment(ref accepted);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        });
    }

    public string Url { get; }
    public int Accepted => accepted;

    public void Dispose()
    {
        listener.Stop();
        foreach (var client in held) client.Dispose();
    }
}
