using System.Text.Json;
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

    /// <summary>Also returns the body's text (for the Idempotency-Key request hash).</summary>
    public static async Task<(T? Value, string Text, IResult? Problem)> ReadWithTextAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, "", Problems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "JSON expected", "Send the body as application/json"));
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        try
        {
            var value = JsonSerializer.Deserialize<T>(text, Strict);
            return value is null ? (null, text, Problems.Validation("$", "a JSON object is required")) : (value, text, null);
        }
        catch (JsonException e)
        {
            return (null, text, Problems.Validation(FieldOf(e), Reason(e)));
        }
    }

    /// <summary>The JSON path of the error without the leading <c>$.</c>, or the missing property the message names.</summary>
    private static string FieldOf(JsonException e)
    {
        var path = e.Path is { Length: > 2 } p ? p[2..] : "";
        const string marker = "missing required properties including: '";
        var at = e.Message.IndexOf(marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            var name = e.Message[(at + marker.Length)..].Split('\'')[0];
            return path.Length == 0 ? name : $"{path}.{name}";
        }
        return path.Length == 0 ? "$" : path;
    }

    private static string Reason(JsonException e)
    {
        if (e.Message.Contains("missing required properties", StringComparison.Ordinal)) return "required";
        if (e.InnerException is JsonException inner && !string.IsNullOrEmpty(inner.Message)) return inner.Message;
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
