using CaseFlow.Domain.Rules;

namespace CaseFlow.Api.Rules.Planning;

/// <summary><c>POST /api/plan?entry=&amp;exit=</c>: the longest lawful stay entering on a date, and whether a planned trip complies. Anonymous.</summary>
public static class PlanEndpoint
{
    public static void MapPlan(this RouteGroupBuilder rules) => rules.MapPost("plan", async (HttpContext http, RuleCatalogue catalogue, CancellationToken ct) =>
    {
        var (facts, document, problem) = await RulesEndpoints.ReadAsync(http, catalogue, ct);
        if (problem is not null) return problem;
        var (entry, entryProblem) = RulesEndpoints.Date(http, document, "entry", required: true);
        if (entryProblem is not null) return entryProblem;
        var (exit, exitProblem) = RulesEndpoints.Date(http, document, "exit", required: false);
        if (exitProblem is not null) return exitProblem;
        ct.ThrowIfCancellationRequested();
        return RulesEndpoints.Run(() => Results.Ok(RulesEngine.Plan(catalogue, facts!, entry!.Value, exit)));
    })
    .Accepts<FactsDocument>("application/json")
    .WithMetadata(new QueryParameter("entry", true, "The planned entry date (yyyy-MM-dd); may be a body member instead."))
    .WithMetadata(new QueryParameter("exit", false, "The planned exit date; without it, the longest lawful stay is planned."))
    .WithName("Plan")
    .Produces<PlanResult>()
    .ProducesValidationProblem();
}
