using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CaseFlow.Core.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace CaseFlow.Core.Delivery;

public sealed class DeliveryOptions
{
    /// <summary>Dispatch attempts (each with the quick in-process retries of the Polly pipeline) before a delivery is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>First wait between attempts; doubles each attempt, with ±20% jitter, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan Backoff { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>In-process retries of one attempt (Polly: exponential backoff with jitter).</summary>
    public int QuickRetries { get; set; } = 2;

    public TimeSpan QuickRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>One try's time limit (connect, send, answer).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a claimed delivery is this node's; longer than an attempt can take (tries × timeout + retry delays), so only a dead node's lease expires.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Deliveries in flight on this node at once, over all targets.</summary>
    public int MaxInFlight { get; set; } = 32;

    /// <summary>Deliveries in flight to one target (scheme, host and port) at once: a slow target holds at most this many.</summary>
    public int PerTarget { get; set; } = 2;

    /// <summary>A target's circuit opens after this many failed tries in a row ... </summary>
    public int BreakAfter { get; set; } = 5;

    /// <summary>... and stays open this long: its deliveries wait (no attempt is counted) instead of piling timeouts onto it.</summary>
    public TimeSpan BreakFor { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Networks webhooks may reach although they are internal (e.g. <c>127.0.0.1</c> for local development); see <see cref="WebhookTargets"/>.</summary>
    public string[] AllowedNetworks { get; set; } = [];

    public string SmtpHost { get; set; } = "127.0.0.1";

    public int SmtpPort { get; set; } = 25;

    public string From { get; set; } = "caseflow@localhost";
}

/// <summary>
/// Sends what the outbox holds, and never inside a transaction. Due deliveries are claimed under a lease (<see cref="Outbox.ClaimAsync"/>:
/// one short statement, fair across host parties), sent concurrently (at most <see cref="DeliveryOptions.PerTarget"/> per target, each
/// try under a timeout, each target behind its own circuit breaker), and each outcome is recorded by its own short statement that
/// holds only while the lease does. While slow targets are still answering, the loop keeps claiming for the others, so one slow or dead
/// receiver delays nobody else's deliveries and holds back no projection. A node that dies holding leases loses nothing: once a lease
/// expires any node claims the delivery again. Delivery is therefore at least once, with duplicates only when a node died (or its lease
/// ran out) after sending and before recording; every copy carries the same delivery id, on which receivers de-duplicate. Webhooks are
/// signed over a timestamp and the body (<c>X-CaseFlow-Signature: t=&lt;unix seconds&gt;,v1=&lt;HMAC-SHA256 hex of "t.body"&gt;</c>).
/// </summary>
public sealed class DeliveryDispatcher(NpgsqlDataSource db, IHttpClientFactory http, IClock clock, SecretBox secrets, DataKeys dataKeys, IOptions<DeliveryOptions> options,
    ILogger<DeliveryDispatcher> log)
{
    public const string DeliveryHeader = "X-CaseFlow-Delivery";
    public const string SignatureHeader = "X-CaseFlow-Signature";

    private readonly string node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
    private readonly ConcurrentDictionary<string, ResiliencePipeline> pipelines = new();
    private readonly ConcurrentDictionary<string, int> inFlightByTarget = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> slots = new();
    private readonly ConcurrentDictionary<Guid, string> targetOfSubscription = new();

    /// <summary>Sends every due delivery and returns how many were delivered, once nothing is due and nothing is in flight.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        var o = options.Value;
        var inFlight = new List<Task<bool>>();
        var delivered = 0;
        while (true)
        {
            if (inFlight.Count < o.MaxInFlight)
            {
                var now = clock.GetCurrentInstant();
                var busy = targetOfSubscription.Where(s => inFlightByTarget.GetValueOrDefault(s.Value) >= o.PerTarget).Select(s => s.Key).ToList();
                var claimed = await Outbox.ClaimAsync(db, node, now, now + Duration.FromTimeSpan(o.Lease), o.MaxInFlight - inFlight.Count, o.PerTarget, busy, ct);
                inFlight.AddRange(claimed.Select(d => SendAndRecordAsync(d, ct)));
            }
            if (inFlight.Count == 0) return delivered;
            // Claim again when a send finishes, or after a quarter second (deliveries that came due meanwhile) while slow ones go on.
            await Task.WhenAny(Task.WhenAny(inFlight), Task.Delay(TimeSpan.FromMilliseconds(250), ct));
            foreach (var done in inFlight.Where(t => t.IsCompleted).ToList())
            {
                inFlight.Remove(done);
                if (await done) delivered++;
            }
        }
    }

    /// <summary>Whether the payload is what CaseFlow wrote for this host party and kind (an alert's JSON in its envelope, a digest's text).</summary>
    private bool PayloadHolds(DeliveryRow d)
    {
        var body = d.Kind == "alert" ? Outbox.AlertJson(d.Id, d.Payload) : d.Payload;
        return body is not null && d.PayloadMac is not null
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(d.PayloadMac, dataKeys.Ring.BindPayload(Outbox.PayloadFact(d.HostPartyId, d.Kind, body)));
    }

    /// <summary>Why a delivery whose subscription CaseFlow did not bind as it now reads is never sent (see migration 0020).</summary>
    public const string Unbound = "not sent: the subscription's target, channel or host party was changed outside CaseFlow; set its target again through the API";

    /// <summary>Why a delivery whose payload is not what CaseFlow wrote is never sent (see migration 0022).</summary>
    public const string Altered = "not sent: the delivery's payload, kind or host party was changed outside CaseFlow";

    private async Task<bool> SendAndRecordAsync(DeliveryRow d, CancellationToken ct)
    {
        var refused = !secrets.Holds(d.Binding, Outbox.Address(d.SubscriptionId, d.HostPartyId, d.Channel, d.Target)) ? Unbound
            : !PayloadHolds(d) ? Altered : null;
        if (refused is not null)
        {
            log.LogError("Delivery {Delivery} of subscription {Subscription}: {Error}", d.Id, d.SubscriptionId, refused);
            var now = clock.GetCurrentInstant();
            await Outbox.CompleteAsync(db, d.Id, d.LeaseToken, "dead", d.Attempts, refused, now, now, ct);
            return false;
        }
        var target = TargetKey(d);
        targetOfSubscription[d.SubscriptionId] = target;
        inFlightByTarget.AddOrUpdate(target, 1, (_, n) => n + 1);
        try
        {
            string? error = null;
            var breakerOpen = false;
            // Two subscriptions to one target may both have been claimed: the target's slots keep its limit.
            var slot = slots.GetOrAdd(target, _ => new SemaphoreSlim(options.Value.PerTarget));
            await slot.WaitAsync(ct);
            try
            {
                await Pipeline(target).ExecuteAsync(async token => await SendAsync(d, token), ct);
            }
            catch (BrokenCircuitException e)
            {
                (error, breakerOpen) = ($"{e.GetType().Name}: {e.Message}", true);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                error = $"{e.GetType().Name}: {e.Message}";
            }
            finally
            {
                slot.Release();
            }
            var recorded = await RecordAsync(d, error, breakerOpen, ct);
            if (!recorded) log.LogWarning("Delivery {Delivery}: the lease ran out before the outcome was recorded; another node owns it now", d.Id);
            else if (error is not null) log.LogWarning("Delivery {Delivery} attempt {Attempt} failed: {Error}", d.Id, d.Attempts + 1, error);
            return recorded && error is null;
        }
        finally
        {
            inFlightByTarget.AddOrUpdate(target, 0, (_, n) => n - 1);
        }
    }

    private ResiliencePipeline Pipeline(string target) => pipelines.GetOrAdd(target, _ => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TimeoutRejectedException>().Handle<SmtpException>().Handle<IOException>(),
            MaxRetryAttempts = Math.Max(1, options.Value.QuickRetries),
            Delay = options.Value.QuickRetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TimeoutRejectedException>().Handle<SmtpException>().Handle<IOException>(),
            FailureRatio = 1.0,
            MinimumThroughput = Math.Max(2, options.Value.BreakAfter),
            SamplingDuration = TimeSpan.FromMinutes(5),
            BreakDuration = options.Value.BreakFor,
        })
        .AddTimeout(options.Value.Timeout)
        .Build());

    /// <summary>Scheme, host and port of a webhook (one SMTP server for e-mail): what concurrency limits and circuit breakers are kept per.</summary>
    private string TargetKey(DeliveryRow d) =>
        d.Channel == "webhook" && Uri.TryCreate(d.Target, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Host}:{uri.Port}" : $"smtp://{options.Value.SmtpHost}:{options.Value.SmtpPort}";

    private async ValueTask SendAsync(DeliveryRow d, CancellationToken ct)
    {
        if (d.Channel == "webhook")
        {
            if (WebhookTargets.FormatProblem(d.Target) is { } problem) throw new InvalidOperationException($"webhook target is not {problem}");
            using var request = new HttpRequestMessage(HttpMethod.Post, d.Target) { Content = new StringContent(d.Payload, Encoding.UTF8, "application/json") };
            request.Headers.Add(DeliveryHeader, d.Id.ToString());
            if (d.SealedSecret is not null) request.Headers.Add(SignatureHeader, Signature(secrets.Open(d.SealedSecret), clock.GetCurrentInstant(), d.Payload));
            using var response = await http.CreateClient("webhooks").SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if ((int)response.StatusCode is >= 300 and < 400) throw new HttpRequestException($"webhook answered {(int)response.StatusCode} (redirects are not followed)");
            if (!response.IsSuccessStatusCode) throw new HttpRequestException($"webhook answered {(int)response.StatusCode}");
            return;
        }
        using var smtp = new SmtpClient(options.Value.SmtpHost, options.Value.SmtpPort);
        using var message = new MailMessage(options.Value.From, d.Target, Subject(d), await DigestNames.FillAsync(db, dataKeys, d.HostPartyId, d.Payload, ct));
        message.Headers.Add(DeliveryHeader, d.Id.ToString());
        await smtp.SendMailAsync(message, ct);
    }

    private static string Subject(DeliveryRow d)
    {
        if (d.Kind == "digest") return "[CaseFlow] Daily digest of open alerts";
        using var doc = JsonDocument.Parse(d.Payload);
        var alert = doc.RootElement.GetProperty("alert");
        return $"[CaseFlow] {alert.GetProperty("kind").GetString()} ({alert.GetProperty("level").GetString()}): {alert.GetProperty("message").GetString()}";
    }

    /// <summary>The signature header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, t + "." + body)&gt;</c>.</summary>
    public static string Signature(string secret, Instant at, string body)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}")))}";
    }

    private Task<bool> RecordAsync(DeliveryRow d, string? error, bool breakerOpen, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        if (breakerOpen) // the target is known to be failing: wait for the breaker, count no attempt
            return Outbox.CompleteAsync(db, d.Id, d.LeaseToken, d.Attempts == 0 ? "pending" : "failed", d.Attempts, error, now + Duration.FromTimeSpan(options.Value.BreakFor), now, ct);
        var attempts = d.Attempts + 1;
        var state = error is null ? "delivered" : attempts >= options.Value.MaxAttempts ? "dead" : "failed";
        var wait = TimeSpan.FromTicks(Math.Min(options.Value.MaxBackoff.Ticks, options.Value.Backoff.Ticks * (1L << Math.Min(attempts - 1, 20))));
        var jittered = wait * (0.8 + 0.4 * Random.Shared.NextDouble());
        return Outbox.CompleteAsync(db, d.Id, d.LeaseToken, state, attempts, error, now + Duration.FromTimeSpan(jittered), now, ct);
    }

    /// <summary>Ops: send a delivery again (dead, failed, cancelled or even delivered), now. False when there is no such delivery.</summary>
    public Task<DeliveryView?> RedeliverAsync(Guid id, CancellationToken ct) => Outbox.RedeliverAsync(db, id, ct);
}
