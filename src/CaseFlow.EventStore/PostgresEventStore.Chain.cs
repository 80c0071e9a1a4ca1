using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace CaseFlow.EventStore;

/// <summary>The chain hash: both formats, as the append computes them and verify recomputes them.</summary>
public sealed partial class PostgresEventStore
{
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
    /// Chain format 2, the content digest the client sends with the append: SHA-256 over id, stream, version, type, canonical
    /// data and canonical metadata as UTF-8 joined by <c>\n</c> (format 1's fields without the previous hash and the instant).
    /// </summary>
    internal static byte[] ContentDigest(Guid eventId, Guid streamId, long version, string type, ReadOnlySpan<byte> canonicalData, ReadOnlySpan<byte> canonicalMetadata)
    {
        // One buffer of exactly the text's size and a one-shot hash: the same bytes as feeding an incremental hash field by field, at a
        // fraction of its cost.
        Span<byte> number = stackalloc byte[20]; // a long needs at most 20
        version.TryFormat(number, out var digits, default, CultureInfo.InvariantCulture);
        var length = 36 + 1 + 36 + 1 + digits + 1 + Encoding.UTF8.GetByteCount(type) + 1 + canonicalData.Length + 1 + canonicalMetadata.Length;
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var buffer = rented.AsSpan(0, length);
            eventId.TryFormat(buffer, out var at);
            buffer[at++] = (byte)'\n';
            streamId.TryFormat(buffer[at..], out var written);
            at += written;
            buffer[at++] = (byte)'\n';
            number[..digits].CopyTo(buffer[at..]);
            at += digits;
            buffer[at++] = (byte)'\n';
            at += Encoding.UTF8.GetBytes(type, buffer[at..]);
            buffer[at++] = (byte)'\n';
            canonicalData.CopyTo(buffer[at..]);
            at += canonicalData.Length;
            buffer[at++] = (byte)'\n';
            canonicalMetadata.CopyTo(buffer[at..]);
            return SHA256.HashData(buffer);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Chain format 2, the link the append statement computes: SHA-256(previous hash ‖ content digest ‖ recorded-at µs since 1970 as 8 bytes, big-endian).</summary>
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
