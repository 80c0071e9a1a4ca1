using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Security;

/// <summary>
/// The owner of the <c>data_keys</c> table: each case's data key (256 bits, random), stored only wrapped by a master key that is not in
/// the database (<see cref="KeyRing"/>). Erasure destroys the wrapped key (crypto-shredding): the events stay and still verify, and
/// nothing can open their personal fields again. Rotation re-wraps keys under the current master key without touching an event.
/// </summary>
public sealed class DataKeys(KeyRing ring)
{
    public KeyRing Ring => ring;

    public CaseKeys Withheld => CaseKeys.Withheld(ring);

    /// <summary>The keys of these cases, in one round trip (a case with no key row, from before encryption, has nothing sealed).</summary>
    public async Task<CaseKeys> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, IReadOnlyCollection<Guid> caseIds, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT case_id, master_key_id, wrapped FROM data_keys WHERE case_id = ANY($1)", connection, tx);
        command.Parameters.Add(new() { Value = caseIds as Guid[] ?? [.. caseIds], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        var keys = new Dictionary<Guid, byte[]?>(caseIds.Count);
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
        {
            var id = row.GetGuid(0);
            keys[id] = row.IsDBNull(2) ? null : ring.Unwrap(id, row.GetString(1), (byte[])row[2]);
        }
        return new CaseKeys(ring, keys);
    }

    public async Task<CaseKeys> LoadAsync(NpgsqlDataSource db, IReadOnlyCollection<Guid> caseIds, CancellationToken ct)
    {
        if (caseIds.Count == 0) return new CaseKeys(ring, []);
        await using var connection = await db.OpenConnectionAsync(ct);
        return await LoadAsync(connection, null, caseIds, ct);
    }

    /// <summary>The keys of these cases, a fresh one made for each case that has none (in the caller's transaction): one round trip for new cases.</summary>
    public async Task<CaseKeys> EnsureAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyCollection<Guid> caseIds, CancellationToken ct)
    {
        var fresh = caseIds.Distinct().ToDictionary(id => id, _ => RandomNumberGenerator.GetBytes(32));
        await using var command = new NpgsqlCommand("""
            INSERT INTO data_keys (case_id, master_key_id, wrapped) SELECT * FROM unnest($1::uuid[], $2::text[], $3::bytea[])
            ON CONFLICT (case_id) DO NOTHING RETURNING case_id
            """, connection, tx);
        command.Parameters.Add(new() { Value = fresh.Keys.ToArray() });
        command.Parameters.Add(new() { Value = fresh.Keys.Select(_ => ring.CurrentMasterId).ToArray() });
        command.Parameters.Add(new() { Value = fresh.Select(k => ring.Wrap(k.Key, k.Value)).ToArray() });
        var keys = new Dictionary<Guid, byte[]?>(fresh.Count);
        await using (var row = await command.ExecuteReaderAsync(ct))
            while (await row.ReadAsync(ct)) keys[row.GetGuid(0)] = fresh[row.GetGuid(0)];
        var existing = fresh.Keys.Where(id => !keys.ContainsKey(id)).ToArray();
        var all = new CaseKeys(ring, keys);
        return existing.Length == 0 ? all : all.With(await LoadAsync(connection, tx, existing, ct));
    }

    /// <summary>Destroys the case's data key (in the caller's transaction); false when it was already erased or never had one.</summary>
    public async Task<bool> EraseAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid caseId, string actor, string basis, string reason, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE data_keys SET wrapped = NULL, erased_at = now(), erased_by = $2, erasure_basis = $3, erasure_reason = $4
            WHERE case_id = $1 AND wrapped IS NOT NULL
            """, connection, tx);
        command.Parameters.Add(new() { Value = caseId });
        command.Parameters.Add(new() { Value = actor });
        command.Parameters.Add(new() { Value = basis });
        command.Parameters.Add(new() { Value = ring.SealUnderMaster(reason) });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Re-wraps every data key not yet under the current master key, <paramref name="batch"/> at a time; how many were re-wrapped.</summary>
    public async Task<long> RewrapAsync(NpgsqlDataSource db, int batch, CancellationToken ct)
    {
        long total = 0;
        while (true)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using var select = new NpgsqlCommand("""
                SELECT case_id, master_key_id, wrapped FROM data_keys WHERE wrapped IS NOT NULL AND master_key_id <> $1 LIMIT $2 FOR UPDATE SKIP LOCKED
                """, connection, tx);
            select.Parameters.Add(new() { Value = ring.CurrentMasterId });
            select.Parameters.Add(new() { Value = batch });
            var rewrapped = new List<(Guid Id, byte[] Wrapped)>();
            await using (var row = await select.ExecuteReaderAsync(ct))
                while (await row.ReadAsync(ct))
                    rewrapped.Add((row.GetGuid(0), ring.Wrap(row.GetGuid(0), ring.Unwrap(row.GetGuid(0), row.GetString(1), (byte[])row[2]))));
            if (rewrapped.Count == 0) return total;
            await using var update = new NpgsqlCommand("""
                UPDATE data_keys k SET wrapped = u.wrapped, master_key_id = $3 FROM unnest($1::uuid[], $2::bytea[]) AS u(id, wrapped) WHERE k.case_id = u.id AND k.wrapped IS NOT NULL
                """, connection, tx);
            update.Parameters.Add(new() { Value = rewrapped.Select(r => r.Id).ToArray() });
            update.Parameters.Add(new() { Value = rewrapped.Select(r => r.Wrapped).ToArray() });
            update.Parameters.Add(new() { Value = ring.CurrentMasterId });
            await update.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            total += rewrapped.Count;
        }
    }
}
