using Npgsql;

namespace CaseFlow.EventStore;

/// <summary>The streams by type and version, for walks over them and for writers that must hold them (a read model's repair).</summary>
public sealed partial class PostgresEventStore
{
    /// <summary>The ids of the streams of <paramref name="type"/> after <paramref name="after"/>, in id order, at most <paramref name="limit"/>.</summary>
    public static async Task<List<Guid>> StreamIdsAsync(NpgsqlConnection connection, string type, Guid after, int limit, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT id FROM streams WHERE type = $1 AND id > $2 ORDER BY id LIMIT $3", connection)
        {
            Parameters = { new() { Value = type }, new() { Value = after }, new() { Value = limit } },
        };
        var ids = new List<Guid>(limit);
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) ids.Add(row.GetGuid(0));
        return ids;
    }

    /// <summary>Which of <paramref name="ids"/> are streams of <paramref name="type"/>.</summary>
    public static async Task<HashSet<Guid>> StreamsOfTypeAsync(NpgsqlConnection connection, string type, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT id FROM streams WHERE id = ANY($1) AND type = $2", connection)
        {
            Parameters = { new() { Value = ids.ToArray() }, new() { Value = type } },
        };
        var found = new HashSet<Guid>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) found.Add(row.GetGuid(0));
        return found;
    }

    /// <summary>The versions of those of <paramref name="ids"/> that exist, their rows locked (in id order) until <paramref name="tx"/> ends: no append moves them meanwhile.</summary>
    public static async Task<Dictionary<Guid, long>> LockVersionsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT id, version FROM streams WHERE id = ANY($1) ORDER BY id FOR UPDATE", connection, tx)
        {
            Parameters = { new() { Value = ids.ToArray() } },
        };
        var versions = new Dictionary<Guid, long>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) versions[row.GetGuid(0)] = row.GetInt64(1);
        return versions;
    }
}
