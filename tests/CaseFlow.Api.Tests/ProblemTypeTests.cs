using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CaseFlow.Api.Tests;

/// <summary>Every ProblemDetails type of docs/api/problems.md answered by the API and asserted by a test (style rule 11).</summary>
public partial class ProblemTypeTests(ProblemTypeTests.ThrowingApp app) : IClassFixture<ProblemTypeTests.ThrowingApp>
{
    /// <summary>The API whose clock fails once told to: any request that asks the time then meets an unexpected error.</summary>
    public sealed class ThrowingApp : CaseFlowApp
    {
        public volatile bool Fail;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton<NodaTime.IClock>(new FailingClock(this))));
        }

        private sealed class FailingClock(ThrowingApp app) : NodaTime.IClock
        {
            public NodaTime.Instant GetCurrentInstant() =>
                app.Fail ? throw new InvalidOperationException("secret internals: Host=db;Password=x") : app.Clock.GetCurrentInstant();
        }
    }

    private static string Root([System.Runtime.CompilerServices.CallerFilePath] string here = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    [Fact]
    public void EveryDocumentedType_IsAssertedByATest_AndEveryTypeTheApiAnswersIsDocumented()
    {
        var documented = TypeRow().Matches(File.ReadAllText(Path.Combine(Root(), "docs", "api", "problems.md"))).Select(m => m.Groups[1].Value).ToHashSet();
        var tests = string.Join("\n", Directory.GetFiles(Path.Combine(Root(), "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).Select(File.ReadAllText));
        var unasserted = documented.Where(code => !tests.Contains($"\"urn:caseflow:{code}\"", StringComparison.Ordinal) && !tests.Contains($"\"{code}\"", StringComparison.Ordinal)).ToList();
        Assert.True(unasserted.Count == 0, "documented but asserted by no test: " + string.Join(", ", unasserted));

        var sources = string.Join("\n", Directory.GetFiles(Path.Combine(Root(), "src"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));
        var answered = CodeInSource().Matches(sources).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Empty(answered.Except(documented));
    }

    [Fact]
    public async Task Unexpected_500WithOnlyATraceId_Unreadable_400BadRequest()
    {
        app.Fail = true;
        HttpResponseMessage failed;
        try
        {
            failed = await app.Client().GetAsync("/api/cases");
        }
        finally
        {
            app.Fail = false;
        }
        var body = await failed.Content.ReadAsStringAsync();
        Assert.Equal((HttpStatusCode.InternalServerError, "urn:caseflow:internal"), (failed.StatusCode, await failed.TypeAsync()));
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        Assert.True((await failed.JsonAsync()).TryGetProperty("traceId", out _));
        // A request the server cannot read (Kestrel's "unexpected end of request content"), through the handler itself.
        var http = new DefaultHttpContext { RequestServices = app.Services };
        http.Response.Body = new MemoryStream();
        var handler = new CaseFlow.Api.Infrastructure.Http.UnhandledExceptionHandler(Microsoft.Extensions.Logging.Abstractions.NullLogger<CaseFlow.Api.Infrastructure.Http.UnhandledExceptionHandler>.Instance);
        Assert.True(await handler.TryHandleAsync(http, new BadHttpRequestException("Unexpected end of request content.", 400), CancellationToken.None));
        http.Response.Body.Position = 0;
        Assert.Equal(400, http.Response.StatusCode);
        Assert.Equal("urn:caseflow:bad-request", System.Text.Json.JsonDocument.Parse(http.Response.Body).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task UnknownRoute_404_WrongMethod_405_OversizeFacts_413_KeyInUse_409()
    {
        var client = app.Client();
        var unknown = await client.GetAsync("/api/nothing-here");
        Assert.Equal((HttpStatusCode.NotFound, "urn:caseflow:not-found"), (unknown.StatusCode, await unknown.TypeAsync()));
        var wrong = await client.DeleteAsync("/api/cases");
        Assert.Equal((HttpStatusCode.MethodNotAllowed, "urn:caseflow:method-not-allowed"), (wrong.StatusCode, await wrong.TypeAsync()));
        var big = new StringContent($$"""{"person":{"nationality":"DE"},"events":[],"pad":"{{new string('x', 1_100_000)}}"}""", Encoding.UTF8, "application/json");
        var tooLarge = await app.Client(null).PostAsync("/api/evaluate", big);
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "urn:caseflow:payload-too-large"), (tooLarge.StatusCode, await tooLarge.TypeAsync()));

        // A claim left by a request still running (or by a node that died less than 5 minutes ago) answers 409 to a repeat.
        await using (var command = app.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().CreateCommand(
            "INSERT INTO idempotency_keys (user_id, key, request_hash) SELECT id, 'running-1', $1 FROM users WHERE name = 'Officer A'"))
        {
            command.Parameters.Add(new() { Value = CaseFlow.Api.Infrastructure.Http.Idempotency.Hash("POST", $"/api/host-parties/{app.HostA}/subscriptions", "{\"channel\":\"email\",\"target\":\"a@b.kz\",\"mode\":\"digest\"}") });
            await command.ExecuteNonQueryAsync();
        }
        var running = await client.PostJsonAsync($"/api/host-parties/{app.HostA}/subscriptions", new { channel = "email", target = "a@b.kz", mode = "digest" }, idempotencyKey: "running-1");
        Assert.Equal((HttpStatusCode.Conflict, "urn:caseflow:idempotency-key-in-progress"), (running.StatusCode, await running.TypeAsync()));
    }

    [GeneratedRegex(@"^\| `urn:caseflow:([a-z.-]+)`", RegexOptions.Multiline)]
    private static partial Regex TypeRow();

    /// <summary>Codes the API can answer: problem codes and decider rejection codes written as string literals in src/.</summary>
    [GeneratedRegex(@"(?:Problem\([^,]+, |Reject\(RejectionKind\.\w+, |""code""\] = |Validation\([^;]*?, )""([a-z]+(?:[.-][a-z]+)+|validation|forbidden|unauthorized|unavailable|internal)""")]
    private static partial Regex CodeInSource();
}

/// <summary>Conventions read from the sources (issue 10): every table comes from a numbered migration.</summary>
