using CaseFlow.Api.Demo;
using CaseFlow.Core.Users;
using Microsoft.Playwright;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>
/// Issue 13: the console in Debian's chromium (Playwright for .NET; <c>CASEFLOW_CHROMIUM</c>, default /usr/bin/chromium, installed by
/// ops/test). One story per role: a compliance officer works the day's alerts; a compliance user of another host party sees none of
/// it. With <c>CASEFLOW_SCREENSHOTS</c> set to a folder, each story leaves its screenshots there (docs/console.md shows them).
/// </summary>
public sealed class ConsoleTests(ConsoleApp app) : ConsoleBrowser(app), IClassFixture<ConsoleApp>
{
    [Fact]
    public async Task AComplianceOfficer_SeesTodaysAlerts_RecordsTheNotification_AndTheAlertResolves()
    {
        await App.SweepAsync();
        var page = await SignInAsync(DemoData.Keys[Role.Compliance]);
        Assert.EndsWith("/console", page.Url, StringComparison.Ordinal);
        var missed = page.Locator("tr[data-alert]", new() { HasText = "arrivalNotification" }).First;
        await Assertions.Expect(missed).ToBeVisibleAsync();
        var person = await missed.Locator("td a").InnerTextAsync();
        Assert.False(string.IsNullOrWhiteSpace(person));
        await ShotAsync(page, "compliance-today");

        await missed.Locator("td a").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(person.Split(',')[0]);
        await Assertions.Expect(page.Locator("svg[role=img]")).ToBeVisibleAsync(); // the timeline picture
        // A date in the future is refused, with the reason next to the form, and nothing is recorded.
        await page.Locator("#notifications input[name=date]").FillAsync("2030-01-01");
        await page.Locator("#notifications button").ClickAsync();
        await Assertions.Expect(page.Locator("#problem")).ToContainTextAsync("date");
        await page.Locator("#notifications input[name=date]").FillAsync(LegalToday());
        await page.Locator("#notifications button").ClickAsync();
        await Assertions.Expect(page.Locator("[role=status]")).ToContainTextAsync("Recorded");
        await ShotAsync(page, "compliance-case");
        // Every command the API has has its form, made from the same request record: a change of address, recorded the same way.
        Assert.Equal(11, await page.Locator("form[id] input[name=command]").CountAsync());
        await page.Locator("#address-changes").Locator("..").Locator("summary").ClickAsync();
        await page.Locator("#address-changes input[name=address]").FillAsync("Abai avenue 150");
        await page.Locator("#address-changes button").ClickAsync();
        await Assertions.Expect(page.Locator("[role=status]")).ToContainTextAsync("Recorded");
        await Assertions.Expect(page.Locator("main ol")).ToContainTextAsync("Moved to a new address");

        await App.SweepAsync();
        await page.GotoAsync("/console");
        await Assertions.Expect(page.Locator("tr[data-alert]", new() { HasText = "arrivalNotification" }).Filter(new() { HasText = person })).ToHaveCountAsync(0);

        // The caseload finds the person by the beginning of the name, accents ignored.
        await page.GotoAsync($"/console/cases?q={Uri.EscapeDataString(person.Split(',')[0][..3].ToLowerInvariant())}");
        await Assertions.Expect(page.Locator("#caseload tbody tr").First).ToContainTextAsync(person.Split(',')[0]);

        // Russian, then signing out ends the session.
        await page.Locator("header button", new() { HasText = "Русский" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Дела"); // the same page, in Russian
        await page.Locator("header button", new() { HasText = "Выйти" }).ClickAsync();
        await page.GotoAsync("/console");
        Assert.EndsWith("/console/signin", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AComplianceUserOfAnotherHostParty_SeesNoneOfIt()
    {
        await App.SweepAsync();
        var page = await SignInAsync(App.Keys["compliance"]); // host A of the test, not a demo host party
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("No open alerts");
        var demoCase = await Scalar("SELECT case_id::text FROM case_status LIMIT 1");
        var response = await page.GotoAsync($"/console/cases/{demoCase}");
        Assert.Equal(404, response!.Status);
        await ShotAsync(page, "other-host");
    }

    [Fact]
    public async Task AnAuditor_ReplaysACaseToAnEarlierVersion_AndExportsIt()
    {
        var page = await SignInAsync(DemoData.Keys[Role.Auditor]);
        await page.GotoAsync("/console/cases?q=Haddad");
        await page.Locator("#caseload tbody tr a").First.ClickAsync();
        Assert.Equal(0, await page.Locator("#notifications").CountAsync()); // an auditor records nothing: no forms
        await page.Locator("#replay").ClickAsync();
        await Assertions.Expect(page.Locator("#version")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("#event")).ToContainTextAsync("Case opened");
        await page.Locator("#next").ClickAsync();
        await Assertions.Expect(page.Locator("#version")).ToHaveTextAsync("2");
        var atTwo = await page.Locator("#state").InnerTextAsync();
        await page.Locator("#next").ClickAsync();
        Assert.NotEqual(atTwo, await page.Locator("#state").InnerTextAsync()); // each step shows the state at that version
        await page.Locator("#previous").ClickAsync();
        Assert.Equal(atTwo, await page.Locator("#state").InnerTextAsync());
        await page.GotoAsync(page.Url.Split('?')[0] + "?version=3&from=1"); // what changed from version 1 to 3
        await Assertions.Expect(page.Locator("#diff")).ToContainTextAsync("visa: – →");
        await Assertions.Expect(page.Locator("#verify")).ToContainTextAsync("intact");
        await Assertions.Expect(page.Locator("#access")).ToContainTextAsync("/console/cases"); // this very read is in the log
        // What was true on a date as known at an instant (with a UTC offset): before anything was recorded, nothing; now, the case.
        await page.Locator("#state-at input[name=knownAt]").FillAsync("2001-01-01T00:00:00+05:00");
        await page.Locator("#state-at button").ClickAsync();
        await Assertions.Expect(page.Locator("[role=alert]")).ToContainTextAsync("nothing was recorded");
        await page.Locator("#state-at input[name=knownAt]").FillAsync("2099-01-01T00:00:00+05:00");
        await page.Locator("#state-at input[name=asOfDate]").FillAsync("2024-05-01");
        await page.Locator("#state-at button").ClickAsync();
        await Assertions.Expect(page.Locator("#state-at-result")).ToContainTextAsync("as of 2024-05-01");
        await page.Locator("#state-at input[name=knownAt]").FillAsync("yesterday");
        await page.Locator("#state-at button").ClickAsync();
        await Assertions.Expect(page.Locator("[role=alert]")).ToContainTextAsync("knownAt");
        await ShotAsync(page, "auditor-replay");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#export-json").ClickAsync());
        Assert.Matches(@"^case-[0-9a-f-]{36}\.json$", download.SuggestedFilename);
        var file = Path.Combine(Path.GetTempPath(), download.SuggestedFilename);
        await download.SaveAsAsync(file);
        using var export = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(file));
        Assert.Equal("Haddad", export.RootElement.GetProperty("events")[0].GetProperty("data").GetProperty("person").GetProperty("familyName").GetString());
        File.Delete(file);
    }

    [Fact]
    public async Task AnOpsUser_RebuildsAProjection_AndWatchesItFinish_SeeingNoPersonalData()
    {
        var page = await SignInAsync(DemoData.Keys[Role.Ops]);
        var timeline = page.Locator("tr[data-projection=timeline]");
        await timeline.Locator("button[value=rebuild]").ClickAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await page.GotoAsync("/console/ops");
            var state = await page.Locator("tr[data-projection=timeline] .state").InnerTextAsync();
            var requested = await Scalar("SELECT (rebuild_requested OR state <> 'running')::text FROM projections WHERE name = 'timeline'");
            if (state.StartsWith("running", StringComparison.Ordinal) && requested == "false") break;
            Assert.True(DateTime.UtcNow < deadline, $"the rebuild did not finish: {state}");
            await Task.Delay(200);
        }
        await page.Locator("#verify-now").ClickAsync();
        await Assertions.Expect(page.Locator("#verify-result")).ToContainTextAsync("0 broken chains");
        await ShotAsync(page, "ops-projections");
        var text = await page.Locator("main").InnerTextAsync();
        foreach (var person in DemoData.People) Assert.DoesNotContain(person.FamilyName, text, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("header a", new() { HasText = "Today" }).CountAsync()); // not shown to ops
    }

    [Fact]
    public async Task AWrongKey_IsRefused_AndTheSessionCookieIsHttpOnlyAndStrict()
    {
        var page = await SignInAsync("cf_not-a-key");
        await Assertions.Expect(page.Locator("[role=alert]")).ToContainTextAsync("not valid");
        var signedIn = await SignInAsync(DemoData.Keys[Role.Ops]);
        Assert.EndsWith("/console/ops", signedIn.Url, StringComparison.Ordinal);
        var cookie = (await signedIn.Context.CookiesAsync()).Single(c => c.Name == "caseflow-console");
        Assert.Equal((true, SameSiteAttribute.Strict), (cookie.HttpOnly, cookie.SameSite));
        Assert.DoesNotContain(DemoData.Keys[Role.Ops], cookie.Value, StringComparison.Ordinal); // the key is sealed, never in clear
        await Assertions.Expect(signedIn.Locator("#projections")).ToContainTextAsync("timeline");
    }
}
