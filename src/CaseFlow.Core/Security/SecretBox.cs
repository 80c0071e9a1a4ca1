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
    private const byte Format = 1;
    private readonly byte[] key;

    public SecretBox(IOptions<SecretOptions> options, ILogger<SecretBox> log)
    {
        var o = options.Value;
        if (o.Key is { Length: > 0 } configured) key = Convert.FromBase64String(configured);
        else
        {
            if (!File.Exists(o.KeyFile))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(o.KeyFile))!);
                File.WriteAllText(o.KeyFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(o.KeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                log.LogWarning("Created a new secrets key in {KeyFile}; keep it (and back it up) outside the database", Path.GetFullPath(o.KeyFile));
            }
            key = Convert.FromBase64String(File.ReadAllText(o.KeyFile).Trim());
        }
        if (key.Length != 32) throw new InvalidOperationException("CaseFlow:Secrets: the key must be 32 bytes (base64)");
    }

    public SecretBox(byte[] key) => this.key = key.Length == 32 ? key : throw new ArgumentException("a 32-byte key", nameof(key));

    public byte[] Seal(string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedValue = new byte[1 + 12 + 16 + plain.Length];
        sealedValue[0] = Format;
        var nonce = sealedValue.AsSpan(1, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(nonce, plain, sealedValue.AsSpan(29), sealedValue.AsSpan(13, 16));
        return sealedValue;
    }

    /// <summary>The secret; throws <see cref="CryptographicException"/> when the value was altered or sealed under another key.</summary>
    public string Open(byte[] sealedValue)
    {
        if (sealedValue.Length < 29 || sealedValue[0] != Format) throw new CryptographicException("not a sealed secret");
        var plain = new byte[sealedValue.Length - 29];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(sealedValue.AsSpan(1, 12), sealedValue.AsSpan(29), sealedValue.AsSpan(13, 16), plain);
        return Encoding.UTF8.GetString(plain);
    }
}
