using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using NodaTime;

namespace CaseFlow.Api.Cases;

/// <summary>
/// The path every change to an existing case takes: If-Match (428/412), load, decide, append with the inline projection, respond
/// with the new ETag. A rejection appends nothing.
/// </summary>
public sealed class CaseCommands(CaseRepository cases, RuleCatalogue catalogue, IClock clock)
{
    public async Task<IResult> ChangeAsync(HttpContext http, Guid id, Func<RequestContext, CaseCommand> command, CancellationToken ct)
    {
        if (ETags.IfMatch(http.Request) is not { } expected) return Problems.PreconditionRequired();
        var context = RequestContext.From(http, clock);
        var current = await cases.LoadAsync(new CaseId(id), ct: ct);
        if (current is null) return Problems.NotFound($"case {id}");
        if (current.Version != expected) return Problems.PreconditionFailed(expected, current.Version);

        var decision = CaseDecider.Decide(command(context), current.State, catalogue);
        if (decision.Rejection is { } rejection) return Problems.Rejected(rejection);
        try
        {
            var updated = await cases.AppendAsync(current, current.Id, decision.Events, Metadata(context), ct);
            ETags.Set(http.Response, updated.Version);
            return Results.Ok(CaseView.From(updated, catalogue, context.Today));
        }
        catch (ConcurrencyException e)
        {
            return Problems.PreconditionFailed(expected, e.ActualVersion);
        }
    }

    public EventMetadata Metadata(RequestContext context) => new(context.Actor, context.CorrelationId, null, catalogue.Version);
}
