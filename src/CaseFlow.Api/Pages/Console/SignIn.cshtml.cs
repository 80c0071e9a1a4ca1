using CaseFlow.Api.Console;
using CaseFlow.Core.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CaseFlow.Api.Pages.Console;

/// <summary>Sign in with an API key (it becomes the session cookie, <see cref="ConsoleSession"/>), sign out, and the language switch.</summary>
public sealed class SignInModel : PageModel
{
    public bool Failed { get; private set; }

    public async Task<IActionResult> OnPostAsync(string? apiKey)
    {
        var principal = apiKey is null ? null : await ConsoleSession.SignInAsync(HttpContext, apiKey);
        if (principal is null)
        {
            Failed = true;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        return Redirect(principal.Role is Role.Ops or Role.Admin ? "/console/ops" : "/console");
    }

    public IActionResult OnPostSignOut()
    {
        ConsoleSession.SignOut(HttpContext);
        return Redirect("/console/signin");
    }

    public IActionResult OnPostLanguage(string? lang, string? back)
    {
        Response.Cookies.Append(ConsoleText.Cookie, lang == "ru" ? "ru" : "en",
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = ConsoleSession.Path, MaxAge = TimeSpan.FromDays(365) });
        return LocalRedirect(IsConsolePage(back) ? back! : ConsoleSession.Path);
    }

    /// <summary>
    /// Whether <paramref name="back"/> is a console page to return to: the console itself, a page under it or its query, with no control
    /// character (a header cannot carry one) and no backslash (some browsers read <c>/\</c> as another host). Anything else goes home.
    /// Starting with <c>/console</c>, it is a local URL by <c>LocalRedirect</c>'s own test (no <c>//</c> or <c>/\</c> at the start).
    /// </summary>
    public static bool IsConsolePage(string? back) => back is { Length: > 0 and <= 2000 }
        && (back == ConsoleSession.Path || back.StartsWith(ConsoleSession.Path + "/", StringComparison.Ordinal) || back.StartsWith(ConsoleSession.Path + "?", StringComparison.Ordinal))
        && !back.Any(c => char.IsControl(c) || c == '\\');
}
