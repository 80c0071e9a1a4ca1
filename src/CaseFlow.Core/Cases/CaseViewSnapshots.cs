using CaseFlow.Core.Security;
using CaseFlow.Domain.Rules;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Cases;

/// <summary>
/// The owner of <c>case_view_snapshots</c>: the last answer of a long case's read (<see cref="FromVersion"/> events or more), so the next
/// read of the same version on the same day costs a row, not a fold and an evaluation of its whole history. The answer is sealed under
/// the case's data key, bound to the case, version, day, host party and basis (catalogue, host size, build): an edited, moved or stale
/// row does not open, and the read recomputes it. Erasure deletes the row (its key is destroyed anyway).
/// </summary>
public sealed class CaseViewSnapshots(NpgsqlDataSource db)
{
    /// <summary>Below this many events a case is evaluated on every read (a 1,000-event case takes about 25 ms; a row costs more than a short one).</summary>
    public const long FromVersion = 1_000;

    /// <summary>A stored answer as read from its row; nothing in it is trusted until <see cref="Open"/> succeeds.</summary>
    public sealed record Stored(Guid CaseId, long Version, LocalDate AsOf, Guid HostPartyId, string Basis, byte[] Sealed);

    /// <summary>What the answer was computed with besides the events and the day: the catalogue, the host party's size and this build of the rules.</summary>
    public static string BasisOf(RuleCatalogue catalogue, HostPartySizes? sizes) => $"{catalogue.Version}|{sizes?.ToString() ?? "-"}|{Build}";

    /// <summary>This build of the rules and of this code (their modules' ids): a new release never serves an older computation.</summary>
    private static readonly string Build =
        $"{typeof(RulesEngine).Assembly.ManifestModule.ModuleVersionId:N}|{typeof(CaseViewSnapshots).Assembly.ManifestModule.ModuleVersionId:N}";

    /// <summary>The answer sealed for its row; null when the case's key is destroyed (an erased case keeps no snapshot).</summary>
    public static Stored? Seal(CaseKeys keys, Guid caseId, long version, LocalDate asOf, Guid hostPartyId, string basis, byte[] answer) =>
        keys.Seal(caseId, answer, Place(version, asOf, hostPartyId, basis)) is { } sealedValue ? new Stored(caseId, version, asOf, hostPartyId, basis, sealedValue) : null;

    /// <summary>The answer, or null when it does not open under the case's key with its row's own version, day, host party and basis.</summary>
    public static byte[]? Open(CaseKeys keys, Stored stored) =>
        keys.TryOpen(stored.CaseId, stored.Sealed, Place(stored.Version, stored.AsOf, stored.HostPartyId, stored.Basis));

    private static string Place(long version, LocalDate asOf, Guid hostPartyId, string basis) =>
        $"case-view|{version}|{asOf:yyyy'-'MM'-'dd}|{hostPartyId:N}|{basis}";

    public async Task<Stored?> FindAsync(Guid caseId, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT version, as_of, host_party_id, basis, sealed FROM case_view_snapshots WHERE case_id = $1");
        command.Parameters.Add(new() { Value = caseId });
        await using var row = await command.ExecuteReaderAsync(ct);
        if (!await row.ReadAsync(ct)) return null;
        return new Stored(caseId, row.GetInt64(0), LocalDate.FromDateOnly(row.GetFieldValue<DateOnly>(1)), row.GetGuid(2), row.GetString(3), (byte[])row[4]);
    }

    /// <summary>Keeps <paramref name="stored"/> unless the row already holds a later version (a slow reader of an older version never overwrites a newer answer).</summary>
    public async Task SaveAsync(Stored stored, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO case_view_snapshots AS s (case_id, version, as_of, host_party_id, basis, sealed) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (case_id) DO UPDATE SET version = excluded.version, as_of = excluded.as_of, host_party_id = excluded.host_party_id,
                basis = excluded.basis, sealed = excluded.sealed, written_at = now()
            WHERE excluded.version >= s.version
            """);
        command.Parameters.Add(new() { Value = stored.CaseId });
        command.Parameters.Add(new() { Value = stored.Version });
        command.Parameters.Add(new() { Value = stored.AsOf.ToDateOnly() });
        command.Parameters.Add(new() { Value = stored.HostPartyId });
        command.Parameters.Add(new() { Value = stored.Basis, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = stored.Sealed, NpgsqlDbType = NpgsqlDbType.Bytea });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deletes the case's snapshot in the caller's transaction (erasure).</summary>
    public static async Task DeleteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid caseId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("DELETE FROM case_view_snapshots WHERE case_id = $1", connection, tx);
        command.Parameters.Add(new() { Value = caseId });
        await command.ExecuteNonQueryAsync(ct);
    }
}
