using Npgsql;

namespace CaseFlow.EventStore;

/// <summary>
/// The connection pool every CaseFlow host uses. A connection returned to the pool is not reset (<c>No Reset On Close</c>): the
/// reset is a <c>DISCARD ALL</c>, which also throws away the plans a session keeps: while the append was a PL/pgSQL function (ADR 11;
/// one statement since ADR 29) every append re-planned each of its statements (a 1-event append took 3 times as long), and it drops the session's
/// prepared statements, the append's among them. CaseFlow keeps no session state in pooled
/// connections: settings are <c>SET LOCAL</c>, the migrator unlocks its advisory lock, and a projection leader releases its lock
/// and its LISTEN before its session goes back (<see cref="Projections.ProjectionRunner"/>).
/// Statements a connection runs again and again are prepared on it (<c>Max Auto Prepare</c>): a case read's three statements were
/// parsed and planned on every request (about a third of its time in the database; ADR 12). A table a rebuild swaps in has the
/// live table's shape, so PostgreSQL re-plans a prepared statement over it rather than failing.
/// </summary>
public static class CaseFlowDataSource
{
    public static NpgsqlDataSource Create(string connectionString) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, MaxAutoPrepare = 64, AutoPrepareMinUsages = 3 }.ConnectionString);
}
