using NodaTime;
using Npgsql;

namespace CaseFlow.EventStore;

/// <summary>Verify's rows: as read, their digests computed ahead of the chain, and each checked against its stream's chain in order.</summary>
public sealed partial class PostgresEventStore
{
    /// <summary>One row checked against the stream's chain so far: a new stream reports the last one; a gap or a mismatch is the stream's problem.</summary>
    private static StreamCheck Check(StreamCheck stream, ChainRow row, Action<VerificationResult> report)
    {
        if (row.StreamId != stream.Id)
        {
            if (stream.Id != Guid.Empty) report(stream.Result());
            stream = new StreamCheck { Id = row.StreamId };
        }
        stream.HeadVersion = row.HeadVersion;
        stream.HeadHash = row.HeadHash;
        if (row.Event is not { } e || stream.Problem is not null) return stream;
        if (e.Version != stream.Checked + 1)
        {
            stream.Fail(stream.Checked + 1, e.Sequence, $"version {stream.Checked + 1} is missing");
            return stream;
        }
        stream.Hash = e.Chain == 1
            ? ChainHash(stream.Hash, e.EventId, row.StreamId, e.Version, e.Type, e.CanonicalData, e.CanonicalMetadata, e.RecordedAt)
            : ChainLink(stream.Hash, e.ContentDigest, e.RecordedAt);
        stream.Checked = e.Version;
        if (!stream.Hash.AsSpan().SequenceEqual(e.Stored))
            stream.Fail(e.Version, e.Sequence, "stored hash does not match the event's content and the previous hash");
        return stream;
    }

    /// <summary>A row of <see cref="StreamRows"/> or <see cref="OrphanRows"/>: the stream's head, and its event when it has one.</summary>
    private sealed record ChainRow(Guid StreamId, long? HeadVersion, byte[]? HeadHash, ChainEvent? Event)
    {
        public static async Task<ChainRow> ReadAsync(NpgsqlDataReader reader, CancellationToken ct)
        {
            var id = reader.GetGuid(0);
            var headVersion = await reader.IsDBNullAsync(1, ct) ? (long?)null : reader.GetInt64(1);
            var headHash = await reader.IsDBNullAsync(2, ct) ? null : reader.GetFieldValue<byte[]>(2);
            if (await reader.IsDBNullAsync(3, ct)) return new ChainRow(id, headVersion, headHash, null);
            var e = new ChainEvent(reader.GetInt64(3), reader.GetInt64(4), reader.GetGuid(5), reader.GetString(6), reader.GetFieldValue<byte[]>(7), reader.GetFieldValue<byte[]>(8),
                Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(9), DateTimeKind.Utc)), reader.GetFieldValue<byte[]>(10), reader.GetInt16(11));
            return new ChainRow(id, headVersion, headHash, e);
        }

        /// <summary>
        /// Events appended together carry the same metadata: an event whose metadata text is the one before it in the batch takes that
        /// event's canonical metadata instead of computing its own (the same bytes; the comparison is of the stored text itself).
        /// </summary>
        public static void ShareMetadata(ChainRow[] batch)
        {
            ChainEvent? previous = null;
            foreach (var row in batch)
            {
                if (row.Event is not { } e) continue;
                if (previous is not null && e.Metadata.AsSpan().SequenceEqual(previous.Metadata)) e.SameMetadataAs = previous.SameMetadataAs ?? previous;
                previous = e;
            }
        }

        /// <summary>Canonical data, and canonical metadata unless shared (run in parallel across rows).</summary>
        public void Canonicalize()
        {
            if (Event is not { } e) return;
            e.CanonicalData = CanonicalJson.Utf8(e.Data);
            if (e.SameMetadataAs is null) e.CanonicalMetadata = CanonicalJson.Utf8(e.Metadata);
        }

        /// <summary>The content digest, which needs no previous hash (run in parallel across rows, after <see cref="Canonicalize"/>).</summary>
        public void Digest()
        {
            if (Event is not { } e) return;
            if (e.SameMetadataAs is { } source) e.CanonicalMetadata = source.CanonicalMetadata;
            if (e.Chain != 1) e.ContentDigest = ContentDigest(e.EventId, StreamId, e.Version, e.Type, e.CanonicalData, e.CanonicalMetadata);
        }
    }

    /// <summary>An event as verify reads it: its data and metadata as PostgreSQL's UTF-8 text.</summary>
    private sealed record ChainEvent(long Version, long Sequence, Guid EventId, string Type, byte[] Data, byte[] Metadata, Instant RecordedAt, byte[] Stored, short Chain)
    {
        /// <summary>The earlier event of the batch whose metadata text this one repeats.</summary>
        public ChainEvent? SameMetadataAs { get; set; }
        public byte[] CanonicalData { get; set; } = [];
        public byte[] CanonicalMetadata { get; set; } = [];
        public byte[] ContentDigest { get; set; } = [];
    }
}
