using System.Text.Json;
using CaseFlow.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>
/// Issue 13, "the contract": <c>/openapi/v1.json</c> can drive the API. Fails when a POST or PUT with a body has no request body schema
/// or example, an authenticated operation has no security requirement or no 401/403, a change has no If-Match header, a POST has no
/// Idempotency-Key header, or an operation has no summary.
/// </summary>
public sealed class OpenApiContractTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    /// <summary>The writes that take no body, and why.</summary>
    private static readonly HashSet<string> WithoutBody =
    [
        "AcknowledgeAlert",      // the alert and its ETag say it all
        "PauseSubscription", "ResumeSubscription", "DeleteSubscription",
        "SealNow", "ControlProjection", "Redeliver",
    ];

    private async Task<JsonElement> DocumentAsync() => await (await app.CreateClient().GetAsync("/openapi/v1.json")).JsonAsync();

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(m => m.Name is "get" or "post" or "put" or "delete" or "patch").Select(m => (path.Name, m.Name, m.Value)));

    private static IEnumerable<string> Headers(JsonElement operation) => operation.TryGetProperty("parameters", out var ps)
        ? ps.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "header").Select(p => p.GetProperty("name").GetString()!) : [];

    [Fact]
    public async Task EveryOperation_HasASummary_AndEveryWriteWithABody_DeclaresItsSchemaAndAnExample()
    {
        var document = await DocumentAsync();
        var operations = Operations(document).ToList();
        Assert.True(operations.Count > 40);
        var problems = new List<string>();
        foreach (var (path, method, operation) in operations)
        {
            var id = operation.GetProperty("operationId").GetString()!;
            if (!operation.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()) || summary.GetString() == id)
                problems.Add($"{id}: no summary");
            if (method is not ("post" or "put") || WithoutBody.Contains(id)) continue;
            if (!operation.TryGetProperty("requestBody", out var body)) { problems.Add($"{method} {path} ({id}): no request body"); continue; }
            foreach (var media in body.GetProperty("content").EnumerateObject())
            {
                if (!media.Value.TryGetProperty("schema", out _)) problems.Add($"{id}: {media.Name} without a schema");
                if (!media.Value.TryGetProperty("example", out _)) problems.Add($"{id}: {media.Name} without an example");
            }
        }
        Assert.Empty(problems);
    }

    [Fact]
    public async Task EveryAuthenticatedOperation_RequiresTheApiKey_AndAnswers401And403_AnonymousOnesSaySo()
    {
        var document = await DocumentAsync();
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal(("apiKey", "header", "X-Api-Key"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString()));
        // Which operations need a key, from the endpoints themselves (their roles), not from the document under test.
        var authenticated = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<AllowedRoles>() is not null)
            .Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName).OfType<string>().ToHashSet();
        Assert.Contains("GetCase", authenticated);
        var problems = new List<string>();
        foreach (var (_, _, operation) in Operations(document))
        {
            var id = operation.GetProperty("operationId").GetString()!;
            var security = operation.TryGetProperty("security", out var s) ? s.EnumerateArray().ToList() : null;
            if (security is null) { problems.Add($"{id}: no security (an anonymous operation says []"); continue; }
            if (authenticated.Contains(id))
            {
                if (!security.Any(r => r.TryGetProperty("ApiKey", out _))) problems.Add($"{id}: no ApiKey requirement");
                foreach (var status in new[] { "401", "403" })
                    if (!operation.GetProperty("responses").TryGetProperty(status, out _)) problems.Add($"{id}: no {status}");
            }
            else if (security.Count != 0) problems.Add($"{id}: anonymous, but asks for a key");
        }
        Assert.Empty(problems);
        Assert.DoesNotContain("Evaluate", authenticated); // anonymous operations exist and are checked as such
    }

    [Fact]
    public async Task EveryChange_TakesIfMatch_EveryPost_TakesAnIdempotencyKey_AndTheRulesListTheirDates()
    {
        var document = await DocumentAsync();
        var problems = new List<string>();
        foreach (var (path, method, operation) in Operations(document))
        {
            var id = operation.GetProperty("operationId").GetString()!;
            var headers = Headers(operation).ToList();
            // A change of a case or an alert: a POST on one of them (the erasure is an admin's, final and idempotent: no version to match).
            var change = method == "post" && (path.StartsWith("/api/cases/{id}/", StringComparison.Ordinal) || path.StartsWith("/api/alerts/{id}/", StringComparison.Ordinal))
                         && id != "EraseCase";
            if (change && !headers.Contains("If-Match")) problems.Add($"{id}: a change without If-Match");
            if (method == "post" && !headers.Contains("Idempotency-Key")) problems.Add($"{id}: a POST without Idempotency-Key");
        }
        Assert.Empty(problems);
        var evaluate = Operations(document).Single(o => o.Operation.GetProperty("operationId").GetString() == "Evaluate").Operation;
        Assert.Contains(evaluate.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "asOf" && p.GetProperty("in").GetString() == "query");
        var plan = Operations(document).Single(o => o.Operation.GetProperty("operationId").GetString() == "Plan").Operation;
        Assert.Contains(plan.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "entry" && p.GetProperty("required").GetBoolean());
        var recordEntry = Operations(document).Single(o => o.Operation.GetProperty("operationId").GetString() == "RecordEntry").Operation;
        var entryIfMatch = recordEntry.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "If-Match");
        Assert.True(entryIfMatch.GetProperty("required").GetBoolean());
        Assert.Contains("The case's current ETag", entryIfMatch.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(recordEntry.GetProperty("responses").TryGetProperty("428", out _));
        // An alert's If-Match is optional (acknowledging from the inbox needs no read first): documented so, and never 428.
        foreach (var alertChange in new[] { "AcknowledgeAlert", "ResolveAlert" })
        {
            var operation = Operations(document).Single(o => o.Operation.GetProperty("operationId").GetString() == alertChange).Operation;
            var ifMatch = operation.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "If-Match");
            Assert.False(ifMatch.TryGetProperty("required", out var required) && required.GetBoolean(), $"{alertChange} documents If-Match as required");
            Assert.False(operation.GetProperty("responses").TryGetProperty("428", out _), $"{alertChange} documents a 428 it never gives");
            Assert.True(operation.GetProperty("responses").TryGetProperty("412", out _));
        }
    }

    [Fact]
    public async Task EveryErrorAnOperationGives_IsDeclared_AsAProblemDetails()
    {
        var document = await DocumentAsync();
        var problems = new List<string>();
        foreach (var (path, method, operation) in Operations(document))
        {
            var id = operation.GetProperty("operationId").GetString()!;
            // Tagged by resource (the UI groups by tag), never by the application's default name.
            var tags = operation.TryGetProperty("tags", out var t) ? t.EnumerateArray().Select(x => x.GetString()).ToList() : [];
            if (tags.Count == 0 || tags.Contains("CaseFlow.Api")) problems.Add($"{id}: not tagged by resource ({string.Join(", ", tags)})");
            var responses = operation.GetProperty("responses");
            var expected = new List<string> { "429", "500", "503" };
            if (path.Contains('{', StringComparison.Ordinal)) expected.Add("404");
            if (operation.TryGetProperty("requestBody", out _)) expected.AddRange(["400", "413", "415"]);
            if (method == "post") expected.AddRange(["409", "422"]);
            problems.AddRange(expected.Where(status => !responses.TryGetProperty(status, out _)).Select(status => $"{id}: no {status}"));
            foreach (var response in responses.EnumerateObject().Where(r => r.Name[0] is '4' or '5'))
                if (!response.Value.TryGetProperty("content", out var content) || !content.TryGetProperty("application/problem+json", out _))
                    problems.Add($"{id}: {response.Name} is not a ProblemDetails");
        }
        Assert.Empty(problems);

        // Real refusals, each declared by the operation that gave it.
        var compliance = app.Client();
        async Task Declared(string path, string method, HttpResponseMessage answer)
        {
            var status = ((int)answer.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(status[0] == '4', $"{method} {path} answered {status}");
            Assert.True(document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses").TryGetProperty(status, out _), $"{method} {path}: {status} not declared");
        }
        await Declared("/api/cases/{id}", "get", await compliance.GetAsync($"/api/cases/{Guid.NewGuid()}"));
        await Declared("/api/cases", "post", await compliance.PostAsync("/api/cases", new StringContent("{", System.Text.Encoding.UTF8, "application/json")));
        await Declared("/api/cases", "post", await compliance.PostAsync("/api/cases", new StringContent("x", System.Text.Encoding.UTF8, "text/plain")));
        await Declared("/api/cases", "get", await compliance.GetAsync("/api/cases?status=sleeping"));
        await Declared("/api/alerts/{id}/acknowledge", "post", await compliance.PostAsync($"/api/alerts/{Guid.NewGuid()}/acknowledge", null));
        await Declared("/api/evaluate", "post", await app.CreateClient().PostAsync("/api/evaluate", new StringContent("[]", System.Text.Encoding.UTF8, "application/json")));
    }

    [Fact]
    public async Task NodaTimeDates_AreStrings_InTheSchemas()
    {
        var schemas = (await DocumentAsync()).GetProperty("components").GetProperty("schemas");
        Assert.Equal(("string", "date"), (schemas.GetProperty("LocalDate").GetProperty("type").GetString(), schemas.GetProperty("LocalDate").GetProperty("format").GetString()));
        Assert.Equal(("string", "date-time"), (schemas.GetProperty("Instant").GetProperty("type").GetString(), schemas.GetProperty("Instant").GetProperty("format").GetString()));
        Assert.False(schemas.GetProperty("LocalDate").TryGetProperty("properties", out _)); // not an object of Year, Month, Day
        var date = schemas.GetProperty("EntryRequest").GetProperty("properties").GetProperty("date");
        Assert.Equal("#/components/schemas/LocalDate", date.GetProperty("$ref").GetString());
    }
}
