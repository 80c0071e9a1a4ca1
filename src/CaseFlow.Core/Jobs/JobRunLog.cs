using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Jobs;

/// <summary>The last run of a job: when, where, how it ended, and how many firings it missed.</summary>
public sealed record JobRun(DateTimeOffset? LastFire, string? Outcome, string? Error, string? Node, long Misfires);

/// <summary>The owner of the <c>job_runs</c> and <c>job_misfires</c> tables: every run of a scheduled job and every missed firing.</summary>
public static class JobRunLog
{
    public static async Task RecordRunAsync(NpgsqlDataSource db, string job, string node, DateTime firedAt, DateTime finishedAt, string? error, CancellationToken ct)
    {
        await using var command = db.CreateCommand("INSERT INTO job_runs (job, node, fired_at, finished_at, outcome, error) VALUES ($1, $2, $3, $4, $5, $6)");
        command.Parameters.Add(new() { Value = job });
        command.Parameters.Add(new() { Value = node });
        command.Parameters.Add(new() { Value = firedAt });
        command.Parameters.Add(new() { Value = finishedAt });
        command.Parameters.Add(new() { Value = error is null ? "succeeded" : "failed" });
        command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task RecordMisfireAsync(NpgsqlDataSource db, string job, CancellationToken ct)
    {
        await using var command = db.CreateCommand("INSERT INTO job_misfires (job, misfires) VALUES ($1, 1) ON CONFLICT (job) DO UPDATE SET misfires = job_misfires.misfires + 1");
        command.Parameters.Add(new() { Value = job });
        await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<JobRun> LastRunAsync(NpgsqlDataSource db, string job, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT r.fired_at, r.outcome, r.error, r.node, coalesce((SELECT misfires FROM job_misfires WHERE job = $1), 0)
            FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT fired_at, outcome, error, node FROM job_runs WHERE job = $1 ORDER BY fired_at DESC LIMIT 1) r ON true
            """);
        command.Parameters.Add(new() { Value = job });
        await using var row = await command.ExecuteReaderAsync(ct);
        await row.ReadAsync(ct);
        return new JobRun(row.IsDBNull(0) ? null : new DateTimeOffset(DateTime.SpecifyKind(row.GetDateTime(0), DateTimeKind.Utc)), row.IsDBNull(1) ? null : row.GetString(1),
            row.IsDBNull(2) ? null : row.GetString(2), row.IsDBNull(3) ? null : row.GetString(3), row.GetInt64(4));
    }

    /// <summary>Retention: runs that finished before <paramref name="before"/>.</summary>
    public static async Task<int> PurgeAsync(NpgsqlDataSource db, Instant before, CancellationToken ct)
    {
        await using var command = db.CreateCommand("DELETE FROM job_runs WHERE finished_at < $1");
        command.Parameters.Add(new() { Value = before.ToDateTimeUtc() });
        return await command.ExecuteNonQueryAsync(ct);
    }
}
