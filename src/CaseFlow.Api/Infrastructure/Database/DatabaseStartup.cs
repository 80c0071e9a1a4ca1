using CaseFlow.Api.Demo;
using CaseFlow.Core.Delivery;
using CaseFlow.Core.Projections;
using CaseFlow.Core.Security;
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

/// <summary>
/// At start: applies migrations (under the migrator's advisory lock, so several nodes may start together), then loads demo data if
/// asked. When PostgreSQL is out of reach the node still starts: it keeps trying in the background, /health/ready answers 503
/// until the schema is current, and requests get 503 with Retry-After.
/// </summary>
internal sealed class DatabaseStartup(NpgsqlDataSource dataSource, DatabaseState state, IOptions<CaseFlowOptions> options, IServiceProvider services,
    ProjectionCatalog projections, ILogger<DatabaseStartup> log)
    : IHostedService
{
    private readonly CancellationTokenSource stopping = new();
    private Task? retrying;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PrepareAsync(cancellationToken);
        }
        catch (Exception e) when (Http.UnhandledExceptionHandler.IsDatabaseUnreachable(e))
        {
            log.LogWarning("PostgreSQL is unreachable at start; retrying in the background (readiness stays 503)");
            retrying = RetryAsync(stopping.Token);
        }
    }

    private async Task RetryAsync(CancellationToken ct)
    {
        for (var delay = TimeSpan.FromSeconds(1); !ct.IsCancellationRequested; delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2)))
        {
            try
            {
                await Task.Delay(delay, ct);
                await PrepareAsync(ct);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (Http.UnhandledExceptionHandler.IsDatabaseUnreachable(e))
            {
                log.LogWarning("PostgreSQL still unreachable; next try in {Delay}", delay);
            }
        }
    }

    private async Task PrepareAsync(CancellationToken ct)
    {
        var applied = await Migrator.MigrateAsync(dataSource, ct);
        log.LogInformation("Database migrated ({Applied} migrations applied now)", applied.Count);
        await projections.EnsureAsync(ct);
        // Webhook secrets written before they were sealed: sealed now, the clear column emptied (issue 11).
        var box = services.GetRequiredService<SecretBox>();
        foreach (var (id, secret) in await Outbox.ClearSecretsAsync(dataSource, ct)) await Outbox.SealSecretAsync(dataSource, id, box.Seal(secret), ct);
        state.MarkMigrated();
        if (options.Value.LoadDemoData)
            await DemoData.LoadIfEmptyAsync(services, ct);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Not disposed: the host may stop its services more than once (a test host on dispose), and a second cancel must not throw.
        await stopping.CancelAsync();
        if (retrying is not null) await retrying;
    }
}
