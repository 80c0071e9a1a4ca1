using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>
/// Anything unexpected: logged with its id, answered as a 500 ProblemDetails with no internals. Two kinds are not unexpected:
/// a request the framework could not bind (400 naming the parameter, never a .NET type name) and PostgreSQL out of reach
/// (503 with Retry-After, so clients back off and retry).
/// </summary>
internal sealed partial class UnhandledExceptionHandler(ILogger<UnhandledExceptionHandler> log) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is BadHttpRequestException bad)
        {
            await BadRequest(bad).ExecuteAsync(http);
            return true;
        }
        if (IsDatabaseUnreachable(exception))
        {
            log.LogWarning("PostgreSQL unreachable on {Method} {Path} (trace {TraceId})", http.Request.Method, http.Request.Path, http.TraceIdentifier);
            http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Problems.Problem(StatusCodes.Status503ServiceUnavailable, "unavailable", "The database is unavailable",
                $"CaseFlow cannot reach its database right now; nothing was changed. Retry after {RetryAfterSeconds} seconds").ExecuteAsync(http);
            return true;
        }
        if (exception is OperationCanceledException && http.RequestAborted.IsCancellationRequested) return true; // the client left
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

    /// <summary>A connection refused, reset or timed out, or a server shutting down: not a bug of ours, a state to retry.</summary>
    internal static bool IsDatabaseUnreachable(Exception e) => e switch
    {
        NpgsqlException { InnerException: SocketException or TimeoutException or IOException } => true,
        PostgresException p => p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.TooManyConnections,
        NpgsqlException n when n.InnerException is null && n.Message.Contains("connect", StringComparison.OrdinalIgnoreCase) => true,
        _ => e.InnerException is not null && IsDatabaseUnreachable(e.InnerException),
    };

    /// <summary>The framework's binding failures name a .NET type ("Failed to bind parameter "Guid hostParty" from ..."): say it in the API's words.</summary>
    private static IResult BadRequest(BadHttpRequestException bad)
    {
        if (BindFailure().Match(bad.Message) is { Success: true } m)
        {
            var (type, name) = (m.Groups["type"].Value.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('?', '>'), m.Groups["name"].Value);
            var expected = type switch
            {
                "Guid" => "a UUID",
                "int" or "Int32" or "long" or "Int64" => "a whole number",
                "bool" or "Boolean" => "true or false",
                "decimal" or "Decimal" or "double" or "Double" => "a number",
                _ => "a valid value",
            };
            return bad.Message.StartsWith("Required", StringComparison.Ordinal) ? Problems.Validation(name, "required") : Problems.Validation(name, $"must be {expected}");
        }
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType) return Body.UnsupportedMediaType("application/json");
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
            return Problems.Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "The request body is too large", "Send a smaller body");
        return Problems.Problem(bad.StatusCode, "bad-request", "The request is not valid", "The request could not be read");
    }

    [GeneratedRegex("parameter \"(?<type>[^ \"]+) (?<name>[^ \"]+)\"")]
    private static partial Regex BindFailure();
}
