using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Input;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Cases;

namespace CaseFlow.Api.Cases;

/// <summary>Maps <c>POST /api/cases/{id}/{route}</c> for one command: read the body strictly, then <see cref="CaseCommands.ChangeAsync"/>. Compliance only.</summary>
public static class CaseCommandEndpoint
{
    public static RouteHandlerBuilder MapCaseCommand<TRequest>(this RouteGroupBuilder cases, string route, string name,
        Func<TRequest, CaseId, RequestContext, LoadedCase, CaseCommand> command) where TRequest : class
    {
        CaseCommandCatalog.Register(new CaseCommandKind(route, name, typeof(TRequest), (r, id, c, current) => command((TRequest)r, id, c, current)));
        return cases.MapPost($"{{id:guid}}/{route}", async (Guid id, HttpContext http, CaseCommands commands, CancellationToken ct) =>
        {
            var (request, body, problem) = await Body.ReadWithTextAsync<TRequest>(http.Request, ct);
            if (problem is not null) return problem;
            return await commands.ChangeAsync(http, id, body, (context, current) => command(request!, new CaseId(id), context, current), ct);
        })
        .RequireRoles(Role.Compliance)
        .Accepts<TRequest>("application/json")
        .WithMetadata(new IfMatchHeader(Required: true, Of: "case"))
        .WithMetadata(new TransactionalIdempotency())
        .WithName(name)
        .Produces<CaseView>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status428PreconditionRequired);
    }
}
