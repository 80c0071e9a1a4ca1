using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Security;
using CaseFlow.EventStore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>The keys, the seal's arithmetic and the data keys' table, one rule at a time (issue 12, ADR 13).</summary>
public sealed class SecurityTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private NpgsqlDataSource Db => app.Services.GetRequiredService<NpgsqlDataSource>();

    private static StreamHead Head(int n, long version) => new(new Guid($"00000000-0000-0000-0000-{n:D12}"), version, SHA256.HashData([(byte)n]));

    private static byte[] Leaf(StreamHead h)
    {
        var bytes = new byte[1 + 16 + 8 + 32];
        h.StreamId.TryWriteBytes(bytes.AsSpan(1, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(17, 8), h.Version);
        h.Hash.CopyTo(bytes.AsSpan(25));
        return SHA256.HashData(bytes);
    }

    private static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

    [Fact]
    public void TheMerkleRoot_IsSha256OfLeavesAndNodes_AnOddNodeCarriedUp_AsDocumented()
    {
        var (a, b, c) = (Head(1, 3), Head(2, 1), Head(3, 7));
        Assert.Equal(SHA256.HashData([]), Seals.MerkleRoot([]));
        Assert.Equal(Leaf(a), Seals.MerkleRoot([a]));
        Assert.Equal(Node(Leaf(a), Leaf(b)), Seals.MerkleRoot([a, b]));
        Assert.Equal(Node(Node(Leaf(a), Leaf(b)), Leaf(c)), Seals.MerkleRoot([a, b, c]));
        Assert.NotEqual(Seals.MerkleRoot([a, b, c]), Seals.MerkleRoot([a, b, c with { Version = 8 }])); // a head's version is in its leaf
    }

    [Fact]
    public void ASignature_IsCheckedWithThePublicKeyAlone_AndMalformedKeysOrSignaturesAreJustInvalid()
    {
        var seeds = KeyRing.EphemeralOptions();
        var ring = new KeyRing(seeds, NullLogger.Instance);
        var signer = new Org.BouncyCastle.Crypto.Signers.Ed25519Signer();
        var secret = new Org.BouncyCastle.Crypto.Parameters.Ed25519PrivateKeyParameters(ring.SealSeed, 0);
        signer.Init(true, secret);
        var payload = "caseflow-seal/1\nstreams: 3\n"u8.ToArray();
        signer.BlockUpdate(payload, 0, payload.Length);
        var signature = signer.GenerateSignature();
        var publicKey = secret.GeneratePublicKey().GetEncoded();
        Assert.True(Seals.VerifySignature(publicKey, "caseflow-seal/1\nstreams: 3\n", signature));
        Assert.False(Seals.VerifySignature(publicKey, "caseflow-seal/1\nstreams: 4\n", signature));
        Assert.False(Seals.VerifySignature(publicKey[..31], "caseflow-seal/1\nstreams: 3\n", signature));
        Assert.False(Seals.VerifySignature(publicKey, "caseflow-seal/1\nstreams: 3\n", signature[..63]));
        // RFC 8410: an Ed25519 SubjectPublicKeyInfo is 302a300506032b6570032100 and the 32-byte key.
        var pem = Seals.PublicKeyPem(publicKey);
        Assert.Equal($"-----BEGIN PUBLIC KEY-----\n{Convert.ToBase64String([.. Convert.FromHexString("302a300506032b6570032100"), .. publicKey])}\n-----END PUBLIC KEY-----\n", pem);
    }

    /// <summary>An event as read back, with <paramref name="json"/> as its stored data.</summary>
    private static RecordedEvent Stored(string type, string json) => new(1, Guid.NewGuid(), Guid.NewGuid(), 1, type, System.Text.Json.JsonDocument.Parse(json).RootElement,
        new EventMetadata("t", Guid.Empty), NodaTime.Instant.FromUtc(2024, 1, 1, 0, 0), new GlobalPosition(1, 1), new byte[32]);

    [Fact]
    public void Reveal_LeavesDataWithoutTheEnvelopeUnparsed_AndStillFindsAnEnvelopeWhoseNameIsEscaped()
    {
        var withheld = CaseKeys.Withheld(new KeyRing(KeyRing.EphemeralOptions(), NullLogger.Instance));
        const string person = """ "person": {"familyName": "Érase", "givenNames": "A", "nationality": "DE"} """;
        // No envelope: the event itself comes back (its data is never parsed), also when "personal" is a value rather than a name.
        var plain = Stored("CaseOpened.v1", $$"""{ {{person}} }""");
        Assert.Same(plain, withheld.Reveal(plain));
        var mention = Stored("Notified.v1", """{"reference": "personal"}""");
        Assert.Same(mention, withheld.Reveal(mention));
        // An envelope (here a case id and no key: withheld), its name written plainly or with a JSON escape: the personal fields are
        // marked erased either way, never passed through as the stored text.
        var envelope = Convert.ToBase64String(new byte[40]);
        foreach (var name in new[] { "personal", "\\u0070ersonal" })
        {
            var revealed = withheld.Reveal(Stored("CaseOpened.v1", $$"""{ {{person}}, "{{name}}": "{{envelope}}" }"""));
            Assert.False(revealed.Data.TryGetProperty(CaseKeys.Envelope, out _), name);
            Assert.Equal(CaseFlow.Domain.Cases.Person.ErasedMark, revealed.Data.GetProperty("person").GetProperty("familyName").GetString());
        }
    }

    [Fact]
    public void ASealCheck_IsIntactOnlyWhenTheSignatureOurKeyTheRootAndEveryStreamAgree()
    {
        var at = NodaTime.Instant.FromUtc(2024, 6, 1, 7, 0);
        Assert.True(new SealCheck(1, at, true, true, true, []).Intact);
        Assert.False(new SealCheck(1, at, false, true, true, []).Intact);
        Assert.False(new SealCheck(1, at, true, false, true, []).Intact);
        Assert.False(new SealCheck(1, at, true, true, false, []).Intact);
        Assert.False(new SealCheck(1, at, true, true, true, [new SealFinding(Guid.Empty, "removed")]).Intact);
    }

    [Fact]
    public async Task ASealSignsTheClocksInstant_ToTheMicrosecond_AndAnInsiderWhoEditsItsHeads_BreaksItsRoot()
    {
        var client = app.Client();
        var open = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Heads", givenNames = "H", nationality = "DE", birthDate = "1980-01-01", passportNumber = $"H{Guid.NewGuid():N}"[..9] }, hostPartyId = app.HostA,
        });
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        app.Clock.Set(app.Clock.GetCurrentInstant().PlusTicks(1234567)); // 123.4567 ms: the seal keeps 123.456
        var sealed_ = await (await app.Client("ops").PostAsync("/api/audit/seals", null)).JsonAsync();
        Assert.Equal(NodaTime.Text.InstantPattern.ExtendedIso.Format(NodaTime.Instant.FromUnixTimeTicks(app.Clock.GetCurrentInstant().ToUnixTimeTicks() / 10 * 10)),
            sealed_.GetProperty("sealedAt").GetString());
        var report = await (await app.Client("ops").GetAsync("/api/audit/verify")).JsonAsync();
        Assert.True(report.GetProperty("seal").GetProperty("headsMatchRoot").GetBoolean());
        Assert.True(report.GetProperty("seal").GetProperty("intact").GetBoolean());

        // The insider makes the stored heads agree with a forged stream (a byte of the first head's chain hash inverted, so it always
        // changes; overwriting it with 0xff left it unchanged one run in 256): the signed root no longer matches them.
        await using (var edit = Db.CreateCommand("""
            ALTER TABLE seals DISABLE TRIGGER seals_append_only;
            UPDATE seals SET heads = set_byte(heads, 39, get_byte(heads, 39) # 255) WHERE id = (SELECT max(id) FROM seals);
            ALTER TABLE seals ENABLE TRIGGER seals_append_only;
            """))
            await edit.ExecuteNonQueryAsync();
        var forged = await (await app.Client("ops").GetAsync("/api/audit/verify")).JsonAsync();
        Assert.False(forged.GetProperty("seal").GetProperty("headsMatchRoot").GetBoolean());
        Assert.False(forged.GetProperty("intact").GetBoolean());
        // Nothing was appended since: no new seal is made over the forgery.
        Assert.Equal(HttpStatusCode.NoContent, (await app.Client("ops").PostAsync("/api/audit/seals", null)).StatusCode);
    }

    [Fact]
    public async Task DataKeys_EnsureKeepsAKeyItMadeBefore_EraseHappensOnce()
    {
        var keys = app.Services.GetRequiredService<DataKeys>();
        var (old, fresh) = (Guid.NewGuid(), Guid.NewGuid());
        await using var connection = await Db.OpenConnectionAsync();
        await using (var tx = await connection.BeginTransactionAsync())
        {
            var first = await keys.EnsureAsync(connection, tx, [old], CancellationToken.None);
            var sealedText = first.Seal(old, "kept");
            var both = await keys.EnsureAsync(connection, tx, [old, fresh], CancellationToken.None); // one made before, one new
            Assert.Equal("kept", both.Open(old, sealedText));
            Assert.True(both.Holds(fresh));
            Assert.True(await keys.EraseAsync(connection, tx, old, "user:admin", "request", "asked", CancellationToken.None));
            Assert.False(await keys.EraseAsync(connection, tx, old, "user:admin", "request", "asked", CancellationToken.None)); // already gone
            var after = await keys.LoadAsync(connection, tx, [old, fresh], CancellationToken.None);
            Assert.True(after.IsErased(old));
            Assert.False(after.IsErased(fresh));
            Assert.Null(after.Open(old, sealedText));
            await tx.CommitAsync();
        }
    }

    [Fact]
    public void TheMasterKeyFile_IsMadeOnce_CommentsAndBlankLinesIgnored_InlineKeysTrimmed()
    {
        var folder = Directory.CreateTempSubdirectory("caseflow-keys-").FullName;
        try
        {
            var first = new KeyRing(new KeyOptions { Directory = folder }, NullLogger.Instance);
            Assert.Equal(first.CurrentMasterId, new KeyRing(new KeyOptions { Directory = folder }, NullLogger.Instance).CurrentMasterId); // not made again
            var file = Path.Combine(folder, "master.keys");
            File.WriteAllText(file, $"# rotated 2026\n\n{File.ReadAllText(file).Trim()}\n\n");
            var commented = new KeyRing(new KeyOptions { Directory = folder }, NullLogger.Instance);
            Assert.Equal(first.CurrentMasterId, commented.CurrentMasterId);
            var wrapped = first.Wrap(Guid.Empty, new byte[32]);
            Assert.Equal(new byte[32], commented.Unwrap(Guid.Empty, first.CurrentMasterId, wrapped));
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            var inline = new KeyRing(new KeyOptions { Directory = folder, Master = $" m2:{key} , m1:{key} " }, NullLogger.Instance);
            Assert.Equal("m2", inline.CurrentMasterId);
            Assert.True(inline.HasMaster("m1"));
            Assert.Throws<CryptographicException>(() => inline.Unwrap(Guid.Empty, "m9", wrapped)); // a master key not configured
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ADigestPlaceholder_OfACaseThatIsNotThere_OrOfAnotherHostParty_ReadsUnknown()
    {
        var keys = app.Services.GetRequiredService<DataKeys>();
        var text = await CaseFlow.Core.Delivery.DigestNames.FillAsync(Db, keys, app.HostA, $"- {CaseFlow.Core.Delivery.DigestNames.Placeholder(Guid.NewGuid())}: overstay", CancellationToken.None);
        Assert.Equal("- (unknown): overstay", text);
        Assert.Equal("no people here", await CaseFlow.Core.Delivery.DigestNames.FillAsync(Db, keys, app.HostA, "no people here", CancellationToken.None));

        // A payload edited in the database to name host B's case is filled with host B's name only in host B's digest.
        var opened = await app.Client("complianceB").PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Elsewhere", givenNames = "Bea", nationality = "DE", birthDate = "1980-01-01", passportNumber = $"E{Guid.NewGuid():N}"[..9] },
            hostPartyId = app.HostB,
        });
        var caseB = Guid.Parse(opened.Headers.Location!.ToString().Split('/')[^1]);
        var payload = $"- {CaseFlow.Core.Delivery.DigestNames.Placeholder(caseB)}";
        Assert.Equal("- (unknown)", await CaseFlow.Core.Delivery.DigestNames.FillAsync(Db, keys, app.HostA, payload, CancellationToken.None));
        Assert.Equal("- Elsewhere, Bea", await CaseFlow.Core.Delivery.DigestNames.FillAsync(Db, keys, app.HostB, payload, CancellationToken.None));
        // Erased, the person reads as erased in a digest still to go out.
        Assert.Equal(HttpStatusCode.OK, (await app.Client("admin").PostJsonAsync($"/api/cases/{caseB}/erasure", new { reason = "request of the person" })).StatusCode);
        Assert.Equal("- [erased], [erased]", await CaseFlow.Core.Delivery.DigestNames.FillAsync(Db, keys, app.HostB, payload, CancellationToken.None));
    }
}
