using CaseFlow.Core.Cases;
using CaseFlow.Core.Security;
using CaseFlow.Domain.Rules;
using NodaTime;
using Npgsql;
using Quartz;

namespace CaseFlow.Api.Jobs;

/// <summary>
/// 04:00 Asia/Almaty: compares every case's status row with its events (ADR 26) and repairs nothing, so that what an insider edited
/// stays there to be looked at. Drift fails the run: GET /api/ops/jobs shows how many rows, the log names each (the first 1,000);
/// <c>caseflow projections check case-status --repair</c> puts them right.
/// </summary>
[DisallowConcurrentExecution]
public sealed class StatusCheckJob(NpgsqlDataSource db, DataKeys keys, RuleCatalogue catalogue, IClock clock, ILogger<StatusCheckJob> log) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var result = await CaseStatusProjection.CheckAsync(db, keys, catalogue, clock.GetCurrentInstant(), repair: false, cancellationToken);
        foreach (var drift in result.Drifts) log.LogError("Case {CaseId}'s status row differs from its events in {Columns}", drift.CaseId, string.Join(", ", drift.Columns));
        if (result.Drifted > 0)
            throw new JobExecutionException($"{result.Drifted} of {result.Cases} cases' status rows differ from their events: see the log, then `caseflow projections check case-status --repair`");
    }
}
