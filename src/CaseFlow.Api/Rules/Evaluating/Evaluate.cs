using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Api.Rules.Evaluating;

/// <summary><c>POST /api/evaluate?asOf=</c>: the rules applied to a facts document on a date (default today in Asia/Almaty). Anonymous.</summary>
public static class EvaluateEndpoint
{
    public static void MapEvaluate(this RouteGroupBuilder rules) => rules.MapPost("evaluate", async (HttpContext http, RuleCatalogue catalogue, IClock clock, CancellationToken ct) =>
    {
        var (facts, document, problem) = await RulesEndpoints.ReadAsync(http, catalogue, ct);
        if (problem is not null) return problem;
        var (asOf, dateProblem) = RulesEndpoints.Date(http, document, "asOf", required: false);
        if (dateProblem is not null) return dateProblem;
        ct.ThrowIfCancellationRequested();
        return RulesEndpoints.Run(() => Results.Ok(RulesEngine.Evaluate(catalogue, facts!, asOf ?? RequestContext.TodayIn(clock))));
    })
    .Accepts<FactsDocument>("application/json")
    .WithMetadata(new QueryParameter("asOf", false, "The date to judge on (yyyy-MM-dd; default: today in Asia/Almaty); may be a body member instead."))
    .WithName("Evaluate")
    .Produces<Evaluation>()
    .ProducesValidationProblem();
}
