using System.Security.Cryptography;
using System.Text;
using CaseFlow.Core.Cases;
using Microsoft.Extensions.Logging;

namespace CaseFlow.Core.Security;

/// <summary>Where CaseFlow's keys come from (<c>CaseFlow:Keys</c>): inline base64 values, else files in <see cref="Directory"/> created on first start.</summary>
public sealed class KeyOptions
{
    /// <summary>The folder of the key files (<c>master.keys</c>, <c>index.key</c>, <c>seal.key</c>); the CLI reads <c>CASEFLOW_KEYS</c>.</summary>
    public string Directory { get; set; } = ".caseflow";

    /// <summary>Master keys as <c>id:base64</c>, comma separated, the current one first (instead of <c>master.keys</c>: one <c>id base64</c> per line).</summary>
    public string? Master { get; set; }

    /// <summary>The blind-index key (HMAC-SHA-256, 32 bytes base64).</summary>
    public string? Index { get; set; }

    /// <summary>The seal signing key (an Ed25519 seed, 32 bytes base64).</summary>
    public string? Seal { get; set; }

    public static KeyOptions FromEnvironment() => new() { Directory = Environment.GetEnvironmentVariable("CASEFLOW_KEYS") is { Length: > 0 } d ? d : ".caseflow" };
}

/// <summary>
/// The keys that live outside the database (ADR 13): master keys that wrap each case's data key (the current one wraps new keys, older
/// ones still unwrap until rotation re-wrapped everything), the blind-index key (lookups and uniqueness by HMAC, never a plain hash) and
/// the seal key (Ed25519 seed). A database dump alone reveals no personal data and no index value can be tried against guesses.
/// </summary>
public sealed class KeyRing
{
    private readonly Dictionary<string, byte[]> masters;
    private readonly byte[] index;

    public KeyRing(KeyOptions options, ILogger log)
    {
        (CurrentMasterId, masters) = LoadMasters(options, log);
        index = KeyFile.Load(options.Index, Path.Combine(options.Directory, "index.key"), 32, log, "blind-index key");
        SealSeed = KeyFile.Load(options.Seal, Path.Combine(options.Directory, "seal.key"), 32, log, "seal signing key");
    }

    /// <summary>Fresh random keys held only in memory (benchmarks, tests): what they seal is unreadable once the process ends.</summary>
    public static KeyRing Ephemeral() => new(EphemeralOptions(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    /// <summary>Inline random keys, to hand the same ones to another process (<c>CaseFlow__Keys__Master</c>, ...).</summary>
    public static KeyOptions EphemeralOptions() => new()
    {
        Master = $"ephemeral:{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}",
        Index = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        Seal = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
    };

    public string CurrentMasterId { get; }

    public byte[] SealSeed { get; }

    public bool HasMaster(string id) => masters.ContainsKey(id);

    /// <summary>A data key sealed under the current master key, bound to its case.</summary>
    public byte[] Wrap(Guid caseId, byte[] dataKey) => Aead.Seal(masters[CurrentMasterId], dataKey, caseId.ToByteArray());

    public byte[] Unwrap(Guid caseId, string masterId, byte[] wrapped) =>
        masters.TryGetValue(masterId, out var master) ? Aead.Open(master, wrapped, caseId.ToByteArray())
        : throw new CryptographicException($"master key '{masterId}' is not configured (CaseFlow:Keys)");

    /// <summary>Seals a small value (an erasure's reason) under the current master key; it is not personal data of one case.</summary>
    public byte[] SealUnderMaster(string text) => Aead.Seal(masters[CurrentMasterId], Encoding.UTF8.GetBytes(text), Encoding.UTF8.GetBytes(CurrentMasterId));

    /// <summary>The blind index of a person's passport: one case per (host party, nationality, this) and the exact-match search.</summary>
    public byte[] PassportIndex(string nationality, string passport) =>
        Mac($"passport\n{nationality.Trim().ToUpperInvariant()}\n{passport.Trim().ToUpperInvariant()}");

    /// <summary>The blind index of a passport number alone (search by number, any nationality).</summary>
    public byte[] PassportSearchToken(string passport) => Mac($"passport-any\n{passport.Trim().ToUpperInvariant()}")[..16];

    /// <summary>The tokens a search for <paramref name="text"/> needs: one per word of it, folded (accents and case ignored).</summary>
    public byte[][] NameSearchTokens(string text) => [.. Words(text).Select(w => Mac($"name\n{w}")[..16])];

    /// <summary>
    /// The tokens a name is found by: each word's prefixes of 3 letters and more (up to 24), so "Garc" finds García; a shorter word
    /// whole. The price, said in docs/security.md: rows that share a name prefix share a token.
    /// </summary>
    public byte[][] NameIndexTokens(string text) =>
        [.. Words(text).SelectMany(w => Enumerable.Range(Math.Min(3, w.Length), Math.Min(w.Length, 24) - Math.Min(3, w.Length) + 1).Select(n => w[..n]))
            .Distinct(StringComparer.Ordinal).Select(w => Mac($"name\n{w}")[..16])];

    /// <summary>
    /// The tag a user row carries (ADR 25): an HMAC of <paramref name="fact"/> under the blind-index key, apart from the index's
    /// own values by its label. Only a process holding the keys can write one, so a row an insider made or edited holds none.
    /// </summary>
    public byte[] BindUser(string fact) => Mac($"user\n{fact}");

    /// <summary>The tag a delivery carries (ADR 27): an HMAC of <paramref name="fact"/> (<c>Outbox.PayloadFact</c>) under the blind-index key, labelled apart.</summary>
    public byte[] BindPayload(string fact) => Mac($"payload\n{fact}");

    private static IEnumerable<string> Words(string text) =>
        SearchText.Fold(text).Split([' ', '-', '\''], StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal);

    private byte[] Mac(string text) => HMACSHA256.HashData(index, Encoding.UTF8.GetBytes(text));

    private static (string Current, Dictionary<string, byte[]> All) LoadMasters(KeyOptions options, ILogger log)
    {
        string[] entries;
        if (options.Master is { Length: > 0 } inline) entries = inline.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        else
        {
            var file = Path.Combine(options.Directory, "master.keys");
            if (!File.Exists(file)) AddMasterKey(options.Directory, log);
            entries = [.. File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
        }
        var all = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var parts = entry.Split([':', ' '], 2, StringSplitOptions.TrimEntries);
            var key = parts.Length == 2 ? Convert.FromBase64String(parts[1]) : [];
            if (key.Length != 32) throw new InvalidOperationException("CaseFlow:Keys: each master key is 'id:base64' of 32 bytes");
            all.TryAdd(parts[0], key);
        }
        return all.Count > 0 ? (entries[0].Split([':', ' '], 2)[0], all) : throw new InvalidOperationException("CaseFlow:Keys: no master key");
    }

    /// <summary>Puts a fresh master key first in <c>master.keys</c> (the older ones stay until every data key is re-wrapped); its id.</summary>
    public static string AddMasterKey(string directory, ILogger log)
    {
        var file = Path.Combine(directory, "master.keys");
        var old = File.Exists(file) ? File.ReadAllText(file) : "";
        var id = $"m-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant()}";
        KeyFile.Write(file, $"{id} {Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\n{old}");
        log.LogWarning("Created master key {Id} in {KeyFile}; keep it (and back it up) outside the database", id, Path.GetFullPath(file));
        return id;
    }
}
