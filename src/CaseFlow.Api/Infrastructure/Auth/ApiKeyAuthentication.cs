using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Input;
using CaseFlow.Core.Users;

namespace CaseFlow.Api.Infrastructure.Auth;

/// <summary>Resolves the request's <see cref="Principal"/> from its X-Api-Key header and gates endpoints by role.</summary>
public static class ApiKeyAuthentication
{
    private const string ItemKey = "caseflow.principal";

    public static IApplicationBuilder UseApiKeys(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Request.Headers[UserStore.Header].ToString() is { Length: > 0 and < 200 } key)
        {
            var principal = await http.RequestServices.GetRequiredService<UserStore>().AuthenticateAsync(key, http.RequestAborted);
            if (principal is not null) http.Items[ItemKey] = principal;
        }
        await next(http);
    });

    public static Principal? Principal(this HttpContext http) => http.Items.TryGetValue(ItemKey, out var p) ? (Principal?)p : null;

    /// <summary>The request acts as <paramref name="principal"/> (the console's session cookie, opened by ConsoleSession).</summary>
    public static void SignIn(HttpContext http, Principal principal) => http.Items[ItemKey] = principal;

    /// <summary>401 without a valid key, 403 for a role not listed. The roles are also endpoint metadata (<see cref="AllowedRoles"/>), which
    /// the generated tenancy test reads to know what every operation should answer each role.</summary>
    public static TBuilder RequireRoles<TBuilder>(this TBuilder builder, params Role[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AllowedRoles(roles)).AddEndpointFilter(async (context, next) =>
        {
            var principal = context.HttpContext.Principal();
            if (principal is null)
                return Problems.Problem(StatusCodes.Status401Unauthorized, "unauthorized", "API key required", $"Send a valid, unrevoked API key in the {UserStore.Header} header");
            if (!roles.Contains(principal.Role))
                return Problems.Problem(StatusCodes.Status403Forbidden, "forbidden", "Not allowed for this role",
                    $"The {principal.Role.ToString().ToLowerInvariant()} role may not do this; allowed: {string.Join(", ", roles.Select(r => r.ToString().ToLowerInvariant()))}");
            return await next(context);
        });
}

/// <summary>The roles an endpoint admits (several on one endpoint, from its group and itself: each must admit the caller).</summary>
public sealed record AllowedRoles(IReadOnlyList<Role> Roles);
