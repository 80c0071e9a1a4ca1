using System.Text.Json;
using CaseFlow.Core.Input;
using CaseFlow.Domain.Json;

namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>Reads a JSON request body strictly (required members, no nulls where not allowed), turning any problem into a 400 that names the field.</summary>
public static class Body
{
    private static readonly JsonSerializerOptions Strict = CreateStrict();

    private static JsonSerializerOptions CreateStrict()
    {
        var options = CaseFlowJson.Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
        return options;
    }

    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        var (value, _, problem) = await ReadWithTextAsync<T>(request, ct);
        return (value, problem);
    }

    /// <summary>Whether the request's Content-Type is <paramref name="mediaType"/> (parameters allowed; a charset, if given, must be UTF-8).</summary>
    public static bool IsMediaType(HttpRequest request, string mediaType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase)
        && (type.Charset.Value is null || type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    public static IResult UnsupportedMediaType(string mediaType) =>
        Problems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", $"{mediaType} expected", $"Send the body as {mediaType} (UTF-8)");

    /// <summary>Also returns the body's text (for the Idempotency-Key request hash). Every field's bounds (<see cref="InputRules"/>) are checked at once.</summary>
    public static async Task<(T? Value, string Text, IResult? Problem)> ReadWithTextAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (!IsMediaType(request, "application/json")) return (null, "", UnsupportedMediaType("application/json"));
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        var (value, problem) = Parse(typeof(T), text);
        return ((T?)value, text, problem);
    }

    /// <summary>The JSON text read as <paramref name="type"/> strictly, with every field's bounds checked (the console's forms come this way too).</summary>
    public static (object? Value, IResult? Problem) Parse(Type type, string text)
    {
        object? value;
        try
        {
            value = JsonSerializer.Deserialize(text, type, Strict);
        }
        catch (JsonException e)
        {
            var field = FieldOf(e);
            return (null, Problems.Validation(field, Reason(e, type, field)));
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses an escaped unpaired surrogate ("\ud800") this way.
            return (null, Problems.Validation("$", "contains an unpaired surrogate (not valid Unicode text)"));
        }
        if (value is null) return (null, Problems.Validation("$", "a JSON object is required"));
        var errors = InputRules.Check(value);
        return errors.Count > 0 ? (null, Problems.Validation(errors)) : (value, null);
    }

    /// <summary>The JSON path of the error without the leading <c>$.</c>, or the member the message names (missing or unknown).</summary>
    private static string FieldOf(JsonException e)
    {
        var path = e.Path is { Length: > 2 } p ? p[2..] : "";
        foreach (var marker in new[] { "missing required properties including: '", "The JSON property '" })
        {
            var at = e.Message.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0) continue;
            var name = e.Message[(at + marker.Length)..].Split('\'')[0];
            if (marker.StartsWith("The JSON", StringComparison.Ordinal)) return name.TrimStart('$', '.');
            return path.Length == 0 ? name : $"{path}.{name}";
        }
        return path.Length == 0 ? "$" : path;
    }

    /// <summary>Why the value at <paramref name="field"/> was refused, in the API's words: the expected shape (for enums, the list), never a .NET type name.</summary>
    private static string Reason(JsonException e, Type root, string field)
    {
        if (e.Message.Contains("missing required properties", StringComparison.Ordinal)) return "required";
        if (e.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal)) return "not a field of this request";
        if (e.InnerException is JsonException inner && !string.IsNullOrEmpty(inner.Message) && !inner.Message.Contains("System.", StringComparison.Ordinal)) return inner.Message;
        if (field == "$") return "not valid JSON for this request";
        return MemberType(root, field) is { } type ? Expected(type) : "not valid JSON for this field";
    }

    /// <summary>The CLR type of the member at a JSON path like <c>person.birthDate</c> or <c>rows[2].date</c>.</summary>
    private static Type? MemberType(Type root, string path)
    {
        var type = root;
        foreach (var raw in path.Split('.'))
        {
            var name = raw.Split('[')[0];
            var property = type.GetProperties().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (property is null) return null;
            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (raw.Contains('[') && type.IsGenericType) type = type.GetGenericArguments()[0];
        }
        return type;
    }

    private static string Expected(Type type) => type switch
    {
        _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.CamelCase.ConvertName)),
        _ when type == typeof(NodaTime.LocalDate) => "a date in the form YYYY-MM-DD",
        _ when type == typeof(Guid) => "a UUID",
        _ when type == typeof(string) => "a string",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(decimal) => "a number",
        _ => "an object",
    };
}
