using CaseFlow.Core.Projections;
using CaseFlow.EventStore;
using CaseFlow.EventStore.Projections;
using Microsoft.Extensions.Options;

namespace CaseFlow.Api.Projections;

public sealed class ProjectionSettings
{
    /// <summary>Run the async projections on this node (every node may: one runs each projection at a time).</summary>
    public bool Run { get; set; } = true;

    public int BatchSize { get; set; } = 500;

    /// <summary>/health/ready reports degraded when a projection lags more than this many seconds behind the log.</summary>
    public int MaxLagSeconds { get; set; } = 300;
}

/// <summary>The hosted service that runs a runner for each of CaseFlow's async projections (<see cref="ProjectionCatalog"/>) on this node.</summary>
public sealed class ProjectionWorker(PostgresEventStore store, ProjectionCatalog catalog, IOptions<ProjectionSettings> settings, ILogger<ProjectionWorker> log) : BackgroundService
{
    public static string Node { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Value.Run)
        {
            log.LogInformation("Async projections are not run on this node (CaseFlow:Projections:Run = false)");
            return;
        }
        var options = new ProjectionOptions { BatchSize = settings.Value.BatchSize };
        log.LogInformation("Running async projections as node {Node}", Node);
        await Task.WhenAll(catalog.Projections.Select(p => new ProjectionRunner(store, p, options, Node).RunAsync(stoppingToken)));
    }
}
