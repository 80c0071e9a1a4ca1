using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Users;
using Microsoft.AspNetCore.DataProtection;

namespace CaseFlow.Api.Console;

/// <summary>
/// The console's sign-in: the API key a user types becomes an HttpOnly, SameSite=Strict cookie holding the key encrypted and
/// time-limited (ASP.NET Core data protection, 12 hours), never the key in clear. Each request opens it and authenticates the key again,
/// so a revoked key signs its sessions out at once. Pages then see the same <see cref="Principal"/> the API's X-Api-Key gives.
/// </summary>
public static class ConsoleSession
{
    public const string Cookie = "caseflow-console";
    public const string Path = "/console";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    public static IApplicationBuilder UseConsoleSessions(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Request.Path.StartsWithSegments(Path) && http.Principal() is null && http.Request.Cookies[Cookie] is { Length: > 0 and < 2000 } sealedKey)
        {
            var key = Unprotect(http, sealedKey);
            var principal = key is null ? null : await http.RequestServices.GetRequiredService<UserStore>().AuthenticateAsync(key, http.RequestAborted);
            if (principal is not null) ApiKeyAuthentication.SignIn(http, principal);
            else http.Response.Cookies.Delete(Cookie, Options(http));
        }
        await next(http);
    });

    /// <summary>Checks the key and, when it names an active user, sets the session cookie; the principal or null.</summary>
    public static async Task<Principal?> SignInAsync(HttpContext http, string apiKey)
    {
        if (apiKey.Length is 0 or > 200) return null;
        var principal = await http.RequestServices.GetRequiredService<UserStore>().AuthenticateAsync(apiKey.Trim(), http.RequestAborted);
        if (principal is null) return null;
        http.Response.Cookies.Append(Cookie, Protector(http).Protect(apiKey.Trim(), Lifetime), Options(http));
        return principal;
    }

    public static void SignOut(HttpContext http) => http.Response.Cookies.Delete(Cookie, Options(http));

    private static string? Unprotect(HttpContext http, string value)
    {
        try
        {
            return Protector(http).Unprotect(value);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // altered, expired, or from another key ring
        }
    }

    private static ITimeLimitedDataProtector Protector(HttpContext http) =>
        http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("CaseFlow.Console.Session").ToTimeLimitedDataProtector();

    private static CookieOptions Options(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = Path,
        IsEssential = true,
    };
}
