using System.Reflection;
using System.Text.RegularExpressions;
using Npgsql;

namespace CaseFlow.EventStore;

/// <summary>
/// Applies the numbered SQL files under Sql/ (embedded, <c>NNNN_name.sql</c>) in order, each in its own transaction,
/// under a session advisory lock so that several nodes starting at once apply each file exactly once.
/// Applied files are recorded in <c>schema_migrations</c>; running again applies nothing.
/// </summary>
public static partial class Migrator
{
    private const long LockKey = 0x0CA5EF10; // "caseflow migrations"

    public sealed record Migration(int Number, string Name, string Sql);

    public static IReadOnlyList<Migration> All { get; } = Load();

    public static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await Exec(connection, $"SELECT pg_advisory_lock({LockKey})", ct);
        try
        {
            await Exec(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    number     int PRIMARY KEY,
                    name       text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, ct);
            var applied = new HashSet<int>();
            await using (var read = new NpgsqlCommand("SELECT number FROM schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) applied.Add(reader.GetInt32(0));

            var done = new List<int>();
            foreach (var migration in All.Where(m => !applied.Contains(m.Number)))
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await using (var apply = new NpgsqlCommand(migration.Sql, connection, tx))
                    await apply.ExecuteNonQueryAsync(ct);
                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (number, name) VALUES ($1, $2)", connection, tx))
                {
                    record.Parameters.Add(new() { Value = migration.Number });
                    record.Parameters.Add(new() { Value = migration.Name });
                    await record.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                done.Add(migration.Number);
            }
            return done;
        }
        finally
        {
            await Exec(connection, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    /// <summary>True when every known migration is recorded as applied.</summary>
    public static async Task<bool> IsCurrentAsync(NpgsqlDataSource dataSource, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
        try
        {
            return (long)(await command.ExecuteScalarAsync(ct))! >= All.Count;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return false;
        }
    }

    private static async Task Exec(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static List<Migration> Load()
    {
        var assembly = typeof(Migrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Select(n => (Resource: n, Match: FileName().Match(n)))
            .Where(x => x.Match.Success)
            .Select(x =>
            {
                using var stream = assembly.GetManifestResourceStream(x.Resource)!;
                using var reader = new StreamReader(stream);
                return new Migration(int.Parse(x.Match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), x.Match.Groups[2].Value, reader.ReadToEnd());
            })
            .OrderBy(m => m.Number)
            .ToList();
    }

    [GeneratedRegex(@"^CaseFlow\.Sql\.(\d{4})_(.+)\.sql$")]
    private static partial Regex FileName();
}
