using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CaseFlow.Api.Alerts;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Delivery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace CaseFlow.Api.Tests;

/// <summary>A webhook receiver on loopback that fails its first <c>failures</c> calls, checks signatures and de-duplicates on delivery id.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private int calls;

    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int FailFirst { get; set; }

    /// <summary>The status a failing call answers (503 unless set).</summary>
    public int FailWith { get; set; } = 503;

    /// <summary>Every Cookie header a call carried: every answer sets a cookie, which CaseFlow must never send back (targets are shared by tenants).</summary>
    public ConcurrentBag<string> Cookies { get; } = [];

    /// <summary>The first call is taken and held until <see cref="Release"/> (a node dying mid-send), then fails; later calls are answered at once.</summary>
    public bool HoldFirst { get; set; }

    /// <summary>The delivery id of every call, duplicates included.</summary>
    public ConcurrentBag<string> DeliveryIds { get; } = [];

    public void Release() => released.TrySetResult();
    public bool FailAlways { get; set; }
    public string Secret { get; }
    public ConcurrentDictionary<string, string> Received { get; } = new();
    public ConcurrentBag<string> BadSignatures { get; } = [];
    public ConcurrentBag<string> Signatures { get; } = [];
    public int Calls => calls;
    public string Url { get; }

    public WebhookReceiver(string secret)
    {
        Secret = secret;
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/hook";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        app = builder.Build();
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            var n = Interlocked.Increment(ref calls);
            DeliveryIds.Add(request.Headers["X-CaseFlow-Delivery"].ToString());
            if (request.Headers.Cookie.ToString() is { Length: > 0 } cookie) Cookies.Add(cookie);
            request.HttpContext.Response.Headers.SetCookie = $"receiver-session={n}; Path=/";
            if (HoldFirst && n == 1)
            {
                await released.Task;
                return Results.StatusCode(503); // the held call fails: a node recording it without its lease would turn a delivered delivery back to failed
            }
            if (FailAlways || n <= FailFirst) return Results.StatusCode(FailWith);
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            // The receiver checks the signature as a customer would (docs/api/README.md, "Webhooks"), with its own HMAC (not CaseFlow's
            // signer), by its literal header names: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">.
            var signature = request.Headers["X-CaseFlow-Signature"].ToString();
            var parts = signature.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
            var expected = parts.TryGetValue("t", out var t) ? Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes($"{t}.{body}"))) : null;
            if (expected is null || !parts.TryGetValue("v1", out var v1) || v1 != expected) BadSignatures.Add(signature);
            Signatures.Add(signature);
            Received.TryAdd(request.Headers["X-CaseFlow-Delivery"].ToString(), body);
            return Results.Ok();
        });
        app.StartAsync().GetAwaiter().GetResult();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

/// <summary>A minimal SMTP server on loopback (RFC 5321 happy path) that keeps every message it accepts.</summary>
public sealed class SmtpSink : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();

    public ConcurrentBag<string> Messages { get; } = [];
    public int Port { get; }

    /// <summary>A message as its reader sees it: quoted-printable soft line breaks joined and <c>=XX</c> escapes decoded (headers are left as they are).</summary>
    public static string Text(string message) =>
        System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Replace(message, "=\r?\n", ""), "=([0-9A-F]{2})",
            m => ((char)Convert.ToByte(m.Groups[1].Value, 16)).ToString());

    public SmtpSink()
    {
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = Task.Run(AcceptAsync);
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 caseflow-test ESMTP");
            while (await reader.ReadLineAsync() is { } line)
            {
                var verb = line.Split(' ')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO": await writer.WriteLineAsync("250 caseflow-test"); break;
                    case "MAIL" or "RCPT" or "RSET" or "NOOP": await writer.WriteLineAsync("250 OK"); break;
                    case "DATA":
                        await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                        var message = new StringBuilder();
                        while (await reader.ReadLineAsync() is { } data && data != ".") message.AppendLine(data);
                        Messages.Add(message.ToString());
                        await writer.WriteLineAsync("250 queued");
                        break;
                    case "QUIT": await writer.WriteLineAsync("221 bye"); return;
                    default: await writer.WriteLineAsync("502 not implemented"); break;
                }
            }
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }
}
