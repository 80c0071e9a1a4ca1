using CaseFlow.Domain.Rules;
using NodaTime;
using Npgsql;

namespace CaseFlow.Core.HostParties;

/// <param name="Bin">The 12-digit business identification number.</param>
/// <param name="Size">Enterprise size: sets the art. 518 fine tier (000 offences section).</param>
public sealed record HostParty(Guid Id, string Name, string Bin, HostPartySize Size);

/// <summary>One recorded size of a host party: from which day it holds (1900-01-01: from the start), when and by whom it was recorded.</summary>
public sealed record HostPartySizeEntry(LocalDate From, HostPartySize Size, Instant RecordedAt, string RecordedBy);

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

    /// <summary>
    /// Renames the host party and/or changes its size; the party as it now is, or null when there is none. A new size holds from
    /// <paramref name="today"/> on (the trigger of migration 0019 records it with <paramref name="changedBy"/> and the instant).
    /// </summary>
    public async Task<HostParty?> UpdateAsync(Guid id, string? name, HostPartySize? size, LocalDate today, string changedBy, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var context = new NpgsqlCommand("SELECT set_config('caseflow.today', $1, true), set_config('caseflow.actor', $2, true)", connection, tx))
        {
            context.Parameters.Add(new() { Value = today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
            context.Parameters.Add(new() { Value = changedBy });
            await context.ExecuteNonQueryAsync(ct);
        }
        await using var command = new NpgsqlCommand("""
            UPDATE host_parties SET name = COALESCE($2, name), size = COALESCE($3, size) WHERE id = $1 RETURNING id, name, bin, size
            """, connection, tx);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)size?.ToString().ToLowerInvariant() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        HostParty? party;
        await using (var row = await command.ExecuteReaderAsync(ct))
            party = await row.ReadAsync(ct) ? Read(row) : null;
        await tx.CommitAsync(ct);
        return party;
    }

    /// <summary>The most recorded sizes <see cref="HistoryAsync"/> answers: a size changes a few times in a host party's life.</summary>
    public const int MaxHistory = 1000;

    /// <summary>A host party's recorded sizes in the order they hold (at most <see cref="MaxHistory"/>, the newest).</summary>
    public async Task<IReadOnlyList<HostPartySizeEntry>> HistoryAsync(Guid id, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("""
            SELECT effective_from, size, recorded_at, recorded_by FROM (
                SELECT * FROM host_party_sizes WHERE host_party_id = $1 ORDER BY seq DESC LIMIT $2) newest
            ORDER BY effective_from, seq
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = MaxHistory });
        var entries = new List<HostPartySizeEntry>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
            entries.Add(new(LocalDate.FromDateTime(row.GetDateTime(0)), Enum.Parse<HostPartySize>(row.GetString(1), ignoreCase: true),
                Instant.FromDateTimeUtc(row.GetDateTime(2)), row.GetString(3)));
        return entries;
    }

    /// <summary>The sizes of a host party over time (null when there is none).</summary>
    public static async Task<HostPartySizes?> SizeAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await SizeAsync(connection, null, id, ct);
    }

    /// <summary>The sizes of a host party over time, read in the caller's transaction (the inline projection uses it).</summary>
    public static async Task<HostPartySizes?> SizeAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid id, CancellationToken ct) =>
        (await SizesAsync(connection, tx, [id], ct))[id];

    /// <summary>
    /// The sizes over time of several host parties at once (a batch of cases), on the caller's connection; null for one that does not
    /// exist. A host party whose recorded sizes are gone (an insider's delete) keeps its current size for all time.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, HostPartySizes?>> SizesAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var records = ids.Distinct().ToDictionary(id => id, _ => (List<SizeRecord>?)null);
        if (records.Count == 0) return new Dictionary<Guid, HostPartySizes?>();
        await using var command = new NpgsqlCommand("""
            SELECT p.id, s.effective_from, COALESCE(s.size, p.size), s.recorded_at
            FROM host_parties p LEFT JOIN host_party_sizes s ON s.host_party_id = p.id
            WHERE p.id = ANY($1) ORDER BY p.id, s.effective_from, s.seq
            """, connection, tx);
        command.Parameters.Add(new() { Value = records.Keys.ToArray() });
        await using (var row = await command.ExecuteReaderAsync(ct))
            while (await row.ReadAsync(ct))
            {
                var from = row.IsDBNull(1) ? CaseFactsReader.MinDate : LocalDate.FromDateTime(row.GetDateTime(1));
                var recorded = row.IsDBNull(3) ? Instant.MinValue : Instant.FromDateTimeUtc(row.GetDateTime(3));
                (records[row.GetGuid(0)] ??= []).Add(new SizeRecord(from, Enum.Parse<HostPartySize>(row.GetString(2), ignoreCase: true), recorded));
            }
        return records.ToDictionary(kv => kv.Key, kv => kv.Value is { } list ? new HostPartySizes(list) : null);
    }

    private static HostParty Read(NpgsqlDataReader row) =>
        new(row.GetGuid(0), row.GetString(1), row.GetString(2), Enum.Parse<HostPartySize>(row.GetString(3), ignoreCase: true));
}
