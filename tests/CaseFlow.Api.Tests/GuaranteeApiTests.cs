using System.Net;
using System.Text;
using CaseFlow.Api.Cases;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Cases;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>Guarantees of docs/architecture.md on the path CaseFlow really uses, each pinned by a test a realistic bug breaks.</summary>
public class GuaranteeApiTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private async Task<string> OpenAsync()
    {
        var response = await app.Client().PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Guarantee", givenNames = "Test", nationality = "DE", birthDate = "1985-01-01", passportNumber = "G" + Random.Shared.Next(10_000_000, 99_999_999) },
            hostPartyId = app.HostA,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    private async Task<long> Scalar(string sql, NpgsqlConnection? connection = null, NpgsqlTransaction? tx = null, params object[] args)
    {
        await using var own = connection is null ? await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync() : null;
        await using var command = new NpgsqlCommand(sql, connection ?? own, tx);
        foreach (var a in args) command.Parameters.Add(new() { Value = a });
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task ARefusedRequest_GivesItsIdempotencyKeyBack_TheCorrectedRetryWithTheSameKeySucceeds()
    {
        var c = await OpenAsync();
        var client = app.Client();
        // Refused: a notification with no entry (000 §1 needs an arrival first). Nothing is kept, the key included.
        var refused = await client.PostJsonAsync($"{c}/notifications", new { date = "2024-05-21", channel = "eQonaq" }, "\"1\"", "key-refused-1");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var retried = await client.PostJsonAsync($"{c}/entries", new { date = "2024-05-20", borderPoint = "NQZ" }, "\"1\"", "key-refused-1");
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.False(retried.Headers.Contains("Idempotent-Replayed"));
        // And the same for a POST outside the append path (a subscription refused for its mode).
        var bad = await client.PostJsonAsync($"/api/host-parties/{app.HostA}/subscriptions", new { channel = "webhook", target = "http://127.0.0.1:9/x", mode = "never" }, idempotencyKey: "key-refused-2");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var good = await client.PostJsonAsync($"/api/host-parties/{app.HostA}/subscriptions", new { channel = "webhook", target = "http://127.0.0.1:9/x", mode = "each" }, idempotencyKey: "key-refused-2");
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        var repeat = await client.PostJsonAsync($"/api/host-parties/{app.HostA}/subscriptions", new { channel = "webhook", target = "http://127.0.0.1:9/x", mode = "each" }, idempotencyKey: "key-refused-2");
        Assert.Equal((HttpStatusCode.Created, "true"), (repeat.StatusCode, repeat.Headers.GetValues("Idempotent-Replayed").Single()));
        Assert.Equal(await good.Content.ReadAsStringAsync(), await repeat.Content.ReadAsStringAsync());
        Assert.Equal(1, await Scalar("SELECT count(*) FROM subscriptions WHERE target = 'http://127.0.0.1:9/x'"));
    }

    [Fact]
    public async Task InlineProjections_StatusRowAlertAndOutbox_AreWrittenInTheCallersTransaction_AndRollBackWithTheEvents()
    {
        var c = await OpenAsync();
        var subscribed = await app.Client().PostJsonAsync($"/api/host-parties/{app.HostA}/subscriptions", new { channel = "webhook", target = "http://127.0.0.1:9/inline", mode = "each" });
        Assert.Equal(HttpStatusCode.Created, subscribed.StatusCode);
        var id = new CaseId(Guid.Parse(c.Split('/')[^1]));
        var repository = app.Services.GetRequiredService<CaseRepository>();
        var catalogue = app.Services.GetRequiredService<RuleCatalogue>();
        var current = (await repository.LoadAsync(id))!;
        var alertId = Guid.NewGuid();
        var today = new LocalDate(2024, 6, 1);
        var decided = new List<CaseEvent> { new Entered(id, today, "NQZ", "test") };
        var withEntry = CaseState.Fold(current.Events.Concat(decided));
        var raised = CaseDecider.Decide(new RaiseAlert(id, alertId, "arrivalNotification", "due", today, "due today", "NOTIFY-3WD", null, null, null, null, "sweep", today),
            withEntry, catalogue).Events;
        var eventsBefore = await Scalar("SELECT count(*) FROM events");

        await using (var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            var updated = await repository.AppendAsync(connection, tx, current, id, decided, new EventMetadata("test", Guid.NewGuid()), CancellationToken.None);
            // The alert goes to the case's alert stream (issue 11), in the same caller's transaction here.
            await AlertRepository.AppendManyAsync(connection, tx, [new AlertAppend(new CaseAlerts(updated, updated.State, 0, AlertRepository.StreamFor(updated.Id)), raised)], new EventMetadata("sweep", Guid.NewGuid()),
                CancellationToken.None);
            // Inside the caller's transaction: the status row, the alert and its outbox row are there with the events.
            Assert.Equal(1, await Scalar("SELECT count(*) FROM case_status WHERE case_id = $1 AND in_country", connection, tx, id.Value));
            Assert.Equal(1, await Scalar("SELECT count(*) FROM alerts WHERE id = $1", connection, tx, alertId));
            Assert.Equal(1, await Scalar("SELECT count(*) FROM events WHERE stream_id = $1", connection, tx, AlertRepository.StreamFor(id)));
            Assert.Equal(await Scalar("SELECT count(*) FROM subscriptions WHERE host_party_id = $1 AND mode = 'each' AND deleted_at IS NULL", connection, tx, app.HostA),
                await Scalar("SELECT count(*) FROM deliveries WHERE alert_id = $1", connection, tx, alertId));
            await tx.RollbackAsync();
        }
        Assert.Equal(eventsBefore, await Scalar("SELECT count(*) FROM events"));
        Assert.Equal(0, await Scalar("SELECT count(*) FROM case_status WHERE case_id = $1 AND in_country", null, null, id.Value));
        Assert.Equal(0, await Scalar("SELECT count(*) FROM alerts WHERE id = $1", null, null, alertId));
        Assert.Equal(0, await Scalar("SELECT count(*) FROM deliveries WHERE alert_id = $1", null, null, alertId));
    }

    [Fact]
    public async Task At20Utc_TodayIsAlreadyTomorrowInAlmaty()
    {
        // Asia/Almaty is UTC+5 since 1 Mar 2024: 20:00 UTC on 1 Jun is 01:00 on 2 Jun there.
        var before = app.Clock.GetCurrentInstant();
        app.Clock.Set(Instant.FromUtc(2024, 6, 1, 20, 0));
        try
        {
            var c = await OpenAsync();
            var client = app.Client();
            var entered = await client.PostJsonAsync($"{c}/entries", new { date = "2024-06-02", borderPoint = "NQZ" }, "\"1\"");
            Assert.Equal(HttpStatusCode.OK, entered.StatusCode); // not "in the future"
            Assert.Equal("2024-06-02", (await entered.JsonAsync()).GetProperty("evaluation").GetProperty("asOf").GetString());
            var tomorrow = await client.PostJsonAsync($"{c}/notifications", new { date = "2024-06-03", channel = "eQonaq" }, "\"2\"");
            Assert.Equal("urn:caseflow:date.in-future", await tomorrow.TypeAsync());
        }
        finally
        {
            app.Clock.Set(before);
        }
    }
}

/// <summary>The rate limiter, with limits low enough to reach: 429 with Retry-After as a ProblemDetails, per key and per anonymous client.</summary>
public class RateLimitTests(RateLimitTests.LowLimitApp app) : IClassFixture<RateLimitTests.LowLimitApp>
{
    public sealed class LowLimitApp : CaseFlowApp
    {
        public override int RateLimitPerMinute => 5;
    }

    [Fact]
    public async Task SixthRequestInAMinute_429WithRetryAfter_OtherKeysUnaffected()
    {
        var client = app.Client("auditor");
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/cases")).StatusCode);
        var limited = await client.GetAsync("/api/cases");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("urn:caseflow:rate-limited", await limited.TypeAsync());
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.OK, (await app.Client("complianceB").GetAsync("/api/cases")).StatusCode);

        var anonymous = app.Client(null);
        var body = new StringContent("""{"person":{"nationality":"DE"},"events":[]}""", Encoding.UTF8, "application/json");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++) statuses.Add((await anonymous.PostAsync("/api/evaluate?asOf=2024-01-01", body)).StatusCode);
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], statuses);
        // Made-up keys buy nothing: they count against the same anonymous budget, already spent.
        var forged = app.Client(null);
        forged.DefaultRequestHeaders.Add("X-Api-Key", "cf_" + Guid.NewGuid());
        Assert.Equal(HttpStatusCode.TooManyRequests, (await forged.PostAsync("/api/evaluate?asOf=2024-01-01", body)).StatusCode);
    }
}

/// <summary>PostgreSQL out of reach: 503 with Retry-After, never 500.</summary>
public class DatabaseDownTests
{
    [Fact]
    public async Task DatabaseUnreachable_503WithRetryAfter()
    {
        // A port nothing listens on: every connection is refused.
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var factory = new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("CASEFLOW_DB", $"Host=127.0.0.1;Port={port};Username=postgres;Database=none;Timeout=2");
            b.UseSetting("CaseFlow:Jobs:Run", "false");
            b.UseSetting("CaseFlow:Projections:Run", "false");
        });
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", "cf_any");
        var response = await client.GetAsync("/api/cases");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("urn:caseflow:unavailable", await response.TypeAsync());
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
    }
}

/// <summary>Bad input answered in the API's own words: every problem at once, the field or parameter named, no .NET type names.</summary>
public class BadInputAnswerTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    [Fact]
    public async Task EveryProblemOfABody_AtOnce_EachNamingItsFieldAndTheAllowedValues()
    {
        var response = await app.Client().PostJsonAsync("/api/cases", new
        {
            person = new { familyName = new string('x', 101), givenNames = "A\u0000B", nationality = "DE", birthDate = "1899-12-31", passportNumber = "AB-12" },
            hostPartyId = app.HostA,
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.Equal("at most 100 characters", errors.GetProperty("person.familyName")[0].GetString());
        Assert.Equal("contains a control character (U+0000 at position 2)", errors.GetProperty("person.givenNames")[0].GetString());
        Assert.Equal("must be between 1900-01-01 and 2100-12-31", errors.GetProperty("person.birthDate")[0].GetString());
        Assert.Equal("letters A-Z and digits only", errors.GetProperty("person.passportNumber")[0].GetString());

        var c = (await app.Client().PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Enum", givenNames = "Test", nationality = "DE", birthDate = "1990-01-01", passportNumber = "EN" + Random.Shared.Next(100000, 999999) },
            hostPartyId = app.HostA,
        })).Headers.Location!.ToString();
        var channel = await app.Client().PostJsonAsync($"{c}/notifications", new { date = "2024-05-01", channel = "fax" }, "\"1\"");
        var problem = await channel.JsonAsync();
        Assert.Equal("one of eQonaq, vmpGovKz, expatCentre", problem.GetProperty("errors").GetProperty("channel")[0].GetString());
        Assert.DoesNotContain("CaseFlow.", problem.ToString(), StringComparison.Ordinal);
        var unknown = await (await app.Client().PostJsonAsync($"{c}/exits", new { date = "2024-05-01", when = "now" }, "\"1\"")).JsonAsync();
        Assert.Equal("not a field of this request", unknown.GetProperty("errors").GetProperty("when")[0].GetString());
    }

    [Fact]
    public async Task BadQueryValues_400NamingTheParameter_WeakETag_412()
    {
        var client = app.Client();
        var guid = await (await client.GetAsync("/api/cases?hostParty=abc")).JsonAsync();
        Assert.Equal("must be a UUID", guid.GetProperty("errors").GetProperty("hostParty")[0].GetString());
        var number = await (await client.GetAsync("/api/cases?limit=ten")).JsonAsync();
        Assert.Equal("must be a whole number", number.GetProperty("errors").GetProperty("limit")[0].GetString());
        var key = new HttpRequestMessage(HttpMethod.Get, "/api/cases");
        key.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 201));
        var keyProblem = await (await client.SendAsync(key)).JsonAsync();
        Assert.Equal("1 to 200 visible ASCII characters", keyProblem.GetProperty("errors").GetProperty("Idempotency-Key")[0].GetString());
        var unauthorized = await (await app.Client(null).GetAsync("/api/cases")).JsonAsync();
        Assert.Equal("Send a valid, unrevoked API key in the X-Api-Key header", unauthorized.GetProperty("detail").GetString());
        var forbidden = await (await app.Client("ops").GetAsync("/api/cases")).JsonAsync();
        Assert.Equal("The ops role may not do this; allowed: compliance, auditor", forbidden.GetProperty("detail").GetString());
        var kind = await (await client.GetAsync("/api/alerts?kind=everything")).JsonAsync();
        Assert.StartsWith("one of arrivalNotification, stayEnding, overstay", kind.GetProperty("errors").GetProperty("kind")[0].GetString(), StringComparison.Ordinal);

        var c = (await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Weak", givenNames = "Tag", nationality = "DE", birthDate = "1990-01-01", passportNumber = "WT" + Random.Shared.Next(100000, 999999) },
            hostPartyId = app.HostA,
        })).Headers.Location!.ToString();
        var request = new HttpRequestMessage(HttpMethod.Post, $"{c}/entries") { Content = System.Net.Http.Json.JsonContent.Create(new { date = "2024-05-01", borderPoint = "NQZ" }) };
        request.Headers.TryAddWithoutValidation("If-Match", "W/\"1\"");
        var weak = await client.SendAsync(request);
        Assert.Equal((HttpStatusCode.PreconditionFailed, "urn:caseflow:precondition-failed"), (weak.StatusCode, await weak.TypeAsync()));
    }
}
