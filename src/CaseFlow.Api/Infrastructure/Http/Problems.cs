using CaseFlow.Domain.Cases;
using Microsoft.AspNetCore.Mvc;

namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>
/// The one mapping from errors to RFC 9457 ProblemDetails. Every <c>type</c> is <c>urn:caseflow:&lt;code&gt;</c> and is listed in
/// docs/api/problems.md. Validation problems carry <c>errors</c> (field → reasons); rule problems carry <c>code</c> and <c>field</c>.
/// </summary>
public static class Problems
{
    public const string TypePrefix = "urn:caseflow:";

    public static IResult Validation(string field, string reason, string code = "validation") =>
        Validation(new Dictionary<string, string[]> { [field] = [reason] }, code);

    /// <summary>Every problem of a request at once: field (a JSON path, query parameter or header) → reasons.</summary>
    public static IResult Validation(IDictionary<string, string[]> errors, string code = "validation") =>
        Results.Problem(new ValidationProblemDetails(errors)
        {
            Type = TypePrefix + code,
            Title = "The request is not valid",
            Status = StatusCodes.Status400BadRequest,
            Detail = string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")),
        });

    public static IResult Rejected(CaseRejection rejection) => rejection.Kind == RejectionKind.Validation
        ? Validation(rejection.Field, rejection.Message, rejection.Code)
        : Results.Problem(new ProblemDetails
        {
            Type = TypePrefix + rejection.Code,
            Title = "The case's rules do not allow this",
            Status = StatusCodes.Status409Conflict,
            Detail = rejection.Message,
            Extensions = { ["code"] = rejection.Code, ["field"] = rejection.Field },
        });

    public static IResult NotFound(string what) => Problem(StatusCodes.Status404NotFound, "not-found", "Not found", $"{what} does not exist");

    public static IResult PreconditionRequired() => Problem(StatusCodes.Status428PreconditionRequired, "precondition-required", "If-Match required",
        "Send If-Match with the case's current ETag (its stream version) to change it");

    public static IResult PreconditionFailed(long expected, long? actual, string what = "case") => Problem(StatusCodes.Status412PreconditionFailed, "precondition-failed",
        $"The {what} has changed",
        expected < 0
            ? $"If-Match must be the strong ETag of the {what}'s current version (e.g. \"3\"); weak tags, lists and * never match"
            : $"If-Match named version {expected} but the {what} is at version {actual?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}: read it again");

    public static IResult Forbidden(CaseFlow.Core.Users.Principal principal) => Problem(StatusCodes.Status403Forbidden, "forbidden", "Not allowed for this role",
        $"The {principal.Role.ToString().ToLowerInvariant()} role may read but not change this case");

    public static IResult Problem(int status, string code, string title, string detail) =>
        Results.Problem(new ProblemDetails { Type = TypePrefix + code, Title = title, Status = status, Detail = detail });
}
