using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>The demo host served by Kestrel on a loopback port, so a real browser can use the console.</summary>
public sealed class ConsoleApp : DemoAppBase
{
    public int Port { get; } = FreePort();

    public string Url => $"http://127.0.0.1:{Port}";

    public ConsoleApp() => UseKestrel(Port);

    protected override void Start() => StartServer();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// A browser on the console: Debian's chromium through Playwright for .NET (<c>CASEFLOW_CHROMIUM</c>, default /usr/bin/chromium,
/// installed by ops/test), sign-in with an API key, screenshots into <c>CASEFLOW_SCREENSHOTS</c> when it names a folder.
/// </summary>
public abstract class ConsoleBrowser(ConsoleApp app) : IAsyncLifetime
{
    protected ConsoleApp App => app;

    private IPlaywright playwright = null!;
    private IBrowser browser = null!;

    public async Task InitializeAsync()
    {
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CASEFLOW_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Args = ["--no-sandbox"],
        });
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }

    protected async Task<IPage> SignInAsync(string apiKey)
    {
        var page = await browser.NewPageAsync(new() { BaseURL = app.Url });
        await page.GotoAsync("/console");
        Assert.EndsWith("/console/signin", page.Url, StringComparison.Ordinal); // no session: to the sign-in
        await page.FillAsync("#apiKey", apiKey);
        await page.ClickAsync("button[type=submit]");
        return page;
    }

    protected static async Task ShotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("CASEFLOW_SCREENSHOTS") is { Length: > 0 } folder)
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
    }

    protected string LegalToday() => CaseFlow.Domain.Calendar.LegalTime.Today(app.Clock).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    protected async Task<string> Scalar(string sql)
    {
        await using var command = app.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().CreateCommand(sql);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
