using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseFlow.Core.Cases;
using CaseFlow.Domain.Cases;
using CaseFlow.EventStore;

namespace CaseFlow.Core.Security;

/// <summary>
/// The data keys of some cases, unwrapped for one operation (never cached across requests, so an erasure holds on every node at once):
/// what turns a case event into its stored form with the personal fields sealed (<c>"personal"</c>: the case id, then AES-256-GCM under
/// the case's key, bound to the event type) and back. A case whose key was destroyed reads with its personal fields erased;
/// <see cref="Withheld"/> reads every case so, for code that needs no personal data. A sealed event of a case whose key was not
/// loaded is a programming error, not an erasure: it throws.
/// </summary>
public sealed class CaseKeys
{
    public const string Envelope = "personal";

    private static readonly byte[] QuotedEnvelope = Encoding.UTF8.GetBytes($"\"{Envelope}\"");

    private readonly Dictionary<Guid, byte[]?> keys;
    private readonly bool withheld;

    internal CaseKeys(KeyRing ring, Dictionary<Guid, byte[]?> keys, bool withheld = false)
    {
        Ring = ring;
        this.keys = keys;
        this.withheld = withheld;
    }

    public KeyRing Ring { get; }

    /// <summary>Reads every personal field as erased: for read models that hold none (the timeline, deadlines, offences).</summary>
    public static CaseKeys Withheld(KeyRing ring) => new(ring, [], withheld: true);

    /// <summary>Whether the case's key (or its erasure) is here, so its events can be written.</summary>
    public bool Holds(Guid caseId) => !withheld && keys.ContainsKey(caseId);

    public bool IsErased(Guid caseId) => keys.TryGetValue(caseId, out var key) && key is null;

    public CaseKeys With(CaseKeys other)
    {
        var all = new Dictionary<Guid, byte[]?>(keys);
        foreach (var (id, key) in other.keys) all[id] = key;
        return new CaseKeys(Ring, all, withheld);
    }

    /// <summary>The stored form of a case event: its personal fields sealed under the case's key (erased marks when the key is gone).</summary>
    public NewEvent Encode(CaseEvent e, Guid eventId)
    {
        if (withheld) throw new InvalidOperationException("withheld keys read; they never write");
        var type = CaseRepository.Types.NameOf(e.GetType());
        var fields = PersonalFields.Of(type);
        if (fields.Length == 0) return CaseRepository.Types.ToNew(e, eventId);
        var node = JsonSerializer.SerializeToNode(e, e.GetType(), CaseRepository.Types.Options)!.AsObject();
        var secret = new JsonObject();
        var key = KeyOf(e.CaseId.Value);
        foreach (var field in fields)
        {
            if (field.Locate(node) is not var (parent, name) || !parent.TryGetPropertyValue(name, out var value)) continue;
            parent.Remove(name);
            if (key is null) parent[name] = field.Erased;
            else secret[field.Path] = value;
        }
        if (key is not null)
            node[Envelope] = Convert.ToBase64String([.. e.CaseId.Value.ToByteArray(), .. Aead.Seal(key, Encoding.UTF8.GetBytes(secret.ToJsonString()), Encoding.UTF8.GetBytes(type))]);
        return new NewEvent(eventId, type, node.ToJsonString());
    }

    public CaseEvent Decode(RecordedEvent recorded) => (CaseEvent)CaseRepository.Types.FromRecorded(Reveal(recorded));

    /// <summary>The event with its personal fields opened (or marked erased) in its data: what history and export show.</summary>
    public RecordedEvent Reveal(RecordedEvent recorded)
    {
        // Without the envelope's quoted name anywhere in its text (nor any escape that could spell it), the data is not parsed at all.
        if (recorded.Utf8Data.IndexOf(QuotedEnvelope) < 0 && !recorded.Utf8Data.Contains((byte)'\\')) return recorded;
        if (recorded.Data.ValueKind != JsonValueKind.Object || !recorded.Data.TryGetProperty(Envelope, out var sealedValue)) return recorded;
        var node = JsonNode.Parse(recorded.Data.GetRawText())!.AsObject();
        node.Remove(Envelope);
        var bytes = Convert.FromBase64String(sealedValue.GetString()!);
        var key = KeyOf(new Guid(bytes.AsSpan(0, 16)));
        var secret = key is null ? null : JsonNode.Parse(Aead.Open(key, bytes.AsSpan(16), Encoding.UTF8.GetBytes(recorded.Type)))!.AsObject();
        foreach (var field in PersonalFields.Of(recorded.Type))
        {
            if (field.Locate(node) is not var (parent, name)) continue;
            if (secret is null) parent[name] = field.Erased;
            else if (secret.TryGetPropertyValue(field.Path, out var value)) parent[name] = value?.DeepClone();
        }
        return recorded with { Data = JsonSerializer.SerializeToElement(node) };
    }

    /// <summary>A read model's personal text sealed under the case's key; null once the key is destroyed (or withheld).</summary>
    public byte[]? Seal(Guid caseId, string text) =>
        KeyOf(caseId) is { } key ? Aead.Seal(key, Encoding.UTF8.GetBytes(text), caseId.ToByteArray()) : null;

    /// <summary>The text <see cref="Seal"/> made; null when the key is destroyed or the value absent.</summary>
    public string? Open(Guid caseId, byte[]? sealedValue) =>
        sealedValue is not null && KeyOf(caseId) is { } key ? Encoding.UTF8.GetString(Aead.Open(key, sealedValue, caseId.ToByteArray())) : null;

    /// <summary>
    /// Bytes sealed under the case's key, bound to the case and to <paramref name="place"/> (what they are and what they were made from);
    /// null once the key is destroyed (or withheld).
    /// </summary>
    public byte[]? Seal(Guid caseId, ReadOnlySpan<byte> plain, string place) =>
        KeyOf(caseId) is { } key ? Aead.Seal(key, plain, Bound(caseId, place)) : null;

    /// <summary>The bytes <see cref="Seal(Guid, ReadOnlySpan{byte}, string)"/> made for the same case and place; null when the key is destroyed or they do not open (altered, moved, another place).</summary>
    public byte[]? TryOpen(Guid caseId, byte[] sealedValue, string place)
    {
        if (KeyOf(caseId) is not { } key) return null;
        try
        {
            return Aead.Open(key, sealedValue, Bound(caseId, place));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private static byte[] Bound(Guid caseId, string place) => [.. caseId.ToByteArray(), .. Encoding.UTF8.GetBytes(place)];

    private byte[]? KeyOf(Guid caseId) =>
        keys.TryGetValue(caseId, out var key) ? key
        : withheld ? null
        : throw new InvalidOperationException($"the data key of case {caseId} was not loaded");
}
