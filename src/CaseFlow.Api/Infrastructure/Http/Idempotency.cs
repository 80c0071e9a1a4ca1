using System.Security.Cryptography;
using System.Text;
using CaseFlow.Core.Idempotency;
using CaseFlow.Core.Input;

namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>A stored response as an HTTP result.</summary>
public static class StoredResponses
{
    /// <summary>The response of a replayed request: the first result, marked as a replay.</summary>
    public static IResult ToResult(this StoredResponse stored, HttpResponse response)
    {
        response.Headers["Idempotent-Replayed"] = "true";
        return stored.ToResultFirstTime(response);
    }

    public static IResult ToResultFirstTime(this StoredResponse stored, HttpResponse response)
    {
        if (stored.ETag is not null) response.Headers.ETag = stored.ETag;
        if (stored.Location is not null) response.Headers.Location = stored.Location;
        return Results.Content(stored.Body, "application/json", Encoding.UTF8, stored.Status);
    }
}

/// <summary>
/// Idempotency-Key on POSTs, enforced by the database in the append's transaction: the key is claimed with an INSERT that a
/// concurrent request with the same key waits on; a repeat with the same body replays the stored response and appends nothing;
/// a repeat with another body is 422. A request that is refused rolls back, so its key is not kept and a retry decides again.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";

    public const int MaxKeyLength = 200;

    /// <summary>The request's key: 1 to <see cref="MaxKeyLength"/> visible ASCII characters; null when absent or malformed.</summary>
    public static string? KeyOf(HttpRequest request) =>
        request.Headers[Header].ToString() is { Length: > 0 and <= MaxKeyLength } key && key.All(c => c is > ' ' and <= '~') ? key : null;

    public static byte[] Hash(string method, string path, string body) => SHA256.HashData(Encoding.UTF8.GetBytes($"{method} {path}\n{body}"));

    public static IResult InProgressProblem() => Problems.Problem(StatusCodes.Status409Conflict, "idempotency-key-in-progress",
        "A request with this Idempotency-Key is still running", "Wait for the first request to finish, then repeat it to get its response");

    public static IResult MismatchProblem(string key) => Problems.Problem(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused", "Idempotency-Key reused",
        $"The Idempotency-Key '{InputRules.Echo(key)}' was used before with a different request body");
}
