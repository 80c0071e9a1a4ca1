using System.Text;
using CaseFlow.Api.Demo;
using CaseFlow.Core.Users;
using Microsoft.Playwright;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>
/// Issue 13, the rest of a compliance officer's console: opening a case, a CSV import with its per-row report, the caseload and the
/// alerts as CSV files, subscriptions with their deliveries; an auditor reads subscriptions and changes none. Its own demo host, so
/// what it opens and imports leaves <see cref="ConsoleTests"/>' stories as they were.
/// </summary>
public sealed class ConsoleWorkTests(ConsoleApp app) : ConsoleBrowser(app), IClassFixture<ConsoleApp>
{
    private static readonly string Almaty = DemoData.AlmatyUniversity.Value.ToString();

    [Fact]
    public async Task AComplianceOfficer_OpensACase_RefusedFirstAsADuplicate_WithWhatWasTypedKept()
    {
        var page = await SignInAsync(DemoData.Keys[Role.Compliance]);
        await page.GotoAsync("/console/cases");
        await page.Locator("#new-case").ClickAsync();
        var known = DemoData.People[3]; // hosted by Almaty University in the demo
        await page.Locator("#open-case select[name=hostPartyId]").SelectOptionAsync(Almaty);
        await page.Locator("#open-case input[name=familyName]").FillAsync("Okafor");
        await page.Locator("#open-case input[name=givenNames]").FillAsync("Chidi");
        await page.Locator("#open-case input[name=nationality]").FillAsync(known.Nationality);
        await page.Locator("#open-case input[name=birthDate]").FillAsync("1990-03-04");
        await page.Locator("#open-case input[name=passportNumber]").FillAsync(known.PassportNumber);
        var opened = await Scalar("SELECT count(*)::text FROM events WHERE type = 'CaseOpened'");
        await page.Locator("#open-case button").ClickAsync();
        await Assertions.Expect(page.Locator("#problem")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#open-case input[name=familyName]")).ToHaveValueAsync("Okafor");
        Assert.Equal(opened, await Scalar("SELECT count(*)::text FROM events WHERE type = 'CaseOpened'")); // nothing recorded

        await page.Locator("#open-case input[name=passportNumber]").FillAsync("OK1234567");
        await page.Locator("#open-case button").ClickAsync();
        await Assertions.Expect(page.Locator("[role=status]")).ToContainTextAsync("Recorded");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Okafor");
        Assert.Matches("^/console/cases/[0-9a-f-]{36}$", new Uri(page.Url).AbsolutePath);
        await ShotAsync(page, "compliance-new-case");
    }

    [Fact]
    public async Task AComplianceOfficer_ImportsAFile_SeesEachRow_AndDownloadsTheCaseloadAndTheAlerts()
    {
        var page = await SignInAsync(DemoData.Keys[Role.Compliance]);
        await page.GotoAsync("/console/import");
        await page.Locator("select[name=hostPartyId]").SelectOptionAsync(Almaty);
        var today = NodaTime.Text.LocalDatePattern.Iso.Parse(LegalToday()).Value;
        string D(int daysAgo) => today.PlusDays(-daysAgo).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var csv = "familyName,givenNames,nationality,birthDate,passportNumber,passportExpiry,stays,visas,notified\n" +
                  $"Lindqvist,Maja,SE,1985-07-01,SE9911223,,{D(30)}/{D(10)},,{D(29)}\n" +
                  "Broken,Row,SE,not-a-date,SE0000001,,,,\n";
        await page.Locator("input[name=file]").SetInputFilesAsync(new FilePayload { Name = "caseload.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await page.Locator("#import-form button").ClickAsync();
        await Assertions.Expect(page.Locator("#report")).ToContainTextAsync("1 created, 0 skipped, 1 rejected");
        await Assertions.Expect(page.Locator("#rows tbody tr").Nth(1)).ToContainTextAsync("birthDate");
        await ShotAsync(page, "compliance-import");

        await page.GotoAsync("/console/cases");
        var lines = await DownloadAsync(page, "#export", @"^caseload-\d{4}-\d{2}-\d{2}\.csv$");
        Assert.Equal("caseId,familyName,givenNames,nationality,passport,status,notification,permittedUntil,nextDeadline,nextDeadlineDue,fineMci", lines[0].TrimStart('\uFEFF'));
        Assert.Contains(lines, l => l.Contains(",Lindqvist,Maja,SE,SE*****23,left,", StringComparison.Ordinal)); // passports masked, as in every list
        var listed = int.Parse(await Scalar("SELECT count(*)::text FROM case_status"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(listed, lines.Length - 1); // every case of the caller's host parties (the demo's compliance user has them all)
        Assert.NotEqual("0", await Scalar(
            $"SELECT count(*)::text FROM access_log WHERE endpoint = '/console/cases' AND '{lines[1].Split(',')[0]}' = ANY(case_ids)"));

        await page.GotoAsync("/console");
        var alerts = await DownloadAsync(page, "#export-alerts", @"^alerts-\d{4}-\d{2}-\d{2}\.csv$");
        Assert.StartsWith("alertId,caseId,person,kind", alerts[0].TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Equal(await Scalar("SELECT count(*)::text FROM alerts"), (alerts.Length - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AComplianceOfficer_Subscribes_RotatesItsSecret_ChangesItsTarget_Pauses_AnAuditorOnlyReads()
    {
        var page = await SignInAsync(DemoData.Keys[Role.Compliance]);
        await page.GotoAsync("/console/subscriptions");
        var section = page.Locator($"section[aria-labelledby='h-{Almaty}']");
        await section.Locator("summary").ClickAsync();
        await section.Locator("input[name=target]").FillAsync("ftp://hooks.example.kz/caseflow");
        await section.Locator("form.subscribe button").ClickAsync();
        await Assertions.Expect(page.Locator("#problem")).ToContainTextAsync("target: an http or https URL");

        section = page.Locator($"section[aria-labelledby='h-{Almaty}']");
        await section.Locator("summary").ClickAsync();
        await section.Locator("input[name=target]").FillAsync("https://hooks.example.kz/caseflow");
        await section.Locator("form.subscribe button").ClickAsync();
        await Assertions.Expect(page.Locator("#secret code")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"));
        await Assertions.Expect(page.Locator("#deliveries")).ToContainTextAsync("hooks.example.kz");
        var first = await page.Locator("#secret code").InnerTextAsync();
        var row = page.Locator("tr[data-subscription]", new() { HasText = "hooks.example.kz" });
        await row.Locator("button", new() { HasText = "New secret" }).ClickAsync();
        await Assertions.Expect(page.Locator("#secret code")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"));
        Assert.NotEqual(first, await page.Locator("#secret code").InnerTextAsync());
        row = page.Locator("tr[data-subscription]", new() { HasText = "hooks.example.kz" });
        await row.Locator("form.target input[name=target]").FillAsync("javascript:alert(1)");
        await row.Locator("form.target button").ClickAsync();
        await Assertions.Expect(page.Locator("#problem")).ToContainTextAsync("target:");
        row = page.Locator("tr[data-subscription]", new() { HasText = "hooks.example.kz" });
        await row.Locator("form.target input[name=target]").FillAsync("https://hooks.example.kz/caseflow-v2");
        await row.Locator("form.target button").ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-subscription]", new() { HasText = "caseflow-v2" })).ToBeVisibleAsync();
        row = page.Locator("tr[data-subscription]", new() { HasText = "hooks.example.kz" });
        await row.Locator("button", new() { HasText = "Pause" }).ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-subscription]", new() { HasText = "hooks.example.kz" })).ToContainTextAsync("paused");
        Assert.Equal("true", await Scalar("SELECT paused::text FROM subscriptions WHERE target = 'https://hooks.example.kz/caseflow-v2'"));
        await ShotAsync(page, "compliance-subscriptions");

        var auditor = await SignInAsync(DemoData.Keys[Role.Auditor]);
        await auditor.GotoAsync("/console/subscriptions");
        await Assertions.Expect(auditor.Locator("tr[data-subscription]", new() { HasText = "hooks.example.kz" })).ToBeVisibleAsync();
        Assert.Equal(0, await auditor.Locator("main form").CountAsync());
        var forged = await auditor.APIRequest.PostAsync("/console/subscriptions?handler=Delete",
            new() { Form = auditor.APIRequest.CreateFormData().Set("hostParty", Almaty).Set("id", Guid.NewGuid().ToString()) });
        Assert.True(forged.Status is 400 or 403, $"an auditor's forged delete answered {forged.Status}"); // antiforgery, then the role
    }

    private static async Task<string[]> DownloadAsync(IPage page, string link, string fileName)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator(link).ClickAsync());
        Assert.Matches(fileName, download.SuggestedFilename);
        var file = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + download.SuggestedFilename);
        await download.SaveAsAsync(file);
        try
        {
            return (await File.ReadAllTextAsync(file)).TrimEnd('\n').Split('\n');
        }
        finally
        {
            File.Delete(file);
        }
    }
}
