using System.Text.Json;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Domain.Rules;
using NodaTime;
using NodaTime.Text;

namespace CaseFlow.Api.Rules;

/// <summary>
/// The stateless rules engine over HTTP, with the CLI's input document as the body: <c>POST /api/evaluate?asOf=</c> and
/// <c>POST /api/plan?entry=&amp;exit=</c>. Dates may also be given as top-level body members of the same names; the query wins.
/// </summary>
public static class RulesEndpoints
{
    public static void MapRules(this WebApplication app)
    {
        var rules = app.MapGroup("/api").WithTags("Rules");
        rules.MapPost("evaluate", async (HttpContext http, RuleCatalogue catalogue, IClock clock, CancellationToken ct) =>
        {
            var (facts, document, problem) = await ReadAsync(http, catalogue, ct);
            if (problem is not null) return problem;
            var (asOf, dateProblem) = Date(http, document, "asOf", required: false);
            if (dateProblem is not null) return dateProblem;
            return Run(() => Results.Ok(RulesEngine.Evaluate(catalogue, facts!, asOf ?? RequestContext.TodayIn(clock))));
        })
        .WithName("Evaluate")
        .Produces<Evaluation>()
        .ProducesValidationProblem();

        rules.MapPost("plan", async (HttpContext http, RuleCatalogue catalogue, CancellationToken ct) =>
        {
            var (facts, document, problem) = await ReadAsync(http, catalogue, ct);
            if (problem is not null) return problem;
            var (entry, entryProblem) = Date(http, document, "entry", required: true);
            if (entryProblem is not null) return entryProblem;
            var (exit, exitProblem) = Date(http, document, "exit", required: false);
            if (exitProblem is not null) return exitProblem;
            return Run(() => Results.Ok(RulesEngine.Plan(catalogue, facts!, entry!.Value, exit)));
        })
        .WithName("Plan")
        .Produces<PlanResult>()
        .ProducesValidationProblem();
    }

    private static async Task<(CaseFacts? Facts, JsonElement Document, IResult? Problem)> ReadAsync(HttpContext http, RuleCatalogue catalogue, CancellationToken ct)
    {
        try
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct);
            var root = doc.RootElement.Clone();
            return (CaseFactsReader.Read(root, catalogue), root, null);
        }
        catch (JsonException e)
        {
            return (null, default, Problems.Validation("$", $"not valid JSON ({e.Message})", "invalid-facts"));
        }
        catch (FactsException e)
        {
            return (null, default, Problems.Validation(e.Field, e.Reason, "invalid-facts"));
        }
    }

    private static IResult Run(Func<IResult> evaluate)
    {
        try
        {
            return evaluate();
        }
        catch (FactsException e)
        {
            return Problems.Validation(e.Field, e.Reason, "invalid-facts");
        }
    }

    private static (LocalDate? Date, IResult? Problem) Date(HttpContext http, JsonElement document, string name, bool required)
    {
        string? text = http.Request.Query[name].ToString() is { Length: > 0 } q ? q
            : document.ValueKind == JsonValueKind.Object && document.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (text is null) return required ? (null, Problems.Validation(name, "required (YYYY-MM-DD)", "invalid-facts")) : (null, null);
        var parsed = LocalDatePattern.Iso.Parse(text);
        return parsed.Success ? (parsed.Value, null) : (null, Problems.Validation(name, $"'{text}' is not a date in the form YYYY-MM-DD", "invalid-facts"));
    }
}
