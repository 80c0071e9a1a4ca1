using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CaseFlow.Api.HostParties;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Json;
using CaseFlow.Domain.Rules;
using CaseFlow.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>A settable clock (NodaTime.Testing is not obtainable here).</summary>
public sealed class FakeClock(Instant now) : IClock
{
    private Instant now = now;

    public Instant GetCurrentInstant() => now;

    public void Set(Instant instant) => now = instant;
}

/// <summary>
/// The API on a database of its own, with a fake clock set to 2024-06-01 12:00 in Almaty, two host parties (A small, B large) and a
/// user per role: compliance of A and of B, auditor of A and of B, ops, admin, plus a revoked key of A and a key no one was given.
/// </summary>
public class CaseFlowApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public FakeClock Clock { get; } = new(Instant.FromUtc(2024, 6, 1, 7, 0));
    private string connectionString = "";

    public static JsonSerializerOptions Json => CaseFlowJson.Options;

    /// <summary>Run the Quartz scheduler in this host (off by default: most tests call the services directly).</summary>
    public virtual bool RunJobs => false;

    /// <summary>Requests per minute per client and per key.</summary>
    public virtual int RateLimitPerMinute => 1_000_000;

    public Guid HostA { get; } = Guid.CreateVersion7();
    public Guid HostB { get; } = Guid.CreateVersion7();
    public Dictionary<string, string> Keys { get; } = [];

    /// <summary>Starts the host (in memory; the console's browser tests serve it with Kestrel instead).</summary>
    protected virtual void Start() => _ = Server;

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync("api");
        Start(); // start the host: migrations run at start
        var hosts = Services.GetRequiredService<HostPartyStore>();
        await hosts.AddAsync(new HostParty(HostA, "Host A", Bin(), HostPartySize.Small), "test");
        await hosts.AddAsync(new HostParty(HostB, "Host B", Bin(), HostPartySize.Large), "test");
        var users = Services.GetRequiredService<UserStore>();
        Keys["compliance"] = (await users.AddAsync("Officer A", Role.Compliance, [HostA])).ApiKey;
        Keys["complianceB"] = (await users.AddAsync("Officer B", Role.Compliance, [HostB])).ApiKey;
        Keys["auditor"] = (await users.AddAsync("Auditor A", Role.Auditor, [HostA])).ApiKey;
        Keys["auditorB"] = (await users.AddAsync("Auditor B", Role.Auditor, [HostB])).ApiKey;
        var revoked = await users.AddAsync("Revoked A", Role.Compliance, [HostA]);
        await users.RevokeAsync(revoked.User.Id);
        Keys["revoked"] = revoked.ApiKey;
        Keys["bad"] = "cf_not-a-key-anyone-was-given";
        Keys["ops"] = (await users.AddAsync("Ops", Role.Ops, [])).ApiKey;
        Keys["admin"] = (await users.AddAsync("Admin", Role.Admin, [])).ApiKey;
    }

    /// <summary>The key webhook secrets are sealed with in this app (tests open sealed values with it).</summary>
    /// <summary>The test's own master, blind-index and seal keys (inline: no key file in the working directory).</summary>
    public CaseFlow.Core.Security.KeyOptions DataKeyOptions { get; } = CaseFlow.Core.Security.KeyRing.EphemeralOptions();

    public string SecretsKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private static string Bin() => Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("CASEFLOW_DB", connectionString);
        // Jobs are driven by the tests (services called directly, or Quartz fired on demand in the scheduler tests).
        builder.UseSetting("CaseFlow:Jobs:Run", RunJobs ? "true" : "false");
        builder.UseEnvironment("Testing");
        // Tests send many requests from one client; the limiter itself is tested with low limits in RateLimitTests.
        builder.UseSetting("CaseFlow:RateLimits:AnonymousPerMinute", RateLimitPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("CaseFlow:RateLimits:PerKeyPerMinute", RateLimitPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // A secrets key of the test's own (never a file in the working directory); webhook receivers listen on loopback.
        builder.UseSetting("CaseFlow:Secrets:Key", SecretsKey);
        builder.UseSetting("CaseFlow:Keys:Master", DataKeyOptions.Master);
        builder.UseSetting("CaseFlow:Keys:Index", DataKeyOptions.Index);
        builder.UseSetting("CaseFlow:Keys:Seal", DataKeyOptions.Seal);
        builder.UseSetting("CaseFlow:Delivery:AllowedNetworks:0", "127.0.0.1");
        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<IClock>(Clock)));
    }

    /// <summary>
    /// One sweep, once the global log shows every committed event. The tests share one PostgreSQL cluster, and any transaction open in
    /// it (another test class's projection batch) holds the log's safe point back: a sweep then would leave a just-recorded change
    /// to its next tick (nothing is lost, as in production), but a test that sweeps once expects to see it.
    /// </summary>
    public async Task<SweepResult> SweepAsync(IServiceProvider? node = null, CancellationToken ct = default)
    {
        var db = Services.GetRequiredService<NpgsqlDataSource>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var behind = db.CreateCommand("SELECT count(*) FROM events WHERE tx >= pg_snapshot_xmin(pg_current_snapshot())");
            if ((long)(await behind.ExecuteScalarAsync(ct))! == 0 || DateTime.UtcNow > deadline) break;
            await Task.Delay(20, ct);
        }
        return await (node ?? Services).GetRequiredService<AlertSweeper>().SweepAsync(ct);
    }

    /// <summary>A German visitor's case opened by <paramref name="user"/> for <paramref name="host"/>, entered on <paramref name="entered"/>: its URL.</summary>
    public async Task<string> EnteredCaseAsync(Guid host, string user, string family, string entered)
    {
        var client = Client(user);
        var open = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = family, givenNames = "N", nationality = "DE", birthDate = "1980-01-01", passportNumber = Guid.NewGuid().ToString("N")[..9] },
            hostPartyId = host,
        });
        var c = open.Headers.Location!.ToString();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/entries", new { date = entered, borderPoint = "ALA" }, "\"1\"")).StatusCode);
        return c;
    }

    /// <summary>Waits (at most 30 s) until every projection runs and has processed every event of the test database.</summary>
    public async Task ProjectionsCaughtUpAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await ScalarAsync<long>("SELECT count(*) FROM projections WHERE processed < (SELECT count(*) FROM events) OR state <> 'running'") > 0
               || await ScalarAsync<long>("SELECT count(*) FROM projections") < 4)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("projections did not catch up");
            await Task.Delay(50);
        }
    }

    /// <summary>The one value a query of the test database answers (parameters <c>$1</c>, <c>$2</c>... in order).</summary>
    public async Task<T> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var command = Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var a in args) command.Parameters.Add(new() { Value = a });
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>One alert delivery owed to <paramref name="subscription"/>, due now, written as the outbox writes it (payload and its MAC); its id.</summary>
    public async Task<Guid> OweDeliveryAsync(Guid subscription)
    {
        var id = Guid.NewGuid();
        var host = await ScalarAsync<Guid>("SELECT host_party_id FROM subscriptions WHERE id = $1", subscription);
        const string alert = """{"kind":"overstay","level":"day1","message":"m"}""";
        await using var command = Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("""
            INSERT INTO deliveries (id, subscription_id, alert_id, kind, payload, payload_mac, next_attempt_at, created_at)
            VALUES ($1, $2, $1, 'alert', $3, $4, '-infinity', now())
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = subscription });
        command.Parameters.Add(new() { Value = CaseFlow.Core.Delivery.Outbox.AlertEnvelope(id, alert) });
        command.Parameters.Add(new() { Value = Services.GetRequiredService<CaseFlow.Core.Security.KeyRing>().BindPayload(CaseFlow.Core.Delivery.Outbox.PayloadFact(host, "alert", alert)) });
        await command.ExecuteNonQueryAsync();
        return id;
    }

    /// <summary>A client sending the API key of <paramref name="user"/> (a key of <see cref="Keys"/>), or none.</summary>
    public HttpClient Client(string? user = "compliance")
    {
        var client = CreateClient();
        if (user is not null) client.DefaultRequestHeaders.Add(UserStore.Header, Keys[user]);
        return client;
    }
}

public static class HttpExtensions
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body, string? ifMatch = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: CaseFlowApp.Json) };
        if (ifMatch is not null) request.Headers.IfMatch.Add(new EntityTagHeaderValue(ifMatch));
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body, options: CaseFlowApp.Json) });

    public static async Task<string> TypeAsync(this HttpResponseMessage response) => (await response.JsonAsync()).GetProperty("type").GetString()!;

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
