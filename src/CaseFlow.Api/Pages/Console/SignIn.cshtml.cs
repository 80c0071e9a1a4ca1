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
        return LocalRedirect(back is { Length: > 0 } && back.StartsWith("/console", StringComparison.Ordinal) ? back : "/console");
    }
}
