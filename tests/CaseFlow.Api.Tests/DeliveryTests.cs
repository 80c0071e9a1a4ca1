using System.Collections.Concurrent;
using System.Net;
using CaseFlow.Api.Alerts;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using Quartz;

namespace CaseFlow.Api.Tests;

/// <summary>Delivery that never loses or repeats: webhooks with retries and dead letters, e-mail digests (issue 6).</summary>
public class DeliveryTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private async Task<string> MissedNotificationCaseAsync(Guid host, string user)
    {
        app.Clock.Set(Instant.FromUtc(2024, 5, 3, 7, 0));
        var client = app.Client(user);
        var open = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Deliver", givenNames = "D", nationality = "DE", birthDate = "1980-01-01", passportNumber = Guid.NewGuid().ToString("N")[..9] },
            hostPartyId = host,
        });
        var c = open.Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/entries", new { date = "2024-05-03", borderPoint = "ALA" }, "\"1\"")).StatusCode);
        return c;
    }

    /// <summary>A node sending one delivery at a time per target (so a receiver's first failures fall on one delivery), its circuit breaker out of the way.</summary>
    private WebApplicationFactory<Program> Node(int maxAttempts, int smtpPort = 25) => app.WithWebHostBuilder(b => b
        .UseSetting("CaseFlow:Delivery:MaxAttempts", maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .UseSetting("CaseFlow:Delivery:PerTarget", "1")
        .UseSetting("CaseFlow:Delivery:BreakAfter", "1000")
        .UseSetting("CaseFlow:Delivery:QuickRetries", "2")
        .UseSetting("CaseFlow:Delivery:QuickRetryDelay", "00:00:00.010")
        .UseSetting("CaseFlow:Delivery:Backoff", "00:00:30")
        .UseSetting("CaseFlow:Delivery:SmtpPort", smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private async Task<long> CountAsync(string sql, Guid subscription)
    {
        await using var command = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        command.Parameters.Add(new() { Value = subscription });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Webhook_FailingFirst3Calls_ReceivesEachAlertExactlyOnceByDeliveryId_Signed()
    {
        await using var receiver = new WebhookReceiver("s3cret-s3cret-s3cret") { FailFirst = 3 };
        var subscription = await (await app.Client().PostJsonAsync($"/api/host-parties/{app.HostA}/subscriptions",
            new { channel = "webhook", target = receiver.Url, mode = "each", secret = "s3cret-s3cret-s3cret" })).JsonAsync();
        var sub = Guid.Parse(subscription.GetProperty("id").GetString()!);
        await MissedNotificationCaseAsync(app.HostA, "compliance");
        await using var node = Node(maxAttempts: 6);
        foreach (var day in new[] { 4, 6, 7 })
        {
            app.Clock.Set(Instant.FromUtc(2024, 5, day, 7, 0));
            await app.SweepAsync(node.Services);
        }
        var dispatcher = node.Services.GetRequiredService<DeliveryDispatcher>();
        await dispatcher.DispatchDueAsync(CancellationToken.None);
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM deliveries WHERE subscription_id = $1 AND state = 'failed'", sub));
        app.Clock.Set(Instant.FromUtc(2024, 5, 7, 7, 1)); // past the 30 s (+-20%) backoff
        await dispatcher.DispatchDueAsync(CancellationToken.None);
        await dispatcher.DispatchDueAsync(CancellationToken.None);

        var total = await CountAsync("SELECT count(*) FROM deliveries WHERE subscription_id = $1", sub);
        Assert.True(total >= 3, $"{total} deliveries (reminder, due, missed)");
        Assert.Equal(total, await CountAsync("SELECT count(*) FROM deliveries WHERE subscription_id = $1 AND state = 'delivered'", sub));
        Assert.Equal((int)total, receiver.Received.Count); // each delivery id received once
        Assert.Empty(receiver.BadSignatures);
        Assert.Equal((int)total + 3, receiver.Calls); // the three failed calls, then one successful call per delivery
    }

    [Fact]
    public async Task TwoHostParties_EachWebhookIsOwedOnlyItsOwnHostPartysAlerts()
    {
        await using var receiverA = new WebhookReceiver("a-secret-a-secret-a");
        await using var receiverB = new WebhookReceiver("b-secret-b-secret-b");
        Assert.True((await app.Client().PostJsonAsync($"/api/host-parties/{app.HostA}/subscriptions",
            new { channel = "webhook", target = receiverA.Url, mode = "each", secret = "a-secret-a-secret-a" })).IsSuccessStatusCode);
        var subB = Guid.Parse((await (await app.Client("complianceB").PostJsonAsync($"/api/host-parties/{app.HostB}/subscriptions",
            new { channel = "webhook", target = receiverB.Url, mode = "each", secret = "b-secret-b-secret-b" })).JsonAsync()).GetProperty("id").GetString()!);
        await MissedNotificationCaseAsync(app.HostA, "compliance");
        await MissedNotificationCaseAsync(app.HostB, "complianceB");
        app.Clock.Set(Instant.FromUtc(2024, 5, 7, 7, 0));
        await app.SweepAsync();

        Assert.True(await CountAsync("SELECT count(*) FROM deliveries WHERE subscription_id = $1", subB) >= 1);
        // No delivery anywhere sends one host party's alert to another's subscription (the alert names the person and the case).
        Assert.Equal(0L, await CountAsync("""
            SELECT count(*) FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id JOIN alerts a ON a.id = d.alert_id
            WHERE a.host_party_id <> s.host_party_id AND $1::uuid IS NOT NULL
            """, subB));
    }

    [Fact]
    public async Task Webhook_NeverRecovering_EndsDead_OpsRedelivers()
    {
        await using var receiver = new WebhookReceiver("k-secret-k-secret-k") { FailAlways = true };
        var subscription = await (await app.Client("complianceB").PostJsonAsync($"/api/host-parties/{app.HostB}/subscriptions",
            new { channel = "webhook", target = receiver.Url, mode = "each", secret = "k-secret-k-secret-k" })).JsonAsync();
        var sub = Guid.Parse(subscription.GetProperty("id").GetString()!);
        await MissedNotificationCaseAsync(app.HostB, "complianceB");
        await using var node = Node(maxAttempts: 3);
        app.Clock.Set(Instant.FromUtc(2024, 5, 7, 7, 0));
        await app.SweepAsync(node.Services);
        var dispatcher = node.Services.GetRequiredService<DeliveryDispatcher>();
        for (var minute = 0; minute < 4; minute++)
        {
            app.Clock.Set(Instant.FromUtc(2024, 5, 7, 7, 0) + Duration.FromMinutes(minute * 3));
            await dispatcher.DispatchDueAsync(CancellationToken.None);
        }
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM deliveries WHERE subscription_id = $1 AND state = 'dead' AND attempts = 3", sub));

        var ops = app.Client("ops");
        var dead = await (await ops.GetAsync("/api/ops/deliveries?state=dead")).JsonAsync();
        var id = dead.EnumerateArray().First(d => d.GetProperty("subscriptionId").GetString() == sub.ToString()).GetProperty("id").GetString();
        receiver.FailAlways = false;
        var redelivered = await ops.PostAsync($"/api/ops/deliveries/{id}/redeliver", null);
        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        var again = await redelivered.JsonAsync(); // the delivery itself, pending again with its attempts reset
        Assert.Equal((id, "pending", 0), (again.GetProperty("id").GetString(), again.GetProperty("state").GetString(), again.GetProperty("attempts").GetInt32()));
        await dispatcher.DispatchDueAsync(CancellationToken.None);
        Assert.True(receiver.Received.ContainsKey(id!));
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM deliveries WHERE subscription_id = $1 AND state = 'delivered'", sub));
        Assert.Equal(HttpStatusCode.NotFound, (await ops.PostAsync($"/api/ops/deliveries/{Guid.NewGuid()}/redeliver", null)).StatusCode);
    }

    [Fact]
    public async Task EmailDigest_ReachesTheSmtpServer_OncePerDay()
    {
        using var smtp = new SmtpSink();
        await app.Client().PostJsonAsync($"/api/host-parties/{app.HostA}/subscriptions", new { channel = "email", target = "compliance@host-a.kz", mode = "digest" });
        // A host party with nothing open gets its digest too, saying so.
        var quiet = await app.Client("admin").PostJsonAsync("/api/host-parties", new { name = "Quiet Host", bin = "770101300123", size = "small" });
        var quietHost = Guid.Parse((await quiet.JsonAsync()).GetProperty("id").GetString()!);
        Assert.True(await Outbox.SubscribeAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), app.Services.GetRequiredService<SecretBox>(),
            new Subscription(Guid.CreateVersion7(), quietHost, "email", "compliance@quiet.kz", "digest"), null, "test", CancellationToken.None));
        await MissedNotificationCaseAsync(app.HostA, "compliance");
        await using var node = Node(maxAttempts: 3, smtpPort: smtp.Port);
        app.Clock.Set(Instant.FromUtc(2024, 5, 7, 3, 0)); // 08:00 in Almaty
        await app.SweepAsync(node.Services);
        var digest = node.Services.GetRequiredService<DigestService>();
        Assert.True(await digest.EnqueueAsync(CancellationToken.None) >= 1);
        Assert.Equal(0, await digest.EnqueueAsync(CancellationToken.None)); // a second firing the same day adds nothing
        // The outbox names no one (issue 12): the person is a placeholder until the message leaves.
        await using (var stored = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT string_agg(payload, '') FROM deliveries WHERE kind = 'digest'"))
        {
            var payload = (string)(await stored.ExecuteScalarAsync())!;
            Assert.Contains("{{person:", payload, StringComparison.Ordinal);
            Assert.DoesNotContain("Deliver", payload, StringComparison.Ordinal);
        }
        await node.Services.GetRequiredService<DeliveryDispatcher>().DispatchDueAsync(CancellationToken.None);
        Assert.Equal(2, smtp.Messages.Count);
        var message = SmtpSink.Text(Assert.Single(smtp.Messages, m => m.Contains("To: compliance@host-a.kz", StringComparison.Ordinal)));
        Assert.Contains("CaseFlow digest for 2024-05-07", message, StringComparison.Ordinal);
        Assert.Contains("arrivalNotification (missed)", message, StringComparison.Ordinal);
        Assert.Contains("Deliver, D", message, StringComparison.Ordinal);
        Assert.DoesNotContain("{{person:", message, StringComparison.Ordinal);
        Assert.DoesNotContain("No open alerts.", message, StringComparison.Ordinal);
        // The mail says what it is and carries its delivery id, as a webhook does, for a receiver to de-duplicate on.
        Assert.Contains("Subject: [CaseFlow] Daily digest of open alerts", message, StringComparison.Ordinal);
        await using (var ids = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
                         "SELECT d.id FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id WHERE d.kind = 'digest' AND s.target = 'compliance@host-a.kz'"))
            Assert.Contains($"X-CaseFlow-Delivery: {(Guid)(await ids.ExecuteScalarAsync())!}", message, StringComparison.Ordinal);
        var quietMessage = SmtpSink.Text(Assert.Single(smtp.Messages, m => m.Contains("To: compliance@quiet.kz", StringComparison.Ordinal)));
        Assert.Contains("No open alerts.", quietMessage, StringComparison.Ordinal);

        // The next day has a digest of its own.
        app.Clock.Set(Instant.FromUtc(2024, 5, 8, 3, 0));
        Assert.True(await digest.EnqueueAsync(CancellationToken.None) >= 2);
    }
}

/// <summary>The API with the Quartz scheduler running (clustered PostgreSQL job store), driven by the fake clock.</summary>
public sealed class SchedulerApp : CaseFlowApp
{
    public override bool RunJobs => true;
}

public class SchedulerTests(SchedulerApp app) : IClassFixture<SchedulerApp>
{
    [Fact]
    public async Task SweepJobFiredOnDemand_RaisesAlerts_OpsSeesJobs()
    {
        var client = app.Client();
        var open = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Quartz", givenNames = "Q", nationality = "DE", birthDate = "1980-01-01", passportNumber = "QRTZ0001" },
            hostPartyId = app.HostA,
        });
        var c = open.Headers.Location!.ToString();
        await client.PostJsonAsync($"{c}/entries", new { date = "2024-05-20", borderPoint = "ALA" }, "\"1\"");

        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var db = app.Services.GetRequiredService<NpgsqlDataSource>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        // The sweep's start-up firing must be over first: a manual firing while it runs is blocked (one sweep at a time), and a
        // blocked firing waits for the scheduler's next idle check (30 s), which made this test flaky under load.
        await RunsAsync(db, "deadline-sweep", 1);
        await scheduler.TriggerJob(new JobKey("deadline-sweep"));
        long alerts = 0;
        while (alerts == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the sweep job did not raise the alert");
            await Task.Delay(100);
            await using var count = db.CreateCommand("SELECT count(*) FROM alerts WHERE case_id = $1 AND kind = 'arrivalNotification' AND level = 'missed'");
            count.Parameters.Add(new() { Value = Guid.Parse(c.Split('/')[^1]) });
            alerts = (long)(await count.ExecuteScalarAsync())!;
        }
        var jobs = await (await app.Client("ops").GetAsync("/api/ops/jobs")).JsonAsync();
        Assert.Equal(new[] { "deadline-sweep", "deliveries", "daily-digest", "retention", "seal", "row-check" }, jobs.EnumerateArray().Select(j => j.GetProperty("name").GetString()!).ToArray());
        var digest = jobs.EnumerateArray().Single(j => j.GetProperty("name").GetString() == "daily-digest");
        // 08:00 in Almaty is 03:00 UTC; the fake clock stands at 2024-06-01 07:00 UTC, so the next digest is on 2 June.
        Assert.Equal(DateTimeOffset.Parse("2024-06-02T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture), digest.GetProperty("nextFire").GetDateTimeOffset());
    }

    [Fact]
    public async Task RowCheckJobFiredOnDemand_PassesOnRowsAsTheEventsSayThem_FailsItsRunWhileAStatusOrInboxRowDrifts_AndRepairsNothing()
    {
        var client = app.Client();
        var open = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Checked", givenNames = "Q", nationality = "DE", birthDate = "1980-01-01", passportNumber = "CHKJ0001" },
            hostPartyId = app.HostA,
        });
        var id = Guid.Parse(open.Headers.Location!.ToString().Split('/')[^1]);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/api/cases/{id}/entries", new { date = "2024-05-20", borderPoint = "ALA" }, "\"1\"")).StatusCode);
        await app.SweepAsync(); // its missed notification's alerts
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var db = app.Services.GetRequiredService<NpgsqlDataSource>();
        async Task<string?> RunAsync(long run)
        {
            await scheduler.TriggerJob(new JobKey("row-check"));
            await RunsAsync(db, "row-check", run);
            await using var command = db.CreateCommand("SELECT error FROM job_runs WHERE job = 'row-check' ORDER BY id DESC LIMIT 1");
            return await command.ExecuteScalarAsync() as string;
        }

        Assert.Null(await RunAsync(1));
        await using (var edit = db.CreateCommand("UPDATE case_status SET status = 'overstaying' WHERE case_id = $1"))
        {
            edit.Parameters.Add(new() { Value = id });
            Assert.Equal(1, await edit.ExecuteNonQueryAsync());
        }
        await using (var edit = db.CreateCommand("UPDATE alerts SET state = 'resolved' WHERE id = (SELECT min(id::text)::uuid FROM alerts WHERE case_id = $1)"))
        {
            edit.Parameters.Add(new() { Value = id });
            Assert.Equal(1, await edit.ExecuteNonQueryAsync());
        }
        Assert.StartsWith("1 status rows and 1 inbox rows of ", await RunAsync(2));
        await using var left = db.CreateCommand("SELECT (SELECT status FROM case_status WHERE case_id = $1), (SELECT count(*) FROM alerts WHERE case_id = $1 AND state = 'resolved')");
        left.Parameters.Add(new() { Value = id });
        await using var row = await left.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal(("overstaying", 1L), (row.GetString(0), row.GetInt64(1))); // left for someone to look at
    }

    /// <summary>Waits (at most 30 s) until <paramref name="job"/> has recorded <paramref name="runs"/> runs.</summary>
    private static async Task RunsAsync(NpgsqlDataSource db, string job, long runs)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var command = db.CreateCommand("SELECT count(*) FROM job_runs WHERE job = $1");
            command.Parameters.Add(new() { Value = job });
            if ((long)(await command.ExecuteScalarAsync())! >= runs) return;
            Assert.True(DateTime.UtcNow < deadline, $"{job} has not run {runs} times");
            await Task.Delay(100);
        }
    }
}
