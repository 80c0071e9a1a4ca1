using CaseFlow.Core.Delivery;
using CaseFlow.Core.Idempotency;
using CaseFlow.Core.Jobs;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>What ops see of the scheduled jobs (the last run, its outcome, misfires) and what retention drops, at its exact ages.</summary>
public class JobRunLogTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private NpgsqlDataSource Db => app.Services.GetRequiredService<NpgsqlDataSource>();

    [Fact]
    public async Task LastRun_IsTheLatestFiring_WithItsOutcomeErrorAndNode_AndMisfiresAreCounted()
    {
        var empty = await JobRunLog.LastRunAsync(Db, "never-ran", CancellationToken.None);
        Assert.Equal(new JobRun(null, null, null, null, 0), empty);

        var t0 = new DateTime(2024, 6, 1, 7, 0, 0, DateTimeKind.Utc);
        await JobRunLog.RecordRunAsync(Db, "probe-job", "node-1", t0, t0.AddSeconds(2), null, CancellationToken.None);
        await JobRunLog.RecordRunAsync(Db, "probe-job", "node-2", t0.AddMinutes(1), t0.AddMinutes(1).AddSeconds(1), "database gone", CancellationToken.None);
        await JobRunLog.RecordMisfireAsync(Db, "probe-job", CancellationToken.None);
        await JobRunLog.RecordMisfireAsync(Db, "probe-job", CancellationToken.None);
        var last = await JobRunLog.LastRunAsync(Db, "probe-job", CancellationToken.None);
        Assert.Equal(new JobRun(new DateTimeOffset(t0.AddMinutes(1)), "failed", "database gone", "node-2", 2), last);

        await JobRunLog.RecordRunAsync(Db, "probe-job", "node-1", t0.AddMinutes(2), t0.AddMinutes(2), null, CancellationToken.None);
        Assert.Equal(("succeeded", (string?)null), ((await JobRunLog.LastRunAsync(Db, "probe-job", CancellationToken.None)) is var r ? (r.Outcome, r.Error) : default));
    }

    [Fact]
    public async Task Retention_DropsDeliveredDeliveriesAfter90Days_KeysAndJobRunsAfter30_AndNothingYounger()
    {
        var now = app.Clock.GetCurrentInstant();
        DateTime Ago(int days, int hours = 0) => (now - Duration.FromDays(days) - Duration.FromHours(hours)).ToDateTimeUtc();
        var subscription = new Subscription(Guid.CreateVersion7(), app.HostA, "webhook", "http://127.0.0.1:9/retention", "each");
        Assert.True(await Outbox.SubscribeAsync(Db, app.Services.GetRequiredService<CaseFlow.Core.Security.SecretBox>(), subscription, null, "user:test", CancellationToken.None));
        foreach (var (age, state) in new[] { (91, "delivered"), (89, "delivered"), (120, "dead") })
            await Sql("INSERT INTO deliveries (id, subscription_id, kind, payload, state, next_attempt_at, created_at, delivered_at) VALUES ($1, $2, 'alert', '{}', $3, $4, $4, $4)",
                Guid.NewGuid(), subscription.Id, state, Ago(age));
        var user = Guid.NewGuid();
        await Sql("INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES ($1, 'old', '\\x00', $2), ($1, 'young', '\\x00', $3)", user, Ago(30, 1), Ago(29));
        await Sql("INSERT INTO job_runs (job, node, fired_at, finished_at, outcome) VALUES ('retention-probe', 'n', $1, $1, 'succeeded'), ('retention-probe', 'n', $2, $2, 'succeeded')", Ago(31), Ago(29));

        var removed = await app.Services.GetRequiredService<RetentionService>().RunAsync(CancellationToken.None);

        Assert.Equal(3, removed); // the 91-day delivery, the 30-day key, the 31-day run
        Assert.Equal(2L, await Count("SELECT count(*) FROM deliveries WHERE subscription_id = $1", subscription.Id)); // 89 days, and the dead one (kept for ops)
        Assert.Equal(1L, await Count("SELECT count(*) FROM idempotency_keys WHERE user_id = $1 AND key = 'young'", user));
        Assert.Equal(0L, await Count("SELECT count(*) FROM idempotency_keys WHERE user_id = $1 AND key = 'old'", user));
        Assert.Equal(1L, await Count("SELECT count(*) FROM job_runs WHERE job = 'retention-probe'"));
        Assert.Equal(1L, await Count("SELECT count(*) FROM job_runs WHERE job = 'retention-probe' AND finished_at = $1", Ago(29))); // the young one kept
        Assert.False(await Outbox.SubscribeAsync(Db, app.Services.GetRequiredService<CaseFlow.Core.Security.SecretBox>(), subscription with { Id = Guid.CreateVersion7(), HostPartyId = Guid.NewGuid() }, null, "user:test", CancellationToken.None));
    }

    private async Task Sql(string sql, params object[] args)
    {
        await using var command = Db.CreateCommand(sql);
        foreach (var a in args) command.Parameters.Add(new() { Value = a });
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> Count(string sql, params object[] args)
    {
        await using var command = Db.CreateCommand(sql);
        foreach (var a in args) command.Parameters.Add(new() { Value = a });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
