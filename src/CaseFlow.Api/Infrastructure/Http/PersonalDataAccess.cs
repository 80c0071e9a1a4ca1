using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Security;

namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>
/// Every read of personal data leaves one access-log entry (who, when, which cases, through which endpoint), written before the response
/// leaves: a case endpoint marked <see cref="LogsCaseAccess"/> records its case when it answers 2xx; a list records the cases it shows.
/// </summary>
public static class PersonalDataAccess
{
    public static RouteHandlerBuilder LogsCaseAccess(this RouteHandlerBuilder endpoint) => endpoint.AddEndpointFilter(async (context, next) =>
    {
        var result = await next(context);
        var ok = result is IStatusCodeHttpResult { StatusCode: var status } ? status is null or (>= 200 and < 300) : result is IFileHttpResult;
        if (ok && context.HttpContext.GetRouteValue("id") is string id && Guid.TryParse(id, out var caseId)) await RecordAsync(context.HttpContext, [caseId]);
        return result;
    });

    /// <summary>Records the read and returns once its entry is durable (<see cref="AccessLogWriter"/> commits concurrent reads' entries together).</summary>
    public static Task RecordAsync(HttpContext http, IReadOnlyCollection<Guid> caseIds) =>
        http.RequestServices.GetRequiredService<AccessLogWriter>().RecordAsync(http.Principal()!.UserId,
            http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? http.Request.Path, caseIds);
}
