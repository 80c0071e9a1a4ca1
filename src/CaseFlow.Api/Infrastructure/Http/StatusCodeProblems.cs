using CaseFlow.Core.Input;
using Microsoft.AspNetCore.Diagnostics;

namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>An error status the framework answers with no body (an unknown route, a method the route does not take): CaseFlow's own problem.</summary>
public static class StatusCodeProblems
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var result = http.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => Problems.Problem(404, "not-found", "Not found", $"no resource at {InputRules.Echo(http.Request.Path.Value)}"),
            StatusCodes.Status405MethodNotAllowed => Problems.Problem(405, "method-not-allowed", "Method not allowed",
                $"{http.Request.Method} is not allowed here" + (http.Response.Headers.Allow.Count > 0 ? $"; allowed: {http.Response.Headers.Allow}" : "")),
            StatusCodes.Status415UnsupportedMediaType => Body.UnsupportedMediaType("application/json"),
            var status => Problems.Problem(status, status >= 500 ? "internal" : "bad-request", "The request could not be served", $"status {status}"),
        };
        return result.ExecuteAsync(http);
    }
}
