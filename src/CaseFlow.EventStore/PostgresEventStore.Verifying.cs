using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NodaTime;

namespace CaseFlow.EventStore;

/// <summary>Verifying the per-stream hash chain: one stream, or the whole store in batches; and the chain hash itself.</summary>
public sealed partial class PostgresEventStore
{
    /// <summary>Recomputes the stream's hash chain from its stored events and reports the first event that does not match.</summary>
    public async Task<VerificationResult> VerifyAsync(Guid streamId, CancellationToken ct = default)
    {
        var events = await ReadStreamAsync(streamId, ct: ct);
        var hash = GenesisHash;
        long expectedVersion = 1;
        foreach (var e in events)
        {
            if (e.Version != expectedVersion)
                return new VerificationResult(streamId, expectedVersion - 1, expectedVersion, e.Sequence, $"version {expectedVersion} is missing");
            var metadata = JsonSerializer.Serialize(e.Metadata, MetadataJson.Options);
            hash = ChainHash(hash, e.EventId, e.StreamId, e.Version, e.Type, CanonicalJson.Utf8(e.Data), CanonicalJson.Utf8(metadata), e.RecordedAt);
            if (!hash.AsSpan().SequenceEqual(e.Hash))
                return new VerificationResult(streamId, e.Version, e.Version, e.Sequence, "stored hash does not match the event's content and the previous hash");
            expectedVersion++;
        }
        await using var command = DataSource.CreateCommand("SELECT version, last_hash FROM streams WHERE id = $1");
        command.Parameters.Add(new() { Value = streamId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return new VerificationResult(streamId, 0, null, null, "no such stream");
        if (reader.GetInt64(0) != events.Count)
            return new VerificationResult(streamId, events.Count, events.Count + 1, null, $"stream version {reader.GetInt64(0)} but {events.Count} events stored");
        if (!((byte[])reader[1]).AsSpan().SequenceEqual(hash))
            return new VerificationResult(streamId, events.Count, events.Count, null, "stream head hash does not match the last event");
        return new VerificationResult(streamId, events.Count, null, null, null);
    }

    /// <summary>Verifies every stream in id order, in batches; <paramref name="progress"/> gets the count checked so far. Returns the broken ones.</summary>
    /// <summary>How many streams there are (what a whole-store verify will check).</summary>
    public async Task<long> StreamCountAsync(CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand("SELECT count(*) FROM streams");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<(long Streams, IReadOnlyList<VerificationResult> Broken)> VerifyAllAsync(IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var broken = new List<VerificationResult>();
        long streams = 0;
        for (var after = Guid.Empty; ;)
        {
            var ids = await StreamIdsAsync(after, 500, ct);
            if (ids.Count == 0) return (streams, broken);
            foreach (var id in ids)
            {
                var result = await VerifyAsync(id, ct);
                if (!result.Intact) broken.Add(result);
                // Not progress?.Report(++streams): a null-conditional call skips its arguments, and the count stayed 0 without a progress.
                streams++;
                progress?.Report(streams);
            }
            after = ids[^1];
        }
    }

    /// <summary>Stream ids in id order after <paramref name="after"/> (for a whole-store verify in batches).</summary>
    public async Task<IReadOnlyList<Guid>> StreamIdsAsync(Guid after, int max, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand("SELECT id FROM streams WHERE id > $1 ORDER BY id LIMIT $2");
        command.Parameters.Add(new() { Value = after });
        command.Parameters.Add(new() { Value = max });
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
        return ids;
    }

    // Output names differ from the table's: ORDER BY prefers an output column of the same name (tx::text would sort as text).

    /// <summary>
    /// SHA-256 over the previous hash and the event's canonical content: id, stream, version, type, canonical data, canonical metadata
    /// and the recorded instant in µs, as UTF-8 joined by <c>\n</c>, fed to the hash as they are (no strings built per event).
    /// </summary>
    internal static byte[] ChainHash(byte[] previous, Guid eventId, Guid streamId, long version, string type, ReadOnlySpan<byte> canonicalData,
        ReadOnlySpan<byte> canonicalMetadata, Instant recordedAt)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> text = stackalloc byte[36]; // a Guid's "D" form (the default format); a long needs at most 20
        sha.AppendData(previous);
        eventId.TryFormat(text, out var written);
        AppendLine(sha, text[..written]);
        streamId.TryFormat(text, out written);
        AppendLine(sha, text[..written]);
        version.TryFormat(text, out written, default, CultureInfo.InvariantCulture);
        AppendLine(sha, text[..written]);
        AppendLine(sha, Encoding.UTF8.GetBytes(type));
        AppendLine(sha, canonicalData);
        AppendLine(sha, canonicalMetadata);
        (recordedAt.ToUnixTimeTicks() / 10).TryFormat(text, out written, default, CultureInfo.InvariantCulture);
        sha.AppendData(text[..written]);
        return sha.GetHashAndReset();
    }

    private static void AppendLine(IncrementalHash sha, ReadOnlySpan<byte> value)
    {
        sha.AppendData(value);
        sha.AppendData("\n"u8);
    }
}
