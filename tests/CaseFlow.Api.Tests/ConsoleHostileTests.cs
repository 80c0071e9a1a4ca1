using System.Net;
using System.Text.RegularExpressions;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>
/// The console's forms and pages sent what a careless or hostile client would (plain HTTP, the browser tests cover the stories):
/// never a 5xx, never a redirect off the console or with a control character in its Location.
/// </summary>
public sealed partial class ConsoleHostileTests(HostileApp app) : IClassFixture<HostileApp>
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    private static async Task<string> TokenAsync(HttpClient client, string page)
    {
        var html = await (await client.GetAsync(page)).Content.ReadAsStringAsync();
        return TokenField().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException($"no form token on {page}");
    }

    private static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string url, string token, params (string Name, string Value)[] fields) =>
        client.PostAsync(url, new FormUrlEncodedContent(fields.Append((Name: "__RequestVerificationToken", Value: token)).Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));

    private HttpClient Browser() => app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Theory]
    [InlineData("/console/cases?q=ab&page=2", "/console/cases?q=ab&page=2")] // where the user was
    [InlineData("/console", "/console")]
    [InlineData("/console\u0001x", "/console")]
    [InlineData("/console\r\nSet-Cookie: evil=1", "/console")]
    [InlineData("/console/\\evil.example", "/console")]
    [InlineData("//evil.example/console", "/console")]
    [InlineData("https://evil.example/console", "/console")]
    [InlineData("/consolex", "/console")]
    [InlineData("/api/cases", "/console")]
    [InlineData("", "/console")]
    public async Task TheLanguageSwitch_GoesBackOnlyToAConsolePage(string back, string expected)
    {
        var client = Browser();
        var token = await TokenAsync(client, "/console/signin");
        var response = await PostFormAsync(client, "/console/signin?handler=Language", token, ("lang", "ru"), ("back", back));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location!.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("caseflow-lang=ru;", StringComparison.Ordinal));
    }

    /// <summary>Values a form field should never take, sent in place of each field a console form posts.</summary>
    private static readonly string[] HostileValues =
        ["a\u0000b", "x\u0007", "\ud800", "", new string('a', 5_000), "not-a-guid", "-1", "99999999999999999999", "2024-02-30", "a\u0000@example.kz", "../../etc/passwd"];

    /// <summary>Signs in with the user's key; the client then carries the session cookie.</summary>
    private async Task<HttpClient> SignedInAsync(string user)
    {
        var client = Browser();
        var token = await TokenAsync(client, "/console/signin");
        var signedIn = await PostFormAsync(client, "/console/signin", token, ("apiKey", app.Keys[user]));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }

    [Fact]
    public async Task EveryConsoleForm_HostileFieldValues_NeverAServerError_AndARefusalChangesNothing()
    {
        await app.SweepAsync(); // host A's case has alerts to acknowledge and resolve
        var alert = (await (await app.Client().GetAsync("/api/alerts")).JsonAsync()).GetProperty("items")[0].GetProperty("id").GetString()!;
        var host = app.HostA.ToString();
        var sub = app.SubscriptionA;
        (string User, string Page, string Handler, (string Name, string Value)[] Fields, int Valid)[] forms =
        [
            ("compliance", "/console", "/console?handler=Acknowledge", [("alertId", alert)], 302),
            ("compliance", "/console", "/console?handler=Resolve", [("alertId", alert), ("reason", "filed on paper")], 302),
            ("compliance", "/console/subscriptions", "/console/subscriptions?handler=Subscribe", [("hostParty", host), ("channel", "email"), ("target", "ops@example.kz"), ("mode", "each")], 200),
            ("compliance", "/console/subscriptions", "/console/subscriptions?handler=Subscribe", [("hostParty", host), ("channel", "webhook"), ("target", "http://127.0.0.1:9/x"), ("mode", "digest")], 200),
            ("compliance", "/console/subscriptions", "/console/subscriptions?handler=Target", [("hostParty", host), ("id", sub), ("target", "http://127.0.0.1:9/alpha-hook")], 302),
            ("compliance", "/console/subscriptions", "/console/subscriptions?handler=Pause", [("hostParty", host), ("id", sub)], 302),
            ("compliance", "/console/subscriptions", "/console/subscriptions?handler=Resume", [("hostParty", host), ("id", sub)], 302),
            ("compliance", $"/console/cases/{app.CaseA}", $"/console/cases/{app.CaseA}?handler=Command", [("version", "2"), ("command", "exits"), ("date", "2024-05-30")], 302),
            ("compliance", "/console/cases/new", "/console/cases/new", [("hostPartyId", host), ("familyName", "Formfamily"), ("givenNames", "X"), ("nationality", "DE"), ("birthDate", "1980-01-01"), ("passportNumber", "FF123456"), ("passportExpiry", "2034-01-01")], 302),
            ("ops", "/console/ops", "/console/ops?handler=Control", [("name", "timeline"), ("action", "pause")], 302),
            ("ops", "/console/ops", "/console/ops?handler=Trigger", [("job", "seal")], 404),
            ("ops", "/console/ops", "/console/ops?handler=Redeliver", [("delivery", Guid.NewGuid().ToString())], 404),
        ];
        var failures = new List<string>();
        var sent = 0;
        foreach (var (user, page, handler, fields, validStatus) in forms)
        {
            var client = await SignedInAsync(user);
            var token = await TokenAsync(client, page);
            // The form as the page would post it gets its answer (so the hostile ones reach the handler): a redirect, the page showing a
            // new subscription, or 404 where this test host has no such thing (no scheduler runs here; the delivery is made up).
            var valid = (int)(await PostFormAsync(client, handler, token, fields)).StatusCode;
            Assert.True(valid == validStatus, $"{handler}: {valid} for the valid form, {validStatus} expected");
            foreach (var (name, _) in fields)
                foreach (var value in HostileValues)
                {
                    var before = await app.CountsAsync();
                    var response = await PostFormAsync(client, handler, token, [.. fields.Select(f => f.Name == name ? (f.Name, value) : f)]);
                    sent++;
                    var status = (int)response.StatusCode;
                    var what = $"{handler} {name}={value[..Math.Min(12, value.Length)]}";
                    if (status >= 500) failures.Add($"{what}: {status}");
                    else if (status >= 400 && await app.CountsAsync() != before) failures.Add($"{what}: refused with {status} but the store changed");
                    if ((await response.Content.ReadAsStringAsync()).Contains("System.", StringComparison.Ordinal)) failures.Add($"{what}: a .NET type name in the page");
                }
        }
        Assert.True(sent > 300, $"only {sent} forms posted");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} forms failed:\n{string.Join("\n", failures.Take(60))}");
    }

    /// <summary>Query values the console's pages read, each given what a hand-edited address could hold.</summary>
    private static readonly string[] HostileQueryValues = ["-1", "0", "abc", "99999999999999999999", "2024-02-30", "0001-01-01", "9999-12-31T23:59:59+14:00", "%ED%A0%80", "%00", new string('9', 300)];

    [Fact]
    public async Task EveryConsolePage_HostileQueryValues_NeverAServerError()
    {
        var compliance = await SignedInAsync("compliance");
        var ops = await SignedInAsync("ops");
        (HttpClient Client, string Page, string[] Parameters)[] pages =
        [
            (compliance, "/console/cases", ["q", "status", "after"]),
            (compliance, "/console/cases?handler=Csv", ["q", "status"]),
            (compliance, $"/console/cases/{app.CaseA}", ["saved"]),
            (compliance, $"/console/cases/{app.CaseA}/replay", ["version", "from", "asOfDate", "knownAt"]),
            (compliance, $"/console/cases/{app.CaseA}/replay?handler=Export", ["format"]),
            (compliance, "/console/subscriptions", ["id"]),
            (ops, "/console/ops", ["verify"]),
        ];
        var failures = new List<string>();
        foreach (var (client, page, parameters) in pages)
            foreach (var parameter in parameters)
                foreach (var value in HostileQueryValues)
                {
                    var url = $"{page}{(page.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{parameter}={value}";
                    var response = await client.GetAsync(url);
                    if ((int)response.StatusCode >= 500) failures.Add($"{url[..Math.Min(120, url.Length)]}: {(int)response.StatusCode}");
                }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("caseflow-console", "a")]
    [InlineData("caseflow-console", "!!!!")]
    [InlineData("caseflow-console", "AAAA")]
    [InlineData("caseflow-console", "CfDJ8-not-a-session")]
    [InlineData("caseflow-console", "%00%01")]
    [InlineData("caseflow-lang", "xx")]
    [InlineData("caseflow-lang", "%00")]
    public async Task AForgedOrBrokenCookie_IsNoSession_NeverAServerError(string cookie, string value)
    {
        var client = Browser();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/console");
        request.Headers.TryAddWithoutValidation("Cookie", $"{cookie}={value}");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode); // to the sign-in page: no session
        Assert.Equal("/console/signin", response.Headers.Location!.OriginalString);
    }
}
