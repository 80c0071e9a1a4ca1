using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.EventStore;

/// <summary>A stream's head: its version and the chain hash of its last event.</summary>
public sealed record StreamHead(Guid StreamId, long Version, byte[] Hash);

/// <summary>What became of a sealed head: the stream now (null when its row is gone) and the hash of its event at the sealed version (null when gone).</summary>
public sealed record HeadNow(Guid StreamId, long SealedVersion, byte[] SealedHash, long? Version, byte[]? HashAtSealedVersion);

public sealed partial class PostgresEventStore
{
    /// <summary>Every stream's head, ordered by id, and the sequence number of the log's last event (by position: the events' key, so
    /// no scan), from one consistent snapshot (what a seal signs).</summary>
    public async Task<(long LastSequence, IReadOnlyList<StreamHead> Heads)> ReadHeadsAsync(CancellationToken ct = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        long last;
        await using (var max = new NpgsqlCommand(LastSequenceSql, connection, tx))
            last = (long)(await max.ExecuteScalarAsync(ct))!;
        var heads = new List<StreamHead>();
        await using (var command = new NpgsqlCommand("SELECT id, version, last_hash FROM streams ORDER BY id", connection, tx))
        await using (var row = await command.ExecuteReaderAsync(ct))
            while (await row.ReadAsync(ct)) heads.Add(new StreamHead(row.GetGuid(0), row.GetInt64(1), (byte[])row[2]));
        await tx.CommitAsync(ct);
        return (last, heads);
    }

    /// <summary>For each sealed head, the stream's version now and the hash its event at the sealed version has now: one query.</summary>
    public async Task<IReadOnlyList<HeadNow>> HeadsNowAsync(IReadOnlyList<StreamHead> sealedHeads, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand("""
            SELECT h.id, h.version, h.hash, s.version, e.hash
            FROM unnest($1::uuid[], $2::bigint[], $3::bytea[]) AS h(id, version, hash)
            LEFT JOIN streams s ON s.id = h.id
            LEFT JOIN events e ON e.stream_id = h.id AND e.version = h.version
            """);
        command.Parameters.Add(new() { Value = sealedHeads.Select(h => h.StreamId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = sealedHeads.Select(h => h.Version).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new() { Value = sealedHeads.Select(h => h.Hash).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        var now = new List<HeadNow>(sealedHeads.Count);
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
            now.Add(new HeadNow(row.GetGuid(0), row.GetInt64(1), (byte[])row[2], row.IsDBNull(3) ? null : row.GetInt64(3), row.IsDBNull(4) ? null : (byte[])row[4]));
        return now;
    }
}
