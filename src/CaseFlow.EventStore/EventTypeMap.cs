using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CaseFlow.EventStore;

/// <summary>
/// Maps CLR event types to stable, versioned type names (<c>Entered.v1</c>) and back, with upcasters that read old shapes:
/// an upcaster turns the stored JSON of one type name into the JSON of a newer one. Stored events are never rewritten.
/// Registration happens at start-up; the map is read-only after.
/// </summary>
public sealed class EventTypeMap(JsonSerializerOptions options)
{
    private readonly Dictionary<Type, string> names = [];
    private readonly Dictionary<string, Type> types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string To, Func<JsonObject, JsonObject> Upcast)> upcasters = new(StringComparer.Ordinal);

    public JsonSerializerOptions Options { get; } = options;

    public EventTypeMap Register<T>(string name) where T : class => Register(typeof(T), name);

    public EventTypeMap Register(Type type, string name)
    {
        if (!name.Contains(".v", StringComparison.Ordinal)) throw new ArgumentException($"type name '{name}' must carry a version, e.g. {name}.v1", nameof(name));
        if (types.ContainsKey(name)) throw new ArgumentException($"type name '{name}' is registered twice", nameof(name));
        names.Add(type, name);
        types.Add(name, type);
        return this;
    }

    /// <summary>Events stored as <paramref name="from"/> are read as <paramref name="to"/> after <paramref name="upcast"/>.</summary>
    public EventTypeMap Upcast(string from, string to, Func<JsonObject, JsonObject> upcast)
    {
        upcasters.Add(from, (to, upcast));
        return this;
    }

    public IReadOnlyCollection<string> Names => types.Keys;

    /// <summary>Whether stored events of <paramref name="type"/> can be read (registered, or upcast to a registered type).</summary>
    public bool Knows(string type) => types.ContainsKey(type) || upcasters.ContainsKey(type);

    public string NameOf(Type type) => names.TryGetValue(type, out var name) ? name : throw new InvalidOperationException($"{type.Name} is not a registered event type");

    public NewEvent ToNew(object @event, Guid eventId) =>
        new(eventId, NameOf(@event.GetType()), JsonSerializer.Serialize(@event, @event.GetType(), Options));

    /// <summary>The CLR event of a stored event, after any upcasting.</summary>
    public object FromRecorded(RecordedEvent recorded)
    {
        // From the stored UTF-8 (no parsed copy); an upcast shape from its element's own UTF-8 (JsonElement.Deserialize would write it out first).
        if (!upcasters.ContainsKey(recorded.Type)) return Deserialize(recorded, recorded.Type, recorded.Utf8Data);
        var (type, data) = Upcasted(recorded.Type, recorded.Data);
        return Deserialize(recorded, type, JsonMarshal.GetRawUtf8Value(data));
    }

    private object Deserialize(RecordedEvent recorded, string type, ReadOnlySpan<byte> utf8) =>
        !types.TryGetValue(type, out var clr) ? throw new InvalidOperationException($"event {recorded.EventId}: unknown type '{type}'")
        : JsonSerializer.Deserialize(utf8, clr, Options) ?? throw new InvalidOperationException($"event {recorded.EventId}: empty data");

    /// <summary>The newest type name and shape of stored data.</summary>
    public (string Type, JsonElement Data) Upcasted(string type, JsonElement data)
    {
        if (!upcasters.ContainsKey(type)) return (type, data);
        var node = JsonNode.Parse(data.GetRawText())!.AsObject();
        for (var guard = 0; upcasters.TryGetValue(type, out var step); guard++)
        {
            if (guard > 100) throw new InvalidOperationException($"upcaster cycle at '{type}'");
            node = step.Upcast(node);
            type = step.To;
        }
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return (type, doc.RootElement.Clone());
    }
}
