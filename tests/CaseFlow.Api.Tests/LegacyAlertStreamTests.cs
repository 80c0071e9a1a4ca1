using System.Net;
using System.Security.Cryptography;
using System.Text;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Security;
using CaseFlow.Domain.Alerts;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>
/// ADR 28: alert ids and alert streams keep their case's order. A case whose alerts began before (an alert stream under the old
/// hash-only id, alerts under old ids) keeps its stream for good (its id is in its events' chain) and none of its alerts is raised
/// again under a new id.
/// </summary>
public sealed class LegacyAlertStreamTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private NpgsqlDataSource Db => app.Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>An alert's id as CaseFlow made it before ADR 28: the first 128 bits of the SHA-256 of "case|kind|yyyy-MM-dd|level".</summary>
    private static Guid OldAlertId(CaseId id, string kind, LocalDate due, string level)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{id.Value:D}|{kind}|{due:yyyy-MM-dd}|{level}"))[..16];
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    /// <summary>What the sweep of a version before ADR 28 wrote for a case: its due alerts under old ids, on the old alert stream.</summary>
    private async Task<int> RaiseAsBeforeAsync(CaseId id)
    {
        var repository = new AlertRepository(app.Services.GetRequiredService<PostgresEventStore>(), app.Services.GetRequiredService<DataKeys>());
        var loaded = (await repository.LoadAsync(id, CancellationToken.None))!;
        var today = new LocalDate(2024, 6, 1);
        var catalogue = RuleCatalogue.Default;
        var due = AlertRules.Due(catalogue, loaded.State, loaded.Case.Evaluate(catalogue, null, today), today, AlertSettings.Default);
        var state = loaded.State;
        var events = new List<CaseEvent>();
        foreach (var s in AlertRules.ToRaise(due, state, today, AlertSettings.Default))
        {
            var decision = CaseDecider.Decide(new RaiseAlert(id, OldAlertId(id, s.Kind, s.Due, s.Level), s.Kind, s.Level, s.Due, s.Message, s.Rule, s.Fine?.Article, s.Fine?.Mci,
                s.Fine?.Tenge, s.Fine?.Rule, AlertSweeper.Actor, today), state, catalogue);
            events.AddRange(decision.Events);
            state = decision.Events.Aggregate(state, CaseState.Evolve);
        }
        Assert.NotEmpty(events);
        await using var connection = await Db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await AlertRepository.AppendManyAsync(connection, tx, [new AlertAppend(loaded with { StreamId = AlertRepository.LegacyStreamFor(id) }, events)],
            new EventMetadata(AlertSweeper.Actor, Guid.NewGuid()), CancellationToken.None);
        await tx.CommitAsync();
        return events.Count;
    }

    /// <summary>
    /// A case's alert stream id, pinned to values computed outside .NET (Python's hashlib and uuid) from the SHA-256 of
    /// "case-alerts|case id": in the case's order (its first 64 bits, version nibble 8, then hash bits 64-127) since ADR 28; before, the
    /// hash's first 128 bits (as .NET's little-endian Guid constructor read them) with version 5. Every node and every version must
    /// find the same stream, or a case's alerts would start again on another.
    /// </summary>
    [Fact]
    public void AlertStreamIds_AreStable_TheNewInCaseOrder_TheOldAsBefore()
    {
        var id = new CaseId(Guid.Parse("0190a1b2-0000-7000-8000-00000000c0de"));
        Assert.Equal(Guid.Parse("0190a1b2-0000-8000-ac07-b8403be198e7"), AlertRepository.StreamFor(id));
        Assert.Equal(Guid.Parse("05846eb7-efff-5d08-ac07-b8403be198e7"), AlertRepository.LegacyStreamFor(id));
    }

    [Fact]
    public async Task ACaseWhoseAlertsBeganBeforeTheNewIds_KeepsItsStream_NothingIsRaisedTwice_AndItsAlertsResolveThere()
    {
        // Entered 20 May 2024, no notification by 1 June: arrival notification missed (000 §1). Two such cases, one from before ADR 28.
        var client = app.Client();
        var cases = new List<string>();
        foreach (var family in new[] { "Before", "After" })
        {
            var open = await client.PostJsonAsync("/api/cases", new
            {
                person = new { familyName = family, givenNames = "Legacy", nationality = "DE", birthDate = "1990-01-01", passportNumber = $"L{Guid.NewGuid():N}"[..9] },
                hostPartyId = app.HostA,
            });
            cases.Add(open.Headers.Location!.ToString());
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{cases[^1]}/entries", new { date = "2024-05-20", borderPoint = "ALA" }, "\"1\"")).StatusCode);
        }
        var (before, after) = (new CaseId(Guid.Parse(cases[0].Split('/')[^1])), new CaseId(Guid.Parse(cases[1].Split('/')[^1])));
        var raisedBefore = await RaiseAsBeforeAsync(before);
        // Migration 0023 lists the cases with an alert stream under the old id (re-running it changes nothing else).
        await using (var migrate = Db.CreateCommand(Migrator.All.Single(m => m.Number == 23).Sql)) await migrate.ExecuteNonQueryAsync();
        Assert.Equal(before.Value, await app.ScalarAsync<Guid>("SELECT case_id FROM legacy_alert_streams"));

        await app.SweepAsync();
        // The old case: nothing raised again under the new ids, no second alert stream; the new case: the same alerts, under ordered ids.
        Assert.Equal((long)raisedBefore, await app.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE case_id = $1", before.Value));
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM streams WHERE id = $1", AlertRepository.StreamFor(before)));
        Assert.Equal((long)raisedBefore, await app.ScalarAsync<long>("SELECT version FROM streams WHERE id = $1", AlertRepository.LegacyStreamFor(before)));
        Assert.Equal((long)raisedBefore, await app.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE case_id = $1 AND substr(id::text, 1, 18) = substr($1::text, 1, 14) || '8' || substr($1::text, 16, 3)", after.Value));
        Assert.Equal((long)raisedBefore, await app.ScalarAsync<long>("SELECT version FROM streams WHERE id = $1", AlertRepository.StreamFor(after)));

        // Acknowledging an old alert and the notification that clears both cases' alerts: the old case's events land on its old stream.
        var oldAlert = await app.ScalarAsync<Guid>("SELECT id FROM alerts WHERE case_id = $1 ORDER BY id LIMIT 1", before.Value);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/api/alerts/{oldAlert}/acknowledge", new { })).StatusCode);
        foreach (var c in cases)
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/notifications", new { date = "2024-06-01", channel = "eQonaq" }, "\"2\"")).StatusCode);
        await app.SweepAsync();
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM alerts WHERE state <> 'resolved'"));
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM streams WHERE id = $1", AlertRepository.StreamFor(before)));
        Assert.Equal(2L * raisedBefore + 1, await app.ScalarAsync<long>("SELECT version FROM streams WHERE id = $1", AlertRepository.LegacyStreamFor(before)));

        // The nightly check reads each case's alerts where they are: both inboxes agree with their events.
        var check = await AlertProjection.CheckAsync(Db, app.Services.GetRequiredService<DataKeys>(), repair: false, CancellationToken.None);
        Assert.Equal((2L, 0L), (check.Cases, check.Drifted));
    }
}
