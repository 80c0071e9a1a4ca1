using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>Anything unexpected: logged with its id, answered as a 500 ProblemDetails with no internals.</summary>
internal sealed class UnhandledExceptionHandler(ILogger<UnhandledExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is BadHttpRequestException bad)
        {
            await Problems.Problem(bad.StatusCode, "bad-request", "The request is not valid", bad.Message).ExecuteAsync(http);
            return true;
        }
        log.LogError(exception, "Unhandled error on {Method} {Path} (trace {TraceId})", http.Request.Method, http.Request.Path, http.TraceIdentifier);
        await Results.Problem(new ProblemDetails
        {
            Type = Problems.TypePrefix + "internal",
            Title = "Something went wrong on our side",
            Status = StatusCodes.Status500InternalServerError,
            Extensions = { ["traceId"] = http.TraceIdentifier },
        }).ExecuteAsync(http);
        return true;
    }
}
