using CaseFlow.TestSupport;
using Npgsql;

namespace CaseFlow.EventStore.Tests;

/// <summary>A migrated database of its own for each test class.</summary>
public sealed class EventStoreFixture : IAsyncLifetime
{
    public NpgsqlDataSource DataSource { get; private set; } = null!;
    public PostgresEventStore Store { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync("es");
        DataSource = CaseFlowDataSource.Create(ConnectionString);
        await Migrator.MigrateAsync(DataSource);
        Store = new PostgresEventStore(DataSource);
    }

    public async Task DisposeAsync() => await DataSource.DisposeAsync();

    /// <summary>SQL as an insider with write access runs it: past the trigger that keeps events immutable to the application. Returns rows changed.</summary>
    public async Task<int> InsiderSqlAsync(string sql, params object[] args)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var allow = new NpgsqlCommand("SET LOCAL caseflow.allow_event_rewrite = 'on'", connection, tx)) await allow.ExecuteNonQueryAsync();
        await using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var a in args) command.Parameters.Add(new() { Value = a });
        var changed = await command.ExecuteNonQueryAsync();
        await tx.CommitAsync();
        return changed;
    }

    /// <summary>Returns once <paramref name="waiting"/>'s session waits for a lock another holds (at most 30 s, then the test fails).</summary>
    public async Task WaitUntilBlockedAsync(NpgsqlConnection waiting)
    {
        await using var blocked = DataSource.CreateCommand("SELECT cardinality(pg_blocking_pids($1)) > 0");
        blocked.Parameters.Add(new() { Value = waiting.ProcessID });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(bool)(await blocked.ExecuteScalarAsync())!)
        {
            Assert.True(DateTime.UtcNow < deadline, "the second append never waited for the first");
            await Task.Delay(5);
        }
    }
}
