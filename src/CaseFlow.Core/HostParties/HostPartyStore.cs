using CaseFlow.Domain.Rules;
using Npgsql;

namespace CaseFlow.Core.HostParties;

/// <param name="Bin">The 12-digit business identification number.</param>
/// <param name="Size">Enterprise size: sets the art. 518 fine tier (000 offences section).</param>
public sealed record HostParty(Guid Id, string Name, string Bin, HostPartySize Size);

public sealed class HostPartyStore(NpgsqlDataSource db)
{
    /// <summary>Creates the host party; null when the BIN is already registered (the database decides).</summary>
    public async Task<HostParty?> AddAsync(HostParty party, string createdBy, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("INSERT INTO host_parties (id, name, bin, size, created_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (bin) DO NOTHING");
        command.Parameters.Add(new() { Value = party.Id });
        command.Parameters.Add(new() { Value = party.Name });
        command.Parameters.Add(new() { Value = party.Bin });
        command.Parameters.Add(new() { Value = party.Size.ToString().ToLowerInvariant() });
        command.Parameters.Add(new() { Value = createdBy });
        return await command.ExecuteNonQueryAsync(ct) == 1 ? party : null;
    }

    public async Task<IReadOnlyList<HostParty>> ListAsync(IReadOnlyCollection<Guid>? only = null, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("SELECT id, name, bin, size FROM host_parties WHERE $1::uuid[] IS NULL OR id = ANY($1) ORDER BY name");
        command.Parameters.Add(new() { Value = (object?)only?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid });
        var parties = new List<HostParty>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) parties.Add(Read(row));
        return parties;
    }

    /// <summary>Renames the host party and/or changes its size; the party as it now is, or null when there is none.</summary>
    public async Task<HostParty?> UpdateAsync(Guid id, string? name, HostPartySize? size, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            UPDATE host_parties SET name = COALESCE($2, name), size = COALESCE($3, size) WHERE id = $1 RETURNING id, name, bin, size
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)size?.ToString().ToLowerInvariant() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var row = await command.ExecuteReaderAsync(ct);
        return await row.ReadAsync(ct) ? Read(row) : null;
    }

    /// <summary>The size of a host party (null when there is none).</summary>
    public static async Task<HostPartySize?> SizeAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await SizeAsync(connection, null, id, ct);
    }

    /// <summary>The sizes of several host parties at once (a batch of cases), on the caller's connection; null for one that does not exist.</summary>
    public static async Task<IReadOnlyDictionary<Guid, HostPartySize?>> SizesAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var sizes = ids.Distinct().ToDictionary(id => id, _ => (HostPartySize?)null);
        if (sizes.Count == 0) return sizes;
        await using var command = new NpgsqlCommand("SELECT id, size FROM host_parties WHERE id = ANY($1)", connection, tx);
        command.Parameters.Add(new() { Value = sizes.Keys.ToArray() });
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) sizes[row.GetGuid(0)] = Enum.Parse<HostPartySize>(row.GetString(1), ignoreCase: true);
        return sizes;
    }

    /// <summary>The size of a host party, read in the caller's transaction (the inline projection uses it).</summary>
    public static async Task<HostPartySize?> SizeAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid id, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT size FROM host_parties WHERE id = $1", connection, tx);
        command.Parameters.Add(new() { Value = id });
        return await command.ExecuteScalarAsync(ct) is string size ? Enum.Parse<HostPartySize>(size, ignoreCase: true) : null;
    }

    private static HostParty Read(NpgsqlDataReader row) =>
        new(row.GetGuid(0), row.GetString(1), row.GetString(2), Enum.Parse<HostPartySize>(row.GetString(3), ignoreCase: true));
}
