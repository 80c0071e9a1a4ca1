using CaseFlow.Core.Alerts;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Security;
using CaseFlow.Domain.Rules;
using NodaTime;
using Npgsql;
using Quartz;

namespace CaseFlow.Api.Jobs;

/// <summary>
/// 04:00 Asia/Almaty: compares every case's status row and inbox rows with their events (ADR 26) and repairs nothing, so that what an insider edited
/// stays there to be looked at. Drift fails the run: GET /api/ops/jobs shows how many rows, the log names each (the first 1,000 of each);
/// <c>caseflow projections check case-status|alerts --repair</c> puts them right.
/// </summary>
[DisallowConcurrentExecution]
public sealed class RowCheckJob(NpgsqlDataSource db, DataKeys keys, RuleCatalogue catalogue, IClock clock, ILogger<RowCheckJob> log) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var status = await CaseStatusProjection.CheckAsync(db, keys, catalogue, clock.GetCurrentInstant(), repair: false, cancellationToken);
        foreach (var drift in status.Drifts) log.LogError("Case {CaseId}'s status row differs from its events in {Columns}", drift.Id, string.Join(", ", drift.Columns));
        var alerts = await AlertProjection.CheckAsync(db, keys, repair: false, cancellationToken);
        foreach (var drift in alerts.Drifts) log.LogError("Alert {AlertId}'s inbox row differs from its events in {Columns}", drift.Id, string.Join(", ", drift.Columns));
        var found = new[] { (status.Drifted, "status rows", "case-status"), (alerts.Drifted, "inbox rows", "alerts") }.Where(f => f.Item1 > 0).ToList();
        if (found.Count > 0)
            throw new JobExecutionException($"{string.Join(" and ", found.Select(f => $"{f.Item1} {f.Item2}"))} of {status.Cases} cases differ from their events: see the log, then "
                + string.Join(", ", found.Select(f => $"`caseflow projections check {f.Item3} --repair`")));
    }
}
