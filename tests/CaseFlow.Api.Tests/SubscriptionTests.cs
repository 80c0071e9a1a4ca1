using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>
/// Subscriptions as a host party's compliance team manages them, and where webhooks may not go (issue 11, docs/security.md): schemes,
/// inside addresses checked at connect time, redirects, sealed secrets; pause, resume, change target, rotate, delete, deliveries.
/// </summary>
public class SubscriptionTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private string Path => $"/api/host-parties/{app.HostA}/subscriptions";
    private NpgsqlDataSource Db => app.Services.GetRequiredService<NpgsqlDataSource>();

    private async Task<long> ScalarAsync(string sql, params object[] args)
    {
        await using var command = Db.CreateCommand(sql);
        foreach (var a in args) command.Parameters.Add(new() { Value = a });
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private WebApplicationFactory<Program> Node(bool allowLoopback) => app.WithWebHostBuilder(b => b
        .UseSetting("CaseFlow:Delivery:AllowedNetworks:0", allowLoopback ? "127.0.0.1" : "203.0.113.7")
        .UseSetting("CaseFlow:Delivery:QuickRetries", "1")
        .UseSetting("CaseFlow:Delivery:QuickRetryDelay", "00:00:00.010")
        .UseSetting("CaseFlow:Delivery:BreakAfter", "1000"));

    private async Task<Guid> SubscribeAsync(string target, string secret = "a-secret-of-sixteen")
    {
        var created = await app.Client().PostJsonAsync(Path, new { channel = "webhook", target, mode = "each", secret });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return Guid.Parse((await created.JsonAsync()).GetProperty("id").GetString()!);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://127.0.0.1:25/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://example.com/x")]
    [InlineData("http://user:pw@example.com/hook")]
    [InlineData("/relative/hook")]
    public async Task OnlyHttpAndHttpsTargets_AreAccepted(string target)
    {
        var refused = await app.Client().PostJsonAsync(Path, new { channel = "webhook", target, mode = "each" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.JsonAsync()).GetProperty("errors").TryGetProperty("target", out _));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://2852039166/latest/meta-data/")] // 169.254.169.254 as one number
    [InlineData("http://0xa9.0xfe.0xa9.0xfe/")]
    [InlineData("http://10.0.0.1:8080/hook")]
    [InlineData("https://[fd00:ec2::254]/")]
    [InlineData("http://[::ffff:192.168.0.1]/hook")]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/")]
    public async Task ATargetWrittenAsAnInsideAddress_IsRefusedWhenSubscribing_AndWhenTheTargetChanges(string target)
    {
        // This app allows 127.0.0.1 only (local development): every address above is refused with the field named, and nothing is stored.
        var before = await ScalarAsync("SELECT count(*) FROM subscriptions");
        var refused = await app.Client().PostJsonAsync(Path, new { channel = "webhook", target, mode = "each" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("may send to", (await refused.JsonAsync()).GetProperty("errors").GetProperty("target")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await ScalarAsync("SELECT count(*) FROM subscriptions"));

        var subscription = await SubscribeAsync("https://hooks.example.kz/caseflow");
        var changed = await app.Client().PutJsonAsync($"{Path}/{subscription}/target", new { target });
        Assert.Equal(HttpStatusCode.BadRequest, changed.StatusCode);
        Assert.True((await changed.JsonAsync()).GetProperty("errors").TryGetProperty("target", out _));
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM subscriptions WHERE id = $1 AND target = 'https://hooks.example.kz/caseflow'", subscription));
    }

    [Fact]
    public async Task ALoopbackTarget_IsRefusedAtConnectTime_WithoutTheAllowList_AndNothingReachesIt()
    {
        await using var receiver = new WebhookReceiver("a-secret-of-sixteen");
        var subscription = await SubscribeAsync(receiver.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
        var delivery = await app.OweDeliveryAsync(subscription);
        await using var node = Node(allowLoopback: false);
        Assert.Equal(0, await node.Services.GetRequiredService<DeliveryDispatcher>().DispatchDueAsync(CancellationToken.None));
        Assert.Equal(0, receiver.Calls);
        var failed = (await Outbox.ListAsync(Db, null, CancellationToken.None, subscription)).Single(d => d.Id == delivery);
        Assert.Equal("failed", failed.State);
        Assert.Contains("does not send to", failed.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARedirect_IsNotFollowed_TheBodyAndSignatureGoNowhereElse()
    {
        await using var elsewhere = new WebhookReceiver("a-secret-of-sixteen");
        var port = WebhookReceiver.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var redirector = builder.Build();
        redirector.MapPost("/hook", () => Results.Redirect(elsewhere.Url, permanent: false, preserveMethod: true));
        await redirector.StartAsync();
        var subscription = await SubscribeAsync($"http://127.0.0.1:{port}/hook");
        var delivery = await app.OweDeliveryAsync(subscription);
        await using var node = Node(allowLoopback: true);
        await node.Services.GetRequiredService<DeliveryDispatcher>().DispatchDueAsync(CancellationToken.None);
        Assert.Equal(0, elsewhere.Calls);
        var failed = (await Outbox.ListAsync(Db, null, CancellationToken.None, subscription)).Single(d => d.Id == delivery);
        Assert.Contains("redirects are not followed", failed.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_AreSealedInTheDatabase_SignaturesCarryTheClocksTimestamp()
    {
        await using var receiver = new WebhookReceiver("a-secret-nobody-reads");
        var subscription = await SubscribeAsync(receiver.Url, "a-secret-nobody-reads");
        await using (var command = Db.CreateCommand("SELECT secret, secret_sealed FROM subscriptions WHERE id = $1"))
        {
            command.Parameters.Add(new() { Value = subscription });
            await using var row = await command.ExecuteReaderAsync();
            await row.ReadAsync();
            Assert.True(row.IsDBNull(0));
            var sealedSecret = (byte[])row[1];
            Assert.DoesNotContain("a-secret-nobody-reads", System.Text.Encoding.UTF8.GetString(sealedSecret), StringComparison.Ordinal);
            Assert.Equal("a-secret-nobody-reads", new SecretBox(Convert.FromBase64String(app.SecretsKey)).Open(sealedSecret));
            sealedSecret[^1] ^= 1; // an insider's edit does not open to another secret
            Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => new SecretBox(Convert.FromBase64String(app.SecretsKey)).Open(sealedSecret));
        }
        await app.OweDeliveryAsync(subscription);
        app.Clock.Set(Instant.FromUtc(2026, 11, 21, 9, 30));
        await using var node = Node(allowLoopback: true);
        Assert.Equal(1, await node.Services.GetRequiredService<DeliveryDispatcher>().DispatchDueAsync(CancellationToken.None));
        Assert.Empty(receiver.BadSignatures);
        Assert.StartsWith($"t={Instant.FromUtc(2026, 11, 21, 9, 30).ToUnixTimeSeconds()},v1=", Assert.Single(receiver.Signatures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoSubscriptionsToOneTarget_ShareItsLimit_OneSendAtATime()
    {
        await using var receiver = new WebhookReceiver("a-secret-of-sixteen") { HoldFirst = true };
        var (one, two) = (await SubscribeAsync(receiver.Url), await SubscribeAsync(receiver.Url));
        var (first, second) = (await app.OweDeliveryAsync(one), await app.OweDeliveryAsync(two));
        await using var node = app.WithWebHostBuilder(b => b.UseSetting("CaseFlow:Delivery:PerTarget", "1").UseSetting("CaseFlow:Delivery:QuickRetries", "1")
            .UseSetting("CaseFlow:Delivery:QuickRetryDelay", "00:00:00.010").UseSetting("CaseFlow:Delivery:BreakAfter", "1000"));
        var dispatching = node.Services.GetRequiredService<DeliveryDispatcher>().DispatchDueAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (receiver.Calls == 0) { Assert.True(DateTime.UtcNow < deadline, "no call"); await Task.Delay(20); }
        await Task.Delay(TimeSpan.FromSeconds(1)); // the held call is the target's one slot: the other delivery waits for it
        Assert.Equal(1, receiver.Calls);
        receiver.Release(); // the held call fails (503), is retried, and both go through one at a time
        await dispatching;
        Assert.Equal(new[] { first.ToString(), second.ToString() }.Order(), receiver.Received.Keys.Order());
    }

    [Fact]
    public async Task ASubscriptionRedirectedInTheDatabase_IsNeverSentTo_UntilItsTargetIsSetThroughTheApi()
    {
        // Someone who can write to the database but holds no key points host A's subscription at their own receiver (or moves it to
        // another host party, or adds one of their own): CaseFlow would open and send what the database alone never shows.
        await using var own = new WebhookReceiver("a-secret-of-sixteen");
        await using var insider = new WebhookReceiver("a-secret-of-sixteen");
        var id = await SubscribeAsync(own.Url);
        await using var node = Node(allowLoopback: true);
        var dispatcher = node.Services.GetRequiredService<DeliveryDispatcher>();
        await ScalarAsync("UPDATE subscriptions SET target = $2 WHERE id = $1", id, insider.Url);
        var redirected = await app.OweDeliveryAsync(id);
        Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.Equal(0, insider.Calls);
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM deliveries WHERE id = $1 AND state = 'dead' AND last_error = $2", redirected, DeliveryDispatcher.Unbound));

        // Moved to host B at its own target, or at host A with no binding: still refused.
        foreach (var edit in new[]
                 {
                     $"UPDATE subscriptions SET target = $2, host_party_id = '{app.HostB}' WHERE id = $1",
                     $"UPDATE subscriptions SET target = $2, host_party_id = '{app.HostA}', binding = NULL WHERE id = $1",
                 })
        {
            await ScalarAsync(edit, id, own.Url);
            await app.OweDeliveryAsync(id);
            Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None));
        }
        Assert.Equal(0, own.Calls + insider.Calls);

        // The host party's compliance sets the target through the API: bound anew, what is owed from then on goes.
        Assert.Equal(HttpStatusCode.OK, (await app.Client().PutAsJsonAsync($"{Path}/{id}/target", new { target = own.Url })).StatusCode);
        var owed = await app.OweDeliveryAsync(id);
        Assert.Equal(1, await dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.True(own.Received.ContainsKey(owed.ToString()));
        Assert.Equal(0, insider.Calls);
    }

    [Fact]
    public async Task ADeliveryEditedInTheDatabase_IsNeverSigned_NorSent_TheOnesCaseFlowWroteAre()
    {
        // ADR 27: someone who can write to the database but holds no key edits what is owed; CaseFlow would sign it as its own word.
        await using var receiver = new WebhookReceiver("a-secret-of-sixteen");
        var id = await SubscribeAsync(receiver.Url);
        var created = await app.Client("complianceB").PostJsonAsync($"/api/host-parties/{app.HostB}/subscriptions", new { channel = "webhook", target = receiver.Url, mode = "each", secret = "a-secret-of-sixteen" });
        var otherHosts = Guid.Parse((await created.JsonAsync()).GetProperty("id").GetString()!);
        await using var node = Node(allowLoopback: true);
        var dispatcher = node.Services.GetRequiredService<DeliveryDispatcher>();
        var (reworded, unmarked, rekinded, moved, untouched) = (await app.OweDeliveryAsync(id), await app.OweDeliveryAsync(id), await app.OweDeliveryAsync(id),
            await app.OweDeliveryAsync(id), await app.OweDeliveryAsync(id));
        await ScalarAsync("UPDATE deliveries SET payload = replace(payload, '\"m\"', '\"no action needed\"') WHERE id = $1", reworded);
        await ScalarAsync("UPDATE deliveries SET payload_mac = NULL WHERE id = $1", unmarked);
        // The alert's own JSON, unwrapped, passed off as a digest (the same body CaseFlow bound, under another kind).
        await ScalarAsync("""UPDATE deliveries SET kind = 'digest', payload = '{"kind":"overstay","level":"day1","message":"m"}' WHERE id = $1""", rekinded);
        await ScalarAsync("UPDATE deliveries SET subscription_id = $2 WHERE id = $1", moved, otherHosts); // host A's alert in host B's delivery

        Assert.Equal(1, await dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.Equal([untouched.ToString()], receiver.Received.Keys);
        foreach (var refused in new[] { reworded, unmarked, rekinded, moved })
            Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM deliveries WHERE id = $1 AND state = 'dead' AND last_error = $2", refused, DeliveryDispatcher.Altered));
    }

    [Fact]
    public async Task PauseResume_ChangeTarget_Rotate_Delete_AndTheirDeliveries()
    {
        await using var first = new WebhookReceiver("a-secret-of-sixteen");
        var id = await SubscribeAsync(first.Url);
        var one = $"{Path}/{id}";
        var client = app.Client();
        await using var node = Node(allowLoopback: true);
        var dispatcher = node.Services.GetRequiredService<DeliveryDispatcher>();

        // Paused: what is owed waits; resumed: it goes.
        Assert.True((await (await client.PostAsync($"{one}/pause", null)).JsonAsync()).GetProperty("paused").GetBoolean());
        var waiting = await app.OweDeliveryAsync(id);
        Assert.Equal(0, await dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.Equal(0, first.Calls);
        Assert.False((await (await client.PostAsync($"{one}/resume", null)).JsonAsync()).GetProperty("paused").GetBoolean());
        Assert.Equal(1, await dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.True(first.Received.ContainsKey(waiting.ToString()));

        // A new target (checked like a new subscription) and a rotated secret, answered once, sign what follows.
        await using var second = new WebhookReceiver("a-rotated-secret-of-mine");
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PutAsJsonAsync($"{one}/target", new { target = "gopher://x/" })).StatusCode);
        Assert.Equal(second.Url, (await (await client.PutAsJsonAsync($"{one}/target", new { target = second.Url })).JsonAsync()).GetProperty("target").GetString());
        var rotated = await (await client.PostJsonAsync($"{one}/secret", new { secret = "a-rotated-secret-of-mine" })).JsonAsync();
        Assert.Equal(JsonValueKind.Null, rotated.GetProperty("secret").ValueKind); // the caller chose it: not echoed
        var generated = await (await client.PostAsync($"{one}/secret", null)).JsonAsync();
        Assert.Equal(64, generated.GetProperty("secret").GetString()!.Length);
        await client.PostJsonAsync($"{one}/secret", new { secret = "a-rotated-secret-of-mine" });
        await app.OweDeliveryAsync(id);
        Assert.Equal(1, await dispatcher.DispatchDueAsync(CancellationToken.None));
        Assert.Single(second.Received);
        Assert.Empty(second.BadSignatures);

        // Who may: the auditor reads, may not change; another host party's compliance does not see it.
        Assert.Equal(HttpStatusCode.OK, (await app.Client("auditor").GetAsync(one)).StatusCode);
        Assert.Equal(2, (await (await app.Client("auditor").GetAsync($"{one}/deliveries?state=delivered")).JsonAsync()).GetArrayLength());
        var all = (await (await app.Client("auditor").GetAsync($"{one}/deliveries")).JsonAsync()).EnumerateArray().ToList();
        Assert.Equal(2, all.Count); // this subscription's only
        Assert.All(all, d => Assert.Equal((id.ToString(), d.GetProperty("id").GetString()), (d.GetProperty("subscriptionId").GetString(), d.GetProperty("alertId").GetString())));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"{one}/deliveries?state=lost")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client("auditor").PostAsync($"{one}/pause", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("complianceB").GetAsync($"/api/host-parties/{app.HostB}/subscriptions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("complianceB").DeleteAsync(one)).StatusCode);

        // Deleted: it stops, what was owed is cancelled, what was sent stays as history.
        var owed = await app.OweDeliveryAsync(id);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(one)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(one)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync(one)).StatusCode);
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM deliveries WHERE id = $1 AND state = 'cancelled'", owed));
        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM deliveries WHERE subscription_id = $1 AND state = 'delivered'", id));
        Assert.DoesNotContain((await (await client.GetAsync(Path)).JsonAsync()).EnumerateArray(), s => s.GetProperty("id").GetString() == id.ToString());
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string field, string reason)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(reason, Assert.Single((await response.JsonAsync()).GetProperty("errors").GetProperty(field).EnumerateArray()).GetString());
    }

    /// <summary>
    /// What changing a target and rotating a secret refuse, each naming the field at fault, and what they answer (found untested by
    /// the mutation run of the two endpoints): an e-mail target must be an address and an e-mail subscription has no secret; a given
    /// secret is 16 to 200 characters; an empty body (Content-Length: 0) asks for a fresh secret; the answer says the webhook has one.
    /// </summary>
    [Fact]
    public async Task ChangeTargetAndRotate_NameTheFieldAtFault_AndAnswerTheSubscriptionAsItNowIs()
    {
        var client = app.Client();
        var email = await client.PostJsonAsync(Path, new { channel = "email", target = "desk@host-a.kz", mode = "each" });
        Assert.Equal(HttpStatusCode.Created, email.StatusCode);
        var mail = $"{Path}/{(await email.JsonAsync()).GetProperty("id").GetString()}";
        await AssertProblemAsync(await client.PutAsJsonAsync($"{mail}/target", new { target = "not an address" }), "target", "an e-mail address");
        Assert.Equal("desk2@host-a.kz", (await (await client.PutAsJsonAsync($"{mail}/target", new { target = "desk2@host-a.kz" })).JsonAsync()).GetProperty("target").GetString());
        await AssertProblemAsync(await client.PostAsync($"{mail}/secret", null), "id", "only webhook subscriptions are signed");

        var hook = $"{Path}/{await SubscribeAsync("https://hooks.example.com/caseflow")}";
        await AssertProblemAsync(await client.PostJsonAsync($"{hook}/secret", new { secret = "too-short" }), "secret", "from 16 to 200 characters");
        var fresh = await client.PostAsync($"{hook}/secret", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        var answer = await fresh.JsonAsync();
        Assert.Equal(64, answer.GetProperty("secret").GetString()!.Length);
        Assert.True(answer.GetProperty("hasSecret").GetBoolean());
    }

    [Fact]
    public async Task ASecretWrittenInClear_IsSealedWhenANodeStarts_AndStillSigns()
    {
        // An insider (or a database from before sealing) puts a webhook secret in clear into the subscriptions table.
        await using var receiver = new WebhookReceiver("clear-secret-clear-secret");
        var subscription = await SubscribeAsync(receiver.Url, "first-secret-first-secret");
        await using (var write = Db.CreateCommand("UPDATE subscriptions SET secret = 'clear-secret-clear-secret', secret_sealed = NULL WHERE id = $1"))
        {
            write.Parameters.Add(new() { Value = subscription });
            await write.ExecuteNonQueryAsync();
        }

        // The next node to start seals it and empties the clear column; deliveries are signed with it.
        await using var node = Node(allowLoopback: true);
        var box = node.Services.GetRequiredService<SecretBox>(); // the node has started
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM subscriptions WHERE secret IS NOT NULL"));
        await using (var read = Db.CreateCommand("SELECT secret_sealed FROM subscriptions WHERE id = $1"))
        {
            read.Parameters.Add(new() { Value = subscription });
            Assert.Equal("clear-secret-clear-secret", box.Open((byte[])(await read.ExecuteScalarAsync())!));
        }
        var delivery = await app.OweDeliveryAsync(subscription);
        Assert.Equal(1, await node.Services.GetRequiredService<DeliveryDispatcher>().DispatchDueAsync(CancellationToken.None));
        Assert.True(receiver.Received.ContainsKey(delivery.ToString()));
        Assert.Empty(receiver.BadSignatures);
    }
}
