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
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        await Migrator.MigrateAsync(DataSource);
        Store = new PostgresEventStore(DataSource);
    }

    public async Task DisposeAsync() => await DataSource.DisposeAsync();
}
