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
        // Every event's dates are read on every fold and rebuild: a well-formed date straight from its UTF-8 text (no string, no
        // pattern engine); anything else through NodaTime's pattern, which gives the same date or the error it always gave. (An
        // escaped value's raw text has a backslash, a value split across buffers an empty span: neither passes TryIso.)
        if (reader.TokenType == JsonTokenType.String && TryIso(reader.ValueSpan, out var date))
            return date;
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        var result = LocalDatePattern.Iso.Parse(text ?? "");
        return result.Success ? result.Value : throw new JsonException($"'{Echo(text)}' is not a date in the form YYYY-MM-DD");
    }

    /// <summary>
    /// <c>yyyy-MM-dd</c> of a real day in the years 1 to 9999, in ASCII digits: true and the date. False for any other text (which the
    /// caller parses with NodaTime's pattern): what it accepts, NodaTime's ISO pattern accepts as the same date.
    /// </summary>
    internal static bool TryIso(ReadOnlySpan<byte> text, out LocalDate date)
    {
        date = default;
        if (text.Length != 10 || text[4] != (byte)'-' || text[7] != (byte)'-') return false;
        int year = Digits(text[..4]), month = Digits(text.Slice(5, 2)), day = Digits(text.Slice(8, 2));
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > CalendarSystem.Iso.GetDaysInMonth(year, month)) return false;
        date = new LocalDate(year, month, day);
        return true;
    }

    /// <summary>The number the ASCII digits spell, or -1 when any is not one.</summary>
    private static int Digits(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9') return -1;
            value = value * 10 + (b - '0');
        }
        return value;
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
