using System.Text.Json;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Users;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CaseFlow.Api.Tests;

/// <summary>One operation of <c>/openapi/v1.json</c>, with the roles its endpoint admits (null: anonymous).</summary>
public sealed record Operation(string Method, string Path, string Name, IReadOnlyList<string> QueryParameters, IReadOnlySet<Role>? Roles)
{
    public override string ToString() => $"{Method} {Path} ({Name})";
}

/// <summary>
/// Reads every operation from the API's own OpenAPI document and joins it to its endpoint's <see cref="AllowedRoles"/>, so the
/// generated tests cover a new endpoint without anyone writing a test for it.
/// </summary>
public static class OpenApiOperations
{
    public static async Task<IReadOnlyList<Operation>> ReadAsync(CaseFlowApp app)
    {
        var document = await (await app.CreateClient().GetAsync("/openapi/v1.json")).JsonAsync();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var operations = new List<Operation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var op in path.Value.EnumerateObject())
            {
                var method = op.Name.ToUpperInvariant();
                var endpoint = endpoints.SingleOrDefault(e => Normalize(e.RoutePattern.RawText!) == path.Name
                    && e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains(method) == true)
                    ?? throw new InvalidOperationException($"no endpoint for {method} {path.Name} among {string.Join(", ", endpoints.Select(e => Normalize(e.RoutePattern.RawText!)))}");
                var allowed = endpoint.Metadata.GetOrderedMetadata<AllowedRoles>();
                IReadOnlySet<Role>? roles = allowed.Count == 0 ? null : allowed.Skip(1).Aggregate(allowed[0].Roles.ToHashSet(), (set, a) => { set.IntersectWith(a.Roles); return set; });
                var query = op.Value.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToList()
                    : [];
                operations.Add(new Operation(method, path.Name, op.Value.TryGetProperty("operationId", out var id) ? id.GetString()! : path.Name, query, roles));
            }
        return operations;
    }

    /// <summary>"/api/cases/{id:guid}" as the document writes it: "/api/cases/{id}".</summary>
    private static string Normalize(string pattern)
    {
        var path = "/" + pattern.Trim('/');
        return System.Text.RegularExpressions.Regex.Replace(path, "\\{([^}:?]+)[^}]*\\}", "{$1}");
    }
}
