using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CaseFlow.Domain.Json;
using CaseFlow.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;

namespace CaseFlow.Api.Tests;

/// <summary>A settable clock (NodaTime.Testing is not obtainable here).</summary>
public sealed class FakeClock(Instant now) : IClock
{
    private Instant now = now;

    public Instant GetCurrentInstant() => now;

    public void Set(Instant instant) => now = instant;
}

/// <summary>The API on a database of its own, with a fake clock set to 2024-06-01 12:00 in Almaty.</summary>
public sealed class CaseFlowApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public FakeClock Clock { get; } = new(Instant.FromUtc(2024, 6, 1, 7, 0));
    private string connectionString = "";

    public static JsonSerializerOptions Json => CaseFlowJson.Options;

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync("api");
        _ = Server; // start the host: migrations run at start
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("CASEFLOW_DB", connectionString);
        builder.UseEnvironment("Testing");
        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<IClock>(Clock)));
    }

    public HttpClient Client(string actor = "officer-1")
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-CaseFlow-Actor", actor);
        return client;
    }
}

public static class HttpExtensions
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: CaseFlowApp.Json) };
        if (ifMatch is not null) request.Headers.IfMatch.Add(new EntityTagHeaderValue(ifMatch));
        return client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
