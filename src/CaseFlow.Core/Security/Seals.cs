using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CaseFlow.EventStore;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace CaseFlow.Core.Security;

/// <summary>Where seals go besides the database (<c>CaseFlow:Seals</c>).</summary>
public sealed class SealOptions
{
    /// <summary>A folder (ideally on storage the database administrator does not control) that receives each seal as <c>seal-N.json</c>.</summary>
    public string? ExportDirectory { get; set; }

    /// <summary>Minutes between seals (the <c>seal</c> job); a seal is skipped when nothing was appended since the last.</summary>
    public int IntervalMinutes { get; set; } = 60;
}

/// <summary>A signed statement of the whole log: at <see cref="SealedAt"/>, <see cref="Streams"/> streams whose heads have <see cref="MerkleRoot"/>.</summary>
public sealed record Seal(long Id, Instant SealedAt, long LastSequence, long Streams, byte[] MerkleRoot, byte[] PublicKey, byte[] Signature)
{
    /// <summary>The exact text signed (UTF-8): what <c>openssl pkeyutl -verify -rawin</c> checks with the public key alone.</summary>
    public string Payload => Seals.PayloadOf(SealedAt, LastSequence, Streams, MerkleRoot);
}

public sealed record SealFinding(Guid StreamId, string Problem);

/// <summary>The store checked against a seal: its signature (and that our key made it), its heads against its root, each stream against its head.</summary>
public sealed record SealCheck(long SealId, Instant SealedAt, bool SignatureValid, bool SignedByOurKey, bool HeadsMatchRoot, IReadOnlyList<SealFinding> Broken)
{
    public bool Intact => SignatureValid && SignedByOurKey && HeadsMatchRoot && Broken.Count == 0;
}

/// <summary>
/// The owner of the <c>seals</c> table (ADR 13). A seal signs (Ed25519, key outside the database) the log's last sequence, the number of
/// streams and the Merkle root of every stream's head (version and chain hash); the heads are stored with it. Someone who can write to
/// the database can recompute a stream's chain or cut its tail so that the chain alone still verifies; against the latest seal, the
/// stream's event at the sealed version no longer has the sealed hash, or is gone, and <see cref="CheckAsync"/> names the stream.
/// </summary>
public sealed class Seals(PostgresEventStore store, KeyRing ring, IClock clock, SealOptions options)
{
    private const int HeadSize = 16 + 8 + 32;

    public byte[] PublicKey { get; } = new Ed25519PrivateKeyParameters(ring.SealSeed, 0).GeneratePublicKey().GetEncoded();

    /// <summary>Seals the log as it is now; null when nothing was appended since the latest seal.</summary>
    public async Task<Seal?> SealAsync(CancellationToken ct)
    {
        var (last, heads) = await store.ReadHeadsAsync(ct);
        if (await LatestAsync(ct) is { } latest && latest.LastSequence == last && latest.Streams == heads.Count) return null;
        var root = MerkleRoot(heads);
        var at = Instant.FromUnixTimeTicks(clock.GetCurrentInstant().ToUnixTimeTicks() / 10 * 10); // µs, as timestamptz keeps it
        var signature = Sign(PayloadOf(at, last, heads.Count, root));
        await using var command = store.DataSource.CreateCommand("""
            INSERT INTO seals (sealed_at, log_position, streams, merkle_root, public_key, signature, heads) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
            """);
        command.Parameters.Add(new() { Value = at.ToDateTimeUtc() });
        command.Parameters.Add(new() { Value = last.ToString(CultureInfo.InvariantCulture) });
        command.Parameters.Add(new() { Value = (long)heads.Count });
        command.Parameters.Add(new() { Value = root });
        command.Parameters.Add(new() { Value = PublicKey });
        command.Parameters.Add(new() { Value = signature });
        command.Parameters.Add(new() { Value = EncodeHeads(heads) });
        var seal = new Seal((long)(await command.ExecuteScalarAsync(ct))!, at, last, heads.Count, root, PublicKey, signature);
        if (options.ExportDirectory is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, $"seal-{seal.Id}.json"), JsonSerializer.Serialize(Export(seal)), ct);
        }
        return seal;
    }

    public async Task<IReadOnlyList<Seal>> ListAsync(int limit, CancellationToken ct)
    {
        await using var command = store.DataSource.CreateCommand(
            "SELECT id, sealed_at, log_position, streams, merkle_root, public_key, signature FROM seals ORDER BY id DESC LIMIT $1");
        command.Parameters.Add(new() { Value = limit });
        var seals = new List<Seal>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
            seals.Add(new Seal(row.GetInt64(0), Instant.FromDateTimeOffset(row.GetFieldValue<DateTimeOffset>(1)), long.Parse(row.GetString(2), CultureInfo.InvariantCulture),
                row.GetInt64(3), (byte[])row[4], (byte[])row[5], (byte[])row[6]));
        return seals;
    }

    public async Task<Seal?> LatestAsync(CancellationToken ct) => (await ListAsync(1, ct)).FirstOrDefault();

    /// <summary>The store against the latest seal; null when nothing was sealed yet.</summary>
    public async Task<SealCheck?> CheckAsync(CancellationToken ct)
    {
        if (await LatestAsync(ct) is not { } seal) return null;
        byte[] blob;
        await using (var command = store.DataSource.CreateCommand("SELECT heads FROM seals WHERE id = $1"))
        {
            command.Parameters.Add(new() { Value = seal.Id });
            blob = (byte[])(await command.ExecuteScalarAsync(ct))!;
        }
        var heads = DecodeHeads(blob);
        var broken = new List<SealFinding>();
        foreach (var now in await store.HeadsNowAsync(heads, ct))
        {
            if (now.Version is null) broken.Add(new(now.StreamId, $"removed: the stream was sealed at version {now.SealedVersion} and no longer exists"));
            else if (now.Version < now.SealedVersion) broken.Add(new(now.StreamId, $"truncated: sealed at version {now.SealedVersion}, its head is now version {now.Version}"));
            else if (now.HashAtSealedVersion is null) broken.Add(new(now.StreamId, $"truncated: the event at sealed version {now.SealedVersion} is gone"));
            else if (!now.HashAtSealedVersion.AsSpan().SequenceEqual(now.SealedHash))
                broken.Add(new(now.StreamId, $"rewritten: the event at sealed version {now.SealedVersion} no longer has the sealed hash (the chain was recomputed)"));
        }
        return new SealCheck(seal.Id, seal.SealedAt, VerifySignature(seal.PublicKey, seal.Payload, seal.Signature), seal.PublicKey.AsSpan().SequenceEqual(PublicKey),
            heads.Count == seal.Streams && MerkleRoot(heads).AsSpan().SequenceEqual(seal.MerkleRoot), broken);
    }

    /// <summary>What an outside party needs to check a seal with the public key alone (docs/security.md shows the openssl command).</summary>
    public static object Export(Seal seal) => new
    {
        id = seal.Id,
        payload = seal.Payload,
        signature = Convert.ToBase64String(seal.Signature),
        publicKey = Convert.ToBase64String(seal.PublicKey),
        publicKeyPem = PublicKeyPem(seal.PublicKey),
    };

    public static string PayloadOf(Instant sealedAt, long lastSequence, long streams, byte[] root) => string.Create(CultureInfo.InvariantCulture,
        $"caseflow-seal/1\nsealed-at: {InstantPattern.ExtendedIso.Format(sealedAt)}\nlast-sequence: {lastSequence}\nstreams: {streams}\nmerkle-root: {Convert.ToHexStringLower(root)}\n");

    public static bool VerifySignature(byte[] publicKey, string payload, byte[] signature)
    {
        if (publicKey.Length != 32 || signature.Length != 64) return false;
        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        var bytes = Encoding.UTF8.GetBytes(payload);
        verifier.BlockUpdate(bytes, 0, bytes.Length);
        return verifier.VerifySignature(signature);
    }

    /// <summary>SubjectPublicKeyInfo of an Ed25519 key (RFC 8410), as <c>openssl</c> reads it.</summary>
    public static string PublicKeyPem(byte[] publicKey) =>
        $"-----BEGIN PUBLIC KEY-----\n{Convert.ToBase64String([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00, .. publicKey])}\n-----END PUBLIC KEY-----\n";

    /// <summary>
    /// The Merkle root of the heads in stream-id order: a leaf is SHA-256(0x00 ‖ stream id (16 bytes, big-endian) ‖ version (8 bytes,
    /// big-endian) ‖ hash), a node SHA-256(0x01 ‖ left ‖ right), an odd node carried up; no streams: SHA-256 of nothing.
    /// </summary>
    public static byte[] MerkleRoot(IReadOnlyList<StreamHead> heads)
    {
        if (heads.Count == 0) return SHA256.HashData([]);
        var level = heads.Select(h => SHA256.HashData([0x00, .. Head(h)])).ToList();
        while (level.Count > 1)
        {
            var next = new List<byte[]>((level.Count + 1) / 2);
            for (var i = 0; i < level.Count; i += 2)
                next.Add(i + 1 < level.Count ? SHA256.HashData([0x01, .. level[i], .. level[i + 1]]) : level[i]);
            level = next;
        }
        return level[0];
    }

    private byte[] Sign(string payload)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, new Ed25519PrivateKeyParameters(ring.SealSeed, 0));
        var bytes = Encoding.UTF8.GetBytes(payload);
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return signer.GenerateSignature();
    }

    private static byte[] Head(StreamHead h)
    {
        var bytes = new byte[HeadSize];
        h.StreamId.TryWriteBytes(bytes.AsSpan(0, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(16, 8), h.Version);
        h.Hash.AsSpan(0, Math.Min(32, h.Hash.Length)).CopyTo(bytes.AsSpan(24)); // chain hashes are 32 bytes
        return bytes;
    }

    private static byte[] EncodeHeads(IReadOnlyList<StreamHead> heads) => [.. heads.SelectMany(Head)];

    private static List<StreamHead> DecodeHeads(byte[] blob) =>
        [.. Enumerable.Range(0, blob.Length / HeadSize).Select(i => new StreamHead(new Guid(blob.AsSpan(i * HeadSize, 16), bigEndian: true),
            BinaryPrimitives.ReadInt64BigEndian(blob.AsSpan(i * HeadSize + 16, 8)), blob.AsSpan(i * HeadSize + 24, 32).ToArray()))];
}
