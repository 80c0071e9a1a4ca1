using System.Security.Cryptography;
using CaseFlow.Core.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CaseFlow.Api.Tests;

/// <summary>Sealed webhook secrets (issue 11, docs/security.md): a fresh nonce each time, a key outside the database, tampering detected.</summary>
public class SecretBoxTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void TheSameSecretSealsDifferentlyEachTime_AndOpensToItself()
    {
        var box = new SecretBox(Key);
        var (a, b) = (box.Seal("same secret"), box.Seal("same secret"));
        Assert.NotEqual(a, b); // a fresh nonce per seal: equal secrets are not visible as equal values
        Assert.Equal(1, a[0]);
        Assert.Equal(1 + 12 + 16 + "same secret".Length, a.Length);
        Assert.Equal("same secret", box.Open(a));
        Assert.Equal("same secret", box.Open(b));
    }

    [Fact]
    public void ABinding_IsHmacSha256UnderTheHkdfKeyOfTheSecretsKey_AKnownAnswer_AndHoldsOnlyForItsFact()
    {
        // HKDF-SHA256 (no salt, info "caseflow|binding") of the key 00 01 .. 1f, then HMAC-SHA256 of the fact (computed apart with
        // Python's hmac and hashlib). A change of the derivation would unbind every stored subscription (ADR 24): this pins it.
        var box = new SecretBox([.. Enumerable.Range(0, 32).Select(i => (byte)i)]);
        Assert.Equal("a17f98a41435ef086f9b55b913a9ebb182b19c986dba76815fef2d460f66bf79", Convert.ToHexStringLower(box.Bind("subscription|x")));
        Assert.True(box.Holds(box.Bind("subscription|x"), "subscription|x"));
        Assert.False(box.Holds(box.Bind("subscription|x"), "subscription|y"));
        Assert.False(box.Holds(null, "subscription|x"));
        Assert.False(new SecretBox(Key).Holds(box.Bind("subscription|x"), "subscription|x"));
    }

    [Fact]
    public void AnotherKey_ATruncatedValue_OrAnUnknownFormat_DoNotOpen()
    {
        var sealedValue = new SecretBox(Key).Seal("s");
        Assert.ThrowsAny<CryptographicException>(() => new SecretBox(RandomNumberGenerator.GetBytes(32)).Open(sealedValue));
        Assert.ThrowsAny<CryptographicException>(() => new SecretBox(Key).Open(sealedValue[..28]));
        Assert.ThrowsAny<CryptographicException>(() => new SecretBox(Key).Open([2, .. sealedValue[1..]]));
        Assert.Equal("", new SecretBox(Key).Open(new SecretBox(Key).Seal(""))); // exactly 29 bytes: a sealed empty secret
        Assert.Throws<ArgumentException>(() => new SecretBox(new byte[16]));
    }

    [Fact]
    public void WithoutAConfiguredKey_AKeyFileIsCreatedOwnerOnly_AndUsedAgain()
    {
        var folder = Directory.CreateTempSubdirectory("caseflow-key-");
        try
        {
            var file = Path.Combine(folder.FullName, "keys", "secrets.key");
            var options = Options.Create(new SecretOptions { KeyFile = file });
            var sealedValue = new SecretBox(options, NullLogger<SecretBox>.Instance).Seal("kept");
            Assert.True(File.Exists(file));
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(file)).Length);
            Assert.Equal("kept", new SecretBox(options, NullLogger<SecretBox>.Instance).Open(sealedValue)); // the next start reads the same key
            var configured = Options.Create(new SecretOptions { Key = Convert.ToBase64String(Key), KeyFile = Path.Combine(folder.FullName, "unused.key") });
            Assert.Equal("k", new SecretBox(Key).Open(new SecretBox(configured, NullLogger<SecretBox>.Instance).Seal("k")));
            Assert.False(File.Exists(Path.Combine(folder.FullName, "unused.key"))); // a configured key wins; no file is made
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
