using System.Text.Json.Nodes;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Users;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NodaTime;

namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>An operation that changes a versioned resource: its <c>If-Match</c> header (required: 428 without it).</summary>
public sealed record IfMatchHeader(bool Required, string Of);

/// <summary>
/// What makes <c>/openapi/v1.json</c> a contract a client can be built from (issue 13): the <c>X-Api-Key</c> security scheme, a
/// security requirement and 401/403 on every operation that needs a key (anonymous ones carry an empty requirement), <c>If-Match</c>
/// where a change needs it, <c>Idempotency-Key</c> on every POST, an example for every request body, and NodaTime dates as strings.
/// <c>OpenApiContractTests</c> fails when an operation breaks one of these.
/// </summary>
public static class OpenApiContract
{
    public const string Scheme = "ApiKey";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "CaseFlow";
            document.Info.Description = "Immigration-compliance case management for Kazakhstan host parties. Errors are RFC 9457 ProblemDetails (docs/api/problems.md).";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = UserStore.Header,
                Description = "A user's API key (ops/caseflow users add prints one; the demo has demo-compliance-key, demo-auditor-key, demo-ops-key, demo-admin-key).",
            };
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            if (type == typeof(LocalDate)) Text(schema, "date", "2026-11-16");
            else if (type == typeof(Instant)) Text(schema, "date-time", "2026-11-16T06:00:00Z");
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var method = context.Description.HttpMethod ?? "";
            if (EndpointDocs.Of(operation.OperationId) is { } docs)
            {
                operation.Summary ??= EndpointDocs.SummaryOf(docs);
                operation.Description ??= docs;
            }
            operation.Summary ??= operation.OperationId;
            if (metadata.OfType<AllowedRoles>().LastOrDefault() is { } roles)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, context.Document)] = [] }];
                Problem(operation, context, "401", "No valid X-Api-Key");
                Problem(operation, context, "403", $"The key's role may not do this (allowed: {string.Join(", ", roles.Roles)})");
                operation.Description = $"{operation.Description}{(operation.Description is null ? "" : " ")}Roles: {string.Join(", ", roles.Roles.Select(r => r.ToString().ToLowerInvariant()))}.";
            }
            else operation.Security = []; // anonymous
            operation.Parameters ??= [];
            foreach (var query in metadata.OfType<Rules.QueryParameter>())
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = query.Name, In = ParameterLocation.Query, Required = query.Required, Description = query.Description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" },
                });
            if (metadata.OfType<IfMatchHeader>().LastOrDefault() is { } ifMatch)
            {
                operation.Parameters.Add(Header("If-Match", ifMatch.Required,
                    $"The {ifMatch.Of}'s current ETag (its version, e.g. \"3\"): a stale one is 412 and changes nothing{(ifMatch.Required ? "; without it, 428" : "")}."));
                if (ifMatch.Required) Problem(operation, context, "428", "If-Match is required");
                Problem(operation, context, "412", "The ETag is stale: someone changed it first");
            }
            if (method == "POST")
                operation.Parameters.Add(Header("Idempotency-Key", false,
                    "Any string up to 200 characters: a repeat with the same key and body replays the first response; with another body, 422."));
            Errors(operation, context, method, roles: metadata.OfType<AllowedRoles>().Any());
            if (operation.RequestBody?.Content is { } content)
                foreach (var (mediaType, body) in content)
                    body.Example = mediaType == "text/csv" ? JsonValue.Create(OpenApiExamples.Csv)
                        : OpenApiExamples.Of(operation.OperationId) is { } example ? JsonNode.Parse(example) : body.Example;
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// The errors every operation of its shape can answer, each a ProblemDetails: 400 when it reads input, 404 when its path names a
    /// resource, 413 and 415 for a body, 409 and 422 for a repeated Idempotency-Key, 429 past the rate limit, 500 and 503 always.
    /// </summary>
    private static void Errors(OpenApiOperation operation, OpenApiOperationTransformerContext context, string method, bool roles)
    {
        var path = context.Description.RelativePath ?? "";
        var hasBody = operation.RequestBody is not null;
        if (hasBody || operation.Parameters?.Any(p => p.In is ParameterLocation.Query or ParameterLocation.Path) == true)
            Problem(operation, context, "400", "Invalid input: the ProblemDetails names the field (`field`) and the reason; nothing changed");
        if (path.Contains('{', StringComparison.Ordinal))
            Problem(operation, context, "404", "No such resource, or not one of the caller's host parties");
        if (hasBody)
        {
            Problem(operation, context, "413", "The body is larger than the API accepts");
            Problem(operation, context, "415", "The body is not in the media type the operation reads");
        }
        if (method == "POST")
        {
            Problem(operation, context, "409", "A conflict; or a request with the same Idempotency-Key is still in progress");
            Problem(operation, context, "422", "The Idempotency-Key was used before with another body");
        }
        Problem(operation, context, "429", roles ? "Too many requests for this key this minute (Retry-After says when)" : "Too many requests from this address this minute (Retry-After says when)");
        Problem(operation, context, "500", "An unexpected error (the ProblemDetails carries a trace id, never the error's text)");
        Problem(operation, context, "503", "The database is unavailable; retry later");
    }

    private static void Text(OpenApiSchema schema, string format, string example)
    {
        schema.Type = JsonSchemaType.String | (schema.Type is { } t && t.HasFlag(JsonSchemaType.Null) ? JsonSchemaType.Null : 0);
        schema.Format = format;
        schema.Properties?.Clear();
        schema.Required?.Clear();
        schema.Examples = [JsonValue.Create(example)];
    }

    private static OpenApiParameter Header(string name, bool required, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = required,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static void Problem(OpenApiOperation operation, OpenApiOperationTransformerContext context, string status, string description)
    {
        operation.Responses ??= new OpenApiResponses();
        if (operation.Responses.ContainsKey(status)) return;
        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", context.Document) },
            },
        };
    }
}
