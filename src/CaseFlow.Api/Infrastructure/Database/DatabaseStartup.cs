using CaseFlow.Api.Demo;
using CaseFlow.EventStore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CaseFlow.Api.Infrastructure.Database;

/// <summary>Whether the database is migrated; read by /health/ready.</summary>
public sealed class DatabaseState
{
    private volatile bool migrated;

    public bool Migrated => migrated;

    public void MarkMigrated() => migrated = true;
}

/// <summary>At start: applies migrations (under the migrator's advisory lock, so several nodes may start together), then loads demo data if asked.</summary>
internal sealed class DatabaseStartup(NpgsqlDataSource dataSource, DatabaseState state, IOptions<CaseFlowOptions> options, IServiceProvider services,
    CaseFlow.Api.Projections.ProjectionHost projections, ILogger<DatabaseStartup> log)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await Migrator.MigrateAsync(dataSource, cancellationToken);
        log.LogInformation("Database migrated ({Applied} migrations applied now)", applied.Count);
        await projections.EnsureTablesAsync(cancellationToken);
        state.MarkMigrated();
        if (options.Value.LoadDemoData)
            await DemoData.LoadIfEmptyAsync(services, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
