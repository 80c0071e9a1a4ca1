using CaseFlow.Core.Security;
using CaseFlow.EventStore;
using Npgsql;

namespace CaseFlow.Cli;

/// <summary>The database the CLI works on: <c>--db</c>, else <c>CASEFLOW_DB</c> (ops/caseflow points it at ops/run's cluster when none is set). Migrated on open.</summary>
internal static class Database
{
    /// <summary>The data keys under the keys in <c>CASEFLOW_KEYS</c> (ops/caseflow points it at ops/run's), else <c>.caseflow</c>.</summary>
    public static DataKeys Keys() => new(new KeyRing(KeyOptions.FromEnvironment(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));

    public static async Task<NpgsqlDataSource> OpenAsync(string? connectionString, CancellationToken ct)
    {
        var cs = connectionString ?? Environment.GetEnvironmentVariable("CASEFLOW_DB");
        if (string.IsNullOrWhiteSpace(cs)) throw new CliInputException("no database: pass --db or set CASEFLOW_DB (ops/run's cluster is used by ops/caseflow when it exists)");
        var dataSource = CaseFlowDataSource.Create(cs);
        try
        {
            await Migrator.MigrateAsync(dataSource, ct);
        }
        catch (NpgsqlException e)
        {
            await dataSource.DisposeAsync();
            throw new CliInputException($"cannot reach the database: {e.Message}");
        }
        return dataSource;
    }
}
