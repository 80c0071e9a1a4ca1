using System.Text.Json;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Api.Rules.Evaluating;
using CaseFlow.Api.Rules.Planning;
using CaseFlow.Core.Input;
using CaseFlow.Domain.Rules;
using NodaTime;
using NodaTime.Text;

namespace CaseFlow.Api.Rules;

/// <summary>
/// The stateless rules engine over HTTP, with the CLI's input document as the body: <c>POST /api/evaluate?asOf=</c> and
/// <c>POST /api/plan?entry=&amp;exit=</c>. Dates may also be given as top-level body members of the same names; the query wins.
/// Anonymous, so bounded: at most <see cref="MaxEvents"/> events and <see cref="MaxBodyBytes"/> bytes, JSON only, rate-limited per
/// client (RateLimits), and the engine's cost is linear in the events. This file holds the reading both share; one file per use case.
/// </summary>
public static class RulesEndpoints
{
    public const int MaxEvents = 2_000;

    public const long MaxBodyBytes = 1_048_576;

    public static void MapRules(this WebApplication app)
    {
        var rules = app.MapGroup("/api").WithTags("Rules");
        rules.MapEvaluate();
        rules.MapPlan();
    }

    internal static async Task<(CaseFacts? Facts, JsonElement Document, IResult? Problem)> ReadAsync(HttpContext http, RuleCatalogue catalogue, CancellationToken ct)
    {
        if (!Body.IsMediaType(http.Request, "application/json")) return (null, default, Body.UnsupportedMediaType("application/json"));
        if (http.Request.ContentLength > MaxBodyBytes) return (null, default, TooLarge());
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBodyBytes;
        try
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct);
            var root = doc.RootElement.Clone();
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Array
                && events.GetArrayLength() > MaxEvents)
                return (null, default, Problems.Validation("events", $"at most {MaxEvents} events", "invalid-facts"));
            return (CaseFactsReader.Read(root, catalogue), root, null);
        }
        catch (JsonException)
        {
            return (null, default, Problems.Validation("$", "not valid JSON", "invalid-facts"));
        }
        catch (InvalidOperationException)
        {
            return (null, default, Problems.Validation("$", "contains an unpaired surrogate (not valid Unicode text)", "invalid-facts"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, default, TooLarge());
        }
        catch (FactsException e)
        {
            return (null, default, Problems.Validation(e.Field, e.Reason, "invalid-facts"));
        }
    }

    private static IResult TooLarge() => Problems.Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "The request body is too large",
        $"at most {MaxBodyBytes} bytes and {MaxEvents} events");

    internal static IResult Run(Func<IResult> evaluate)
    {
        try
        {
            return evaluate();
        }
        catch (FactsException e)
        {
            return Problems.Validation(e.Field, e.Reason, "invalid-facts");
        }
        catch (CatalogueException e)
        {
            // A fact dated where the catalogue has no rule in force (e.g. a cancellation before the first exit-visa rule).
            return Problems.Validation("events", e.Message, "invalid-facts");
        }
    }

    internal static (LocalDate? Date, IResult? Problem) Date(HttpContext http, JsonElement document, string name, bool required)
    {
        string? text;
        try
        {
            text = http.Request.Query[name].ToString() is { Length: > 0 } q ? q
                : document.ValueKind == JsonValueKind.Object && document.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        }
        catch (InvalidOperationException)
        {
            return (null, Problems.Validation(name, "contains an unpaired surrogate (not valid Unicode text)", "invalid-facts"));
        }
        if (text is null) return required ? (null, Problems.Validation(name, "required (YYYY-MM-DD)", "invalid-facts")) : (null, null);
        var parsed = LocalDatePattern.Iso.Parse(text);
        if (!parsed.Success) return (null, Problems.Validation(name, $"'{InputRules.Echo(text)}' is not a date in the form YYYY-MM-DD", "invalid-facts"));
        return InputRules.DateProblem(parsed.Value) is { } problem ? (null, Problems.Validation(name, problem, "invalid-facts")) : (parsed.Value, null);
    }
}
