using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CaseFlow.Core.Security;

public sealed class SecretOptions
{
    /// <summary>The 256-bit key, base64. Takes precedence over <see cref="KeyFile"/>.</summary>
    public string? Key { get; set; }

    /// <summary>A file holding the base64 key; created (mode 600) with a fresh random key when missing.</summary>
    public string KeyFile { get; set; } = Path.Combine(".caseflow", "secrets.key");
}

/// <summary>
/// Seals short secrets (webhook signing secrets) with AES-256-GCM under a key kept outside the database (configuration or a key file
/// that <c>ops/run</c> creates on first start). A sealed value is <c>1 ‖ nonce(12) ‖ tag(16) ‖ ciphertext</c>; a database dump alone
/// does not reveal the secret, and a sealed value altered in the database fails to open rather than yielding another secret.
/// </summary>
public sealed class SecretBox
{
    private readonly byte[] key;
    private readonly byte[] bindingKey;

    public SecretBox(IOptions<SecretOptions> options, ILogger<SecretBox> log) : this(KeyFile.Load(options.Value.Key, options.Value.KeyFile, 32, log, "secrets key"))
    {
    }

    public SecretBox(byte[] key)
    {
        this.key = key.Length == 32 ? key : throw new ArgumentException("a 32-byte key", nameof(key));
        bindingKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: Encoding.UTF8.GetBytes("caseflow|binding"));
    }

    /// <summary>A tag binding <paramref name="fact"/> under a key derived from the secrets key: a row carrying it was written by CaseFlow.</summary>
    public byte[] Bind(string fact) => HMACSHA256.HashData(bindingKey, Encoding.UTF8.GetBytes(fact));

    /// <summary>Whether <paramref name="tag"/> is <see cref="Bind"/>'s for <paramref name="fact"/> (compared in constant time); false for none.</summary>
    public bool Holds(byte[]? tag, string fact) => tag is not null && CryptographicOperations.FixedTimeEquals(tag, Bind(fact));

    public byte[] Seal(string secret) => Aead.Seal(key, Encoding.UTF8.GetBytes(secret));

    /// <summary>The secret; throws <see cref="CryptographicException"/> when the value was altered or sealed under another key.</summary>
    public string Open(byte[] sealedValue) => Encoding.UTF8.GetString(Aead.Open(key, sealedValue));
}
