using Microsoft.AspNetCore.Http.HttpResults;

namespace CaseFlow.Api.Console;

/// <summary>The reason a use case refused, as the console shows it next to the form (the API's ProblemDetails: its field and detail).</summary>
public static class ConsoleProblems
{
    public static string? Of(IResult result) => result switch
    {
        ProblemHttpResult p => $"{(p.ProblemDetails.Extensions.TryGetValue("field", out var f) && f is not null ? $"{f}: " : "")}{p.ProblemDetails.Detail ?? p.ProblemDetails.Title}",
        IStatusCodeHttpResult { StatusCode: >= 400 } s => $"refused ({s.StatusCode})",
        _ => null,
    };
}
