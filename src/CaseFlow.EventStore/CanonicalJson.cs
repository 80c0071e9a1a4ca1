using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CaseFlow.EventStore;

/// <summary>
/// A canonical text for a JSON value, the same for any two texts with the same meaning as PostgreSQL jsonb keeps it:
/// object keys sorted by ordinal, no white space, numbers written as plain decimals without trailing zeros, strings
/// escaped the same way. The hash chain hashes this text, so it verifies against what jsonb gives back.
/// </summary>
public static class CanonicalJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>The canonical text as UTF-8: what the hash chain hashes.</summary>
    public static byte[] Utf8(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Utf8(doc.RootElement);
    }

    /// <summary>The same from the JSON's own UTF-8 (as PostgreSQL sends text), without a detour through a string.</summary>
    public static byte[] Utf8(ReadOnlyMemory<byte> json)
    {
        using var doc = JsonDocument.Parse(json);
        return Utf8(doc.RootElement);
    }

    public static byte[] Utf8(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            Write(writer, element);
        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                var properties = new List<JsonProperty>();
                foreach (var property in element.EnumerateObject()) properties.Add(property);
                properties.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                foreach (var property in properties)
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                if (decimal.TryParse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                    writer.WriteRawValue(d.ToString("0.############################", CultureInfo.InvariantCulture));
                else
                    writer.WriteRawValue(element.GetRawText());
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
