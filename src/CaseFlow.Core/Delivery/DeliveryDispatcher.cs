using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Npgsql;
using Polly;
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

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public string SmtpHost { get; set; } = "127.0.0.1";

    public int SmtpPort { get; set; } = 25;

    public string From { get; set; } = "caseflow@localhost";
}

/// <summary>
/// Sends what the outbox holds. Each due delivery (pending, or failed and due again) is locked (FOR UPDATE SKIP LOCKED, so several
/// nodes share the work), sent through a Polly pipeline (timeout, quick retries with exponential backoff and jitter) and marked
/// delivered; a failed attempt is rescheduled with exponential backoff and jitter, and after <see cref="DeliveryOptions.MaxAttempts"/>
/// it is dead. Webhooks carry the delivery id (receivers de-duplicate on it: a crash between sending and marking can resend) and an
/// HMAC-SHA256 signature of the body with the subscription's secret.
/// </summary>
public sealed class DeliveryDispatcher(NpgsqlDataSource db, IHttpClientFactory http, IClock clock, IOptions<DeliveryOptions> options, ILogger<DeliveryDispatcher> log)
{
    public const string DeliveryHeader = "X-CaseFlow-Delivery";
    public const string SignatureHeader = "X-CaseFlow-Signature";

    private readonly ResiliencePipeline pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TimeoutRejectedException>().Handle<SmtpException>().Handle<IOException>(),
            MaxRetryAttempts = Math.Max(1, options.Value.QuickRetries),
            Delay = options.Value.QuickRetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .AddTimeout(options.Value.Timeout)
        .Build();

    /// <summary>Sends every due delivery; returns how many were delivered.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        var delivered = 0;
        while (true)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var due = await Outbox.LockDueAsync(connection, tx, clock.GetCurrentInstant(), ct);
            if (due.Count == 0) return delivered;
            foreach (var d in due)
            {
                string? error = null;
                try
                {
                    await pipeline.ExecuteAsync(async token => await SendAsync(d, token), ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    error = $"{e.GetType().Name}: {e.Message}";
                }
                await MarkAsync(connection, tx, d, error, ct);
                if (error is null) delivered++;
                else log.LogWarning("Delivery {Delivery} attempt {Attempt} failed: {Error}", d.Id, d.Attempts + 1, error);
            }
            await tx.CommitAsync(ct);
        }
    }

    private async ValueTask SendAsync(DeliveryRow d, CancellationToken ct)
    {
        if (d.Channel == "webhook")
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, d.Target) { Content = new StringContent(d.Payload, Encoding.UTF8, "application/json") };
            request.Headers.Add(DeliveryHeader, d.Id.ToString());
            if (d.Secret is not null) request.Headers.Add(SignatureHeader, "sha256=" + Sign(d.Secret, d.Payload));
            using var response = await http.CreateClient("webhooks").SendAsync(request, ct);
            if (!response.IsSuccessStatusCode) throw new HttpRequestException($"webhook answered {(int)response.StatusCode}");
            return;
        }
        using var smtp = new SmtpClient(options.Value.SmtpHost, options.Value.SmtpPort);
        using var message = new MailMessage(options.Value.From, d.Target, Subject(d), d.Payload);
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

    public static string Sign(string secret, string body) => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    private async Task MarkAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DeliveryRow d, string? error, CancellationToken ct)
    {
        var attempts = d.Attempts + 1;
        var now = clock.GetCurrentInstant();
        var state = error is null ? "delivered" : attempts >= options.Value.MaxAttempts ? "dead" : "failed";
        var wait = TimeSpan.FromTicks(Math.Min(options.Value.MaxBackoff.Ticks, options.Value.Backoff.Ticks * (1L << Math.Min(attempts - 1, 20))));
        var jittered = wait * (0.8 + 0.4 * Random.Shared.NextDouble());
        await Outbox.MarkAsync(connection, tx, d.Id, state, attempts, error, now + Duration.FromTimeSpan(jittered), now, ct);
    }

    /// <summary>Ops: send a delivery again (dead, failed or even delivered), now. False when there is no such delivery.</summary>
    public Task<bool> RedeliverAsync(Guid id, CancellationToken ct)
    {
        return Outbox.RedeliverAsync(db, id, ct);
    }
}
