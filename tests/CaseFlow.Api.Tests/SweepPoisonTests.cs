using CaseFlow.Core.Alerts;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>
/// Issue 11's poison cases that get past the load (in a class and database of their own: they stay poisoned, and every later sweep
/// of the same database would count them).
/// </summary>
public sealed class SweepPoisonTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private NpgsqlDataSource Db => app.Services.GetRequiredService<NpgsqlDataSource>();

    private async Task<long> ScalarAsync(string sql, params object[] args) => Convert.ToInt64(await app.ScalarAsync<object>(sql, args));

    /// <summary>
    /// Two poisons the load cannot see. A case whose rules cannot be evaluated (an insider's exit dated before the entry it would
    /// close: the case folds, its stay timeline does not) fails at deciding; an alert stream an insider extended past its head (an event
    /// at a version its stream row does not have) is refused on every append, so the chunk falls back to one case at a time, where
    /// that case fails again on each retry and then alone. Each is recorded; the case beside them in the chunk gets its alerts.
    /// </summary>
    [Fact]
    public async Task ACaseThatCannotBeDecided_AndAnAlertStreamNoAppendCanExtend_FailAlone_TheirNeighbourGetsItsAlerts()
    {
        app.Clock.Set(Instant.FromUtc(2024, 6, 3, 7, 0));
        var undecidable = Guid.Parse((await app.EnteredCaseAsync(app.HostA, "compliance", "Undecidable", "2024-06-03")).Split('/')[^1]);
        var blocked = Guid.Parse((await app.EnteredCaseAsync(app.HostA, "compliance", "Blocked", "2024-06-03")).Split('/')[^1]);
        var neighbour = Guid.Parse((await app.EnteredCaseAsync(app.HostA, "compliance", "Neighbour", "2024-06-03")).Split('/')[^1]);
        app.Clock.Set(Instant.FromUtc(2024, 6, 5, 7, 0));
        await app.SweepAsync();
        var neighbourBefore = await ScalarAsync("SELECT count(*) FROM alerts WHERE case_id = $1", neighbour);
        var blockedStream = AlertRepository.StreamFor(new CaseFlow.Domain.Cases.CaseId(blocked));
        Assert.True(await ScalarAsync("SELECT version FROM streams WHERE id = $1", blockedStream) >= 1, "the blocked case's alerts were raised");

        await ScalarAsync("""
            WITH moved AS (UPDATE streams SET version = 3 WHERE id = $1 RETURNING id)
            INSERT INTO events (id, stream_id, version, type, data, metadata, recorded_at, hash)
            SELECT gen_random_uuid(), id, 3, 'Exited.v1', jsonb_build_object('caseId', id, 'date', '2024-06-01', 'recordedBy', 'insider'), '{"actor":"insider"}', now(), '\x00' FROM moved
            RETURNING 1
            """, undecidable);
        await ScalarAsync("""
            INSERT INTO events (id, stream_id, version, type, data, metadata, recorded_at, hash)
            SELECT gen_random_uuid(), stream_id, version + 1, type, data, metadata, now(), hash FROM events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1
            RETURNING 1
            """, blockedStream);
        var blockedAlerts = await ScalarAsync("SELECT count(*) FROM alerts WHERE case_id = $1", blocked);
        var undecidableAlerts = await ScalarAsync("SELECT count(*) FROM alerts WHERE case_id = $1", undecidable);

        app.Clock.Set(Instant.FromUtc(2024, 6, 10, 7, 0));
        var result = await app.SweepAsync();
        var errors = new Dictionary<Guid, string>();
        await using (var read = Db.CreateCommand("SELECT case_id, error FROM sweep_failures WHERE case_id = ANY($1)"))
        {
            read.Parameters.Add(new() { Value = new[] { undecidable, blocked, neighbour } });
            await using var row = await read.ExecuteReaderAsync();
            while (await row.ReadAsync()) errors[row.GetGuid(0)] = row.GetString(1);
        }
        Assert.Equal(new[] { blocked, undecidable }.Order(), errors.Keys.Order());
        Assert.StartsWith("ConcurrencyException", errors[blocked], StringComparison.Ordinal);
        Assert.True(result.CasesFailed >= 2);
        Assert.True(await ScalarAsync("SELECT count(*) FROM alerts WHERE case_id = $1", neighbour) > neighbourBefore, "the neighbour got its new alert");
        Assert.Equal(blockedAlerts, await ScalarAsync("SELECT count(*) FROM alerts WHERE case_id = $1", blocked));
        Assert.Equal(undecidableAlerts, await ScalarAsync("SELECT count(*) FROM alerts WHERE case_id = $1", undecidable));
        Assert.StartsWith("FactsException: events: Exited on 2024-06-01", errors[undecidable], StringComparison.Ordinal);
    }
}
