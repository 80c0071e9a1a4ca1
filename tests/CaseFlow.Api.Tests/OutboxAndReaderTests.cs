using System.Net;
using CaseFlow.Core.Delivery;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>
/// The outbox as ops and subscribers see it (filters by host party, mode and state; a digest per day; a failed attempt's error kept)
/// and the edges of the one readable-case path (a known-at instant equal to an event's recording, before the first event, no case).
/// </summary>
public class OutboxAndReaderTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private NpgsqlDataSource Db => app.Services.GetRequiredService<NpgsqlDataSource>();

    [Fact]
    public async Task Subscriptions_AreFilteredByHostPartyAndMode_DeliveriesByState_WithTheirNullableColumns()
    {
        var ring = app.Services.GetRequiredService<CaseFlow.Core.Security.KeyRing>();
        Subscription Sub(Guid host, string mode) => new(Guid.CreateVersion7(), host, "webhook", $"http://127.0.0.1:9/{mode}", mode);
        var (aEach, aDigest, bEach) = (Sub(app.HostA, "each"), Sub(app.HostA, "digest"), Sub(app.HostB, "each"));
        foreach (var s in new[] { aEach, aDigest, bEach }) Assert.True(await Outbox.SubscribeAsync(Db, app.Services.GetRequiredService<CaseFlow.Core.Security.SecretBox>(), s, null, "user:test", CancellationToken.None));

        Assert.Equal([aEach.Id, aDigest.Id], (await Outbox.SubscriptionsAsync(Db, app.HostA, null, CancellationToken.None)).Select(s => s.Id));
        Assert.Equal([aDigest.Id], (await Outbox.SubscriptionsAsync(Db, null, "digest", CancellationToken.None)).Select(s => s.Id));
        Assert.Equal([bEach.Id], (await Outbox.SubscriptionsAsync(Db, app.HostB, "each", CancellationToken.None)).Select(s => s.Id));

        // A digest per subscription and day: the same day twice adds nothing, the next day adds one.
        var day = new LocalDate(2024, 6, 1);
        Assert.Equal(1, await Outbox.EnqueueDigestAsync(Db, ring, aDigest, day, "digest 1", CancellationToken.None));
        Assert.Equal(0, await Outbox.EnqueueDigestAsync(Db, ring, aDigest, day, "digest 1 again", CancellationToken.None));
        Assert.Equal(1, await Outbox.EnqueueDigestAsync(Db, ring, aDigest, day.PlusDays(1), "digest 2", CancellationToken.None));

        // One attempt fails (its error kept, rescheduled), the other is delivered.
        var now = Instant.FromUtc(2024, 6, 1, 7, 0);
        var due = await Outbox.ClaimAsync(Db, "node-1", now, now + Duration.FromMinutes(2), 10, 5, [], CancellationToken.None);
        Assert.Equal(2, due.Count);
        Assert.All(due, d => Assert.Equal(("digest", "webhook", aDigest.Id, app.HostA), (d.Kind, d.Channel, d.SubscriptionId, d.HostPartyId)));
        // Leased: another node finds nothing until the lease ends; an outcome recorded without the lease's token counts for nothing.
        Assert.Empty(await Outbox.ClaimAsync(Db, "node-2", now + Duration.FromSeconds(119), now + Duration.FromMinutes(3), 10, 5, [], CancellationToken.None));
        Assert.False(await Outbox.CompleteAsync(Db, due[0].Id, Guid.NewGuid(), "delivered", 1, null, now, now, CancellationToken.None));
        Assert.True(await Outbox.CompleteAsync(Db, due[0].Id, due[0].LeaseToken, "failed", 1, "HttpRequestException: refused", now + Duration.FromMinutes(1), now, CancellationToken.None));
        Assert.True(await Outbox.CompleteAsync(Db, due[1].Id, due[1].LeaseToken, "delivered", 1, null, now, now, CancellationToken.None));
        var failed = Assert.Single(await Outbox.ListAsync(Db, "failed", CancellationToken.None));
        Assert.Equal(("digest", (Guid?)null, "HttpRequestException: refused", (DateTimeOffset?)null, 1), (failed.Kind, failed.AlertId, failed.LastError, failed.DeliveredAt, failed.Attempts));
        Assert.Equal(new DateTimeOffset(2024, 6, 1, 7, 1, 0, TimeSpan.Zero), failed.NextAttemptAt);
        var delivered = Assert.Single(await Outbox.ListAsync(Db, "delivered", CancellationToken.None));
        Assert.Equal(((string?)null, (DateTimeOffset?)new DateTimeOffset(2024, 6, 1, 7, 0, 0, TimeSpan.Zero)), (delivered.LastError, delivered.DeliveredAt));
        Assert.Equal(2, (await Outbox.ListAsync(Db, null, CancellationToken.None)).Count);
        Assert.Empty(await Outbox.ListAsync(Db, "dead", CancellationToken.None));
    }

    [Fact]
    public async Task StateKnownAt_TheInstantAnEventWasRecorded_IncludesIt_BeforeTheFirstEvent_404_NoCase_404()
    {
        var client = app.Client();
        var open = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Reader", givenNames = "R", nationality = "DE", birthDate = "1980-01-01", passportNumber = "RDR0001" },
            hostPartyId = app.HostA,
        });
        var c = open.Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/entries", new { date = "2024-05-20", borderPoint = "ALA" }, "\"1\"")).StatusCode);
        var events = (await (await client.GetAsync($"{c}/events")).JsonAsync()).EnumerateArray().ToList();
        var firstRecorded = InstantPattern.ExtendedIso.Parse(events[0].GetProperty("recordedAt").GetString()!).Value;
        var secondRecorded = InstantPattern.ExtendedIso.Parse(events[1].GetProperty("recordedAt").GetString()!).Value;
        Assert.True(secondRecorded > firstRecorded);

        var auditor = app.Client("auditor");
        var atSecond = await (await auditor.GetAsync($"{c}/state?knownAt={InstantPattern.ExtendedIso.Format(secondRecorded)}")).JsonAsync();
        Assert.Equal(2, atSecond.GetProperty("eventsKnown").GetInt32());
        var atFirst = await (await auditor.GetAsync($"{c}/state?knownAt={InstantPattern.ExtendedIso.Format(firstRecorded)}")).JsonAsync();
        Assert.Equal(1, atFirst.GetProperty("eventsKnown").GetInt32());
        // The same instants in Almaty's offset (+05:00), encoded or with the '+' left bare (it arrives as a space).
        var almaty = OffsetDateTimePattern.ExtendedIso;
        var secondInAlmaty = almaty.Format(secondRecorded.WithOffset(Offset.FromHours(5)));
        Assert.EndsWith("+05", secondInAlmaty, StringComparison.Ordinal);
        Assert.Equal(2, (await (await auditor.GetAsync($"{c}/state?knownAt={Uri.EscapeDataString(secondInAlmaty)}")).JsonAsync()).GetProperty("eventsKnown").GetInt32());
        Assert.Equal(1, (await (await auditor.GetAsync($"{c}/state?knownAt={almaty.Format(firstRecorded.WithOffset(Offset.FromHours(5)))}")).JsonAsync())
            .GetProperty("eventsKnown").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await auditor.GetAsync($"{c}/state?knownAt=2024-05-20T10:00:00")).StatusCode); // no offset: which 10:00?

        var before = await auditor.GetAsync($"{c}/state?knownAt={InstantPattern.ExtendedIso.Format(firstRecorded - Duration.FromNanoseconds(1000))}");
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Contains("as known at", (await before.JsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var nobody = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await auditor.GetAsync($"/api/cases/{nobody}/timeline")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await auditor.GetAsync($"/api/audit/verify?case={nobody}")).StatusCode);
    }
}
