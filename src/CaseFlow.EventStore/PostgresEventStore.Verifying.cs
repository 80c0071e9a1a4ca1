using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NodaTime;
using Npgsql;

namespace CaseFlow.EventStore;

/// <summary>Verifying the per-stream hash chain: one stream, or the whole store in batches; and the chain hash itself.</summary>
public sealed partial class PostgresEventStore
{
    /// <summary>Recomputes the stream's hash chain from its stored events and reports the first event that does not match.</summary>
    public async Task<VerificationResult> VerifyAsync(Guid streamId, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand(string.Format(CultureInfo.InvariantCulture, ChainRows, "WHERE coalesce(s.id, e.stream_id) = $1"));
        command.Parameters.Add(new() { Value = streamId });
        VerificationResult? result = null;
        await VerifyRowsAsync(command, r => result = r, ct);
        return result ?? new VerificationResult(streamId, 0, null, null, "no such stream");
    }

    /// <summary>How many streams there are (what a whole-store verify will check).</summary>
    public async Task<long> StreamCountAsync(CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand("SELECT count(*) FROM streams");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Verifies every stream in one streaming pass over the log in stream order (the streams merged with their events by the
    /// database, not a query per stream); <paramref name="progress"/> gets the count of streams checked so far. Returns the count
    /// and the broken ones, including events whose stream row is gone.
    /// </summary>
    public async Task<(long Streams, IReadOnlyList<VerificationResult> Broken)> VerifyAllAsync(IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var broken = new List<VerificationResult>();
        long streams = 0;
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        // One snapshot for the whole pass, so a stream appended to meanwhile is seen whole or not at all.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using var command = new NpgsqlCommand(string.Format(CultureInfo.InvariantCulture, ChainRows, ""), connection, tx) { CommandTimeout = 0 };
        await VerifyRowsAsync(command, r =>
        {
            if (!r.Intact) broken.Add(r);
            streams++;
            if (streams % 1000 == 0) progress?.Report(streams);
        }, ct);
        progress?.Report(streams);
        return (streams, broken);
    }

    /// <summary>Stream ids in id order after <paramref name="after"/>.</summary>
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

    /// <summary>Each stream's head joined with its events, in stream and version order; a side is null where the other has no match.</summary>
    private const string ChainRows = """
        SELECT coalesce(s.id, e.stream_id), s.version, s.last_hash, e.version, e.seq, e.id, e.type, e.data::text, e.metadata::text, e.recorded_at, e.hash, e.chain
        FROM streams s FULL JOIN events e ON e.stream_id = s.id
        {0}
        ORDER BY coalesce(s.id, e.stream_id), e.version
        """;

    /// <summary>Walks the rows of <see cref="ChainRows"/> and reports one result per stream, the first problem of each.</summary>
    private static async Task VerifyRowsAsync(NpgsqlCommand command, Action<VerificationResult> report, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        var stream = new StreamCheck();
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetGuid(0);
            if (id != stream.Id)
            {
                if (stream.Id != Guid.Empty) report(stream.Result());
                stream = new StreamCheck { Id = id };
            }
            stream.HeadVersion = await reader.IsDBNullAsync(1, ct) ? null : reader.GetInt64(1);
            stream.HeadHash = await reader.IsDBNullAsync(2, ct) ? null : reader.GetFieldValue<byte[]>(2);
            if (await reader.IsDBNullAsync(3, ct) || stream.Problem is not null) continue;
            var version = reader.GetInt64(3);
            var seq = reader.GetInt64(4);
            if (version != stream.Checked + 1)
            {
                stream.Fail(stream.Checked + 1, seq, $"version {stream.Checked + 1} is missing");
                continue;
            }
            var (eventId, type, data, metadata) = (reader.GetGuid(5), reader.GetString(6), reader.GetString(7), reader.GetString(8));
            var recordedAt = Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(9), DateTimeKind.Utc));
            var stored = reader.GetFieldValue<byte[]>(10);
            var chain = reader.GetInt16(11);
            var canonicalData = CanonicalJson.Utf8(data);
            var canonicalMetadata = CanonicalJson.Utf8(metadata);
            stream.Hash = chain == 1
                ? ChainHash(stream.Hash, eventId, id, version, type, canonicalData, canonicalMetadata, recordedAt)
                : ChainLink(stream.Hash, ContentDigest(eventId, id, version, type, canonicalData, canonicalMetadata), recordedAt);
            stream.Checked = version;
            if (!stream.Hash.AsSpan().SequenceEqual(stored))
                stream.Fail(version, seq, "stored hash does not match the event's content and the previous hash");
        }
        if (stream.Id != Guid.Empty) report(stream.Result());
    }

    /// <summary>One stream's chain as the walk has recomputed it so far.</summary>
    private sealed class StreamCheck
    {
        public Guid Id { get; init; }
        public long? HeadVersion { get; set; }
        public byte[]? HeadHash { get; set; }
        public byte[] Hash { get; set; } = GenesisHash;
        /// <summary>Events checked: the walk stops counting at the first problem (a hash mismatch counts its event, a gap does not).</summary>
        public long Checked { get; set; }
        public (long Version, long? Sequence, string Text)? Problem { get; private set; }

        public void Fail(long version, long? sequence, string text) => Problem = (version, sequence, text);

        public VerificationResult Result()
        {
            if (Problem is { } p)
                return new VerificationResult(Id, Checked, p.Version, p.Sequence, p.Text);
            if (HeadVersion is not { } head)
                return new VerificationResult(Id, Checked, Checked, null, "no stream row for these events");
            if (head != Checked)
                return new VerificationResult(Id, Checked, Checked + 1, null, $"stream version {head} but {Checked} events stored");
            if (!HeadHash.AsSpan().SequenceEqual(Hash))
                return new VerificationResult(Id, Checked, Checked, null, "stream head hash does not match the last event");
            return new VerificationResult(Id, Checked, null, null, null);
        }
    }

    // Output names differ from the table's: ORDER BY prefers an output column of the same name (tx::text would sort as text).

    /// <summary>
    /// Chain format 1 (events written before migration 0011): SHA-256 over the previous hash and the event's canonical content: id,
    /// stream, version, type, canonical data, canonical metadata and the recorded instant in µs, as UTF-8 joined by <c>\n</c>.
    /// </summary>
    internal static byte[] ChainHash(byte[] previous, Guid eventId, Guid streamId, long version, string type, ReadOnlySpan<byte> canonicalData,
        ReadOnlySpan<byte> canonicalMetadata, Instant recordedAt)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> text = stackalloc byte[20]; // a long needs at most 20
        sha.AppendData(previous);
        AppendContent(sha, eventId, streamId, version, type, canonicalData, canonicalMetadata);
        sha.AppendData("\n"u8);
        (recordedAt.ToUnixTimeTicks() / 10).TryFormat(text, out var written, default, CultureInfo.InvariantCulture);
        sha.AppendData(text[..written]);
        return sha.GetHashAndReset();
    }

    /// <summary>
    /// Chain format 2, the content digest the client sends to <c>append_events</c>: SHA-256 over id, stream, version, type, canonical
    /// data and canonical metadata as UTF-8 joined by <c>\n</c> (format 1's fields without the previous hash and the instant).
    /// </summary>
    internal static byte[] ContentDigest(Guid eventId, Guid streamId, long version, string type, ReadOnlySpan<byte> canonicalData, ReadOnlySpan<byte> canonicalMetadata)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendContent(sha, eventId, streamId, version, type, canonicalData, canonicalMetadata);
        return sha.GetHashAndReset();
    }

    /// <summary>Chain format 2, the link <c>append_events</c> computes: SHA-256(previous hash ‖ content digest ‖ recorded-at µs since 1970 as 8 bytes, big-endian).</summary>
    internal static byte[] ChainLink(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> digest, Instant recordedAt)
    {
        Span<byte> input = stackalloc byte[32 + 32 + 8];
        previous.CopyTo(input);
        digest.CopyTo(input[32..]);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(input[64..], recordedAt.ToUnixTimeTicks() / 10);
        return SHA256.HashData(input);
    }

    private static void AppendContent(IncrementalHash sha, Guid eventId, Guid streamId, long version, string type, ReadOnlySpan<byte> canonicalData,
        ReadOnlySpan<byte> canonicalMetadata)
    {
        Span<byte> text = stackalloc byte[36]; // a Guid's "D" form (the default format); a long needs at most 20
        eventId.TryFormat(text, out var written);
        AppendLine(sha, text[..written]);
        streamId.TryFormat(text, out written);
        AppendLine(sha, text[..written]);
        version.TryFormat(text, out written, default, CultureInfo.InvariantCulture);
        AppendLine(sha, text[..written]);
        AppendLine(sha, Encoding.UTF8.GetBytes(type));
        AppendLine(sha, canonicalData);
        sha.AppendData(canonicalMetadata);
    }

    private static void AppendLine(IncrementalHash sha, ReadOnlySpan<byte> value)
    {
        sha.AppendData(value);
        sha.AppendData("\n"u8);
    }
}
