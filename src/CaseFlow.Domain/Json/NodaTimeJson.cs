using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace CaseFlow.Domain.Json;

/// <summary>
/// System.Text.Json converters for NodaTime (the NodaTime.Serialization packages are not obtainable here).
/// <see cref="LocalDate"/> is ISO <c>yyyy-MM-dd</c>; <see cref="Instant"/> is ISO-8601 UTC with up to nanoseconds.
/// A malformed value fails with a <see cref="JsonException"/> that names the value.
/// </summary>
public sealed class LocalDateJsonConverter : JsonConverter<LocalDate>
{
    public override LocalDate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        var result = LocalDatePattern.Iso.Parse(text ?? "");
        return result.Success ? result.Value : throw new JsonException($"'{Echo(text)}' is not a date in the form YYYY-MM-DD");
    }

    public override void Write(Utf8JsonWriter writer, LocalDate value, JsonSerializerOptions options) =>
        writer.WriteStringValue(LocalDatePattern.Iso.Format(value));

    /// <summary>A rejected value is never echoed whole: at most its first 20 characters.</summary>
    internal static string? Echo(string? text) => text is { Length: > 20 } ? text[..20] + "…" : text;
}

public sealed class InstantJsonConverter : JsonConverter<Instant>
{
    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        var result = InstantPattern.ExtendedIso.Parse(text ?? "");
        return result.Success ? result.Value : throw new JsonException($"'{LocalDateJsonConverter.Echo(text)}' is not an instant in the form 2024-01-31T10:00:00Z");
    }

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) =>
        writer.WriteStringValue(InstantPattern.ExtendedIso.Format(value));
}

/// <summary>The one set of JSON options CaseFlow uses for its own documents: camelCase, NodaTime converters, enums as camelCase strings.</summary>
public static class CaseFlowJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new LocalDateJsonConverter());
        options.Converters.Add(new InstantJsonConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        // Our documents are UTF-8 JSON, not HTML: keep '+', quotes and Cyrillic readable.
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return options;
    }
}
