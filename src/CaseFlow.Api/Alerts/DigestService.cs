using System.Text;
using CaseFlow.Api.Infrastructure.Http;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Alerts;

/// <summary>
/// The daily digest (08:00 Asia/Almaty): for each digest subscription, one delivery listing the host party's open alerts. Its id is
/// derived from subscription and date, so a second firing the same day (another node, a misfire re-run) adds nothing.
/// </summary>
public sealed class DigestService(NpgsqlDataSource db, IClock clock)
{
    public async Task<int> EnqueueAsync(CancellationToken ct)
    {
        var today = RequestContext.TodayIn(clock);
        await using var subscriptions = db.CreateCommand("SELECT id, host_party_id FROM subscriptions WHERE mode = 'digest'");
        var subs = new List<(Guid Id, Guid Host)>();
        await using (var row = await subscriptions.ExecuteReaderAsync(ct))
            while (await row.ReadAsync(ct)) subs.Add((row.GetGuid(0), row.GetGuid(1)));

        var enqueued = 0;
        foreach (var (id, host) in subs)
        {
            await using var alerts = db.CreateCommand("""
                SELECT a.kind, a.level, a.due, a.message, cs.family_name, cs.given_names FROM alerts a JOIN case_status cs ON cs.case_id = a.case_id
                WHERE a.host_party_id = $1 AND a.state <> 'resolved' ORDER BY a.due, a.kind
                """);
            alerts.Parameters.Add(new() { Value = host });
            var body = new StringBuilder($"CaseFlow digest for {today:yyyy-MM-dd} (Asia/Almaty): open alerts\n\n");
            var count = 0;
            await using (var row = await alerts.ExecuteReaderAsync(ct))
                while (await row.ReadAsync(ct))
                {
                    count++;
                    body.Append(System.Globalization.CultureInfo.InvariantCulture,
                        $"- {row.GetString(4)}, {row.GetString(5)}: {row.GetString(0)} ({row.GetString(1)}), due {row.GetFieldValue<DateOnly>(2):yyyy-MM-dd}: {row.GetString(3)}\n");
                }
            if (count == 0) body.Append("No open alerts.\n");
            await using var insert = db.CreateCommand("""
                INSERT INTO deliveries (id, subscription_id, alert_id, kind, payload, next_attempt_at, created_at)
                VALUES (md5($1::text || '|digest|' || $2::text)::uuid, $1, NULL, 'digest', $3, '-infinity', now())
                ON CONFLICT (id) DO NOTHING
                """);
            insert.Parameters.Add(new() { Value = id });
            insert.Parameters.Add(new() { Value = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
            insert.Parameters.Add(new() { Value = body.ToString() });
            enqueued += await insert.ExecuteNonQueryAsync(ct);
        }
        return enqueued;
    }
}

/// <summary>Retention: delivered deliveries after 90 days, idempotency keys after 30, job runs after 30 (the events are kept forever).</summary>
public sealed class RetentionService(NpgsqlDataSource db, IClock clock)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var now = clock.GetCurrentInstant().ToDateTimeUtc();
        await using var command = db.CreateCommand("""
            WITH d AS (DELETE FROM deliveries WHERE state = 'delivered' AND delivered_at < $1 - interval '90 days' RETURNING 1),
                 k AS (DELETE FROM idempotency_keys WHERE created_at < $1 - interval '30 days' RETURNING 1),
                 j AS (DELETE FROM job_runs WHERE finished_at < $1 - interval '30 days' RETURNING 1)
            SELECT (SELECT count(*) FROM d) + (SELECT count(*) FROM k) + (SELECT count(*) FROM j)
            """);
        command.Parameters.Add(new() { Value = now });
        return (int)(long)(await command.ExecuteScalarAsync(ct))!;
    }
}
