using CaseFlow.Core.Input;
namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>
/// Bounds every request is held to before any endpoint runs: each query value follows the string rules of <see cref="InputRules"/>
/// (no control characters or unpaired surrogates, a bounded length), all reported at once; an Idempotency-Key header, when sent,
/// is 1 to 200 visible ASCII characters (a bad key is a 400, never silently ignored).
/// </summary>
public static class RequestBounds
{
    public static IApplicationBuilder UseRequestBounds(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var errors = http.Request.Query
            .Select(q => (q.Key, Problem: InputRules.StringProblem(q.Key, q.Value.ToString())))
            .Where(q => q.Problem is not null)
            .ToDictionary(q => InputRules.Echo(q.Key), q => new[] { q.Problem! });
        if (http.Request.Headers[Idempotency.Header].ToString() is { Length: > 0 } && Idempotency.KeyOf(http.Request) is null)
            errors[Idempotency.Header] = [$"1 to {Idempotency.MaxKeyLength} visible ASCII characters"];
        if (errors.Count > 0)
        {
            await Problems.Validation(errors).ExecuteAsync(http);
            return;
        }
        await next(http);
    });
}
