using System.Security.Cryptography;

namespace CaseFlow.Core.Security;

/// <summary>
/// AES-256-GCM in CaseFlow's one sealed format, <c>1 ‖ nonce(12) ‖ tag(16) ‖ ciphertext</c>, with associated data that binds a
/// sealed value to its place (a case, an event type): moved elsewhere, it fails to open rather than reading as something else.
/// </summary>
public static class Aead
{
    private const byte Format = 1;
    public const int Overhead = 1 + 12 + 16;

    public static byte[] Seal(byte[] key, ReadOnlySpan<byte> plain, ReadOnlySpan<byte> associated = default)
    {
        var sealedValue = new byte[Overhead + plain.Length];
        sealedValue[0] = Format;
        var nonce = sealedValue.AsSpan(1, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(nonce, plain, sealedValue.AsSpan(Overhead), sealedValue.AsSpan(13, 16), associated);
        return sealedValue;
    }

    /// <summary>The plain bytes; throws <see cref="CryptographicException"/> when the value was altered, moved or sealed under another key.</summary>
    public static byte[] Open(byte[] key, ReadOnlySpan<byte> sealedValue, ReadOnlySpan<byte> associated = default)
    {
        if (sealedValue.Length < Overhead || sealedValue[0] != Format) throw new CryptographicException("not a sealed value");
        var plain = new byte[sealedValue.Length - Overhead];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(sealedValue.Slice(1, 12), sealedValue[Overhead..], sealedValue.Slice(13, 16), plain, associated);
        return plain;
    }
}
