using System.Net;
using System.Text.Json;

namespace CaseFlow.Api.Tests;

/// <summary>
/// The host-party dashboard and offence register, counted exactly at their day boundaries (a database of their own: Host A holds only
/// the dashboard's cases, Host B the register's). Today is Saturday 1 June 2024 in Almaty (the app's clock). Visa-free visits of 30 days for NL (000 §2, VF-30-ENTRY) and
/// of 90 for RU (000 §2, BVF-CIS-EAEU), each notified on its entry day unless said; art. 518 late notification 000 §1 and offences
/// section; the repeat window and the register are 12 months (FINE518-REPEAT).
/// </summary>
public sealed class DashboardTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private async Task<string> CaseAsync(string nationality, string entry, string? notified, string? exit = null, bool hostB = false)
    {
        var client = app.Client(hostB ? "complianceB" : "compliance");
        var open = await client.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Dash", givenNames = "Board", nationality, birthDate = "1985-01-01", passportNumber = Guid.NewGuid().ToString("N")[..9] },
            hostPartyId = hostB ? app.HostB : app.HostA,
        });
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        var c = open.Headers.Location!.ToString();
        var version = 1;
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/entries", new { date = entry, borderPoint = "ALA" }, $"\"{version++}\"")).StatusCode);
        if (notified is not null)
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/notifications", new { date = notified, channel = "eQonaq" }, $"\"{version++}\"")).StatusCode);
        if (exit is not null)
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/exits", new { date = exit }, $"\"{version}\"")).StatusCode);
        return c.Split('/')[^1];
    }

    [Fact]
    public async Task Dashboard_CountsEachBucketToItsLastDay_OverstayingFromTheDayAfterTheLastLawfulDay()
    {
        await CaseAsync("NL", "2024-05-10", "2024-05-10"); // last lawful day 8 June = today + 7: at risk in 7 and in 30 days
        await CaseAsync("NL", "2024-05-11", "2024-05-11"); // 9 June: at risk in 30 days only
        await CaseAsync("RU", "2024-04-03", "2024-04-03"); // 1 July = today + 30: at risk in 30 days
        await CaseAsync("RU", "2024-04-04", "2024-04-04"); // 2 July: not at risk
        await CaseAsync("NL", "2024-05-03", "2024-05-03"); // 1 June, today: in the country, at risk
        await CaseAsync("NL", "2024-05-02", "2024-05-02"); // 31 May, yesterday: overstaying today, its missed exit at risk
        await app.ProjectionsCaughtUpAsync();

        var dashboard = await (await app.Client().GetAsync($"/api/host-parties/{app.HostA}/dashboard")).JsonAsync();
        var byStatus = dashboard.GetProperty("byStatus").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["inCountry"] = 5, ["overstaying"] = 1 }, byStatus);
        Assert.Equal((3L, 5L, 1L), (dashboard.GetProperty("atRiskNext7Days").GetInt64(), dashboard.GetProperty("atRiskNext30Days").GetInt64(),
            dashboard.GetProperty("overstaying").GetInt64()));
        // Host B holds only cases that have left (the register's test): none of host A's is counted for it.
        var other = await (await app.Client("complianceB").GetAsync($"/api/host-parties/{app.HostB}/dashboard")).JsonAsync();
        Assert.DoesNotContain(other.GetProperty("byStatus").EnumerateObject(), p => p.Name is "inCountry" or "overstaying");
    }

    [Fact]
    public async Task Offences_TheLast12MonthsExactly_AndTheHostsOwnCountedApart()
    {
        // Entered Mon 29 May 2023, notice due Wed 31 May, given 2 June: the offence is dated 1 June 2023, 12 months before today: out.
        var old = await CaseAsync("NL", "2023-05-29", "2023-06-02", exit: "2023-06-10", hostB: true);
        // Entered Tue 30 May 2023, due Thu 1 June, given 5 June: dated 2 June 2023, inside the 12 months.
        var late = await CaseAsync("NL", "2023-05-30", "2023-06-05", exit: "2023-06-10", hostB: true);
        // 35 days in the country on a 30-day visit: the foreigner's own offence (art. 517), dated 31 January 2024.
        var overstay = await CaseAsync("NL", "2024-01-01", "2024-01-01", exit: "2024-02-04", hostB: true);
        await app.ProjectionsCaughtUpAsync();

        var register = (await (await app.Client("complianceB").GetAsync($"/api/host-parties/{app.HostB}/offences")).JsonAsync()).EnumerateArray()
            .Select(o => (Case: o.GetProperty("caseId").GetString(), Article: o.GetProperty("article").GetInt32(), Party: o.GetProperty("party").GetString(),
                Date: o.GetProperty("offenceDate").GetString()))
            .ToList();
        Assert.DoesNotContain(register, o => o.Case == old);
        Assert.Equal([(late, 518, "hostParty", "2023-06-02"), (overstay, 517, "foreigner", "2024-01-31")], register.Where(o => o.Article == 518 || o.Party == "foreigner"));
        var dashboard = await (await app.Client("complianceB").GetAsync($"/api/host-parties/{app.HostB}/dashboard")).JsonAsync();
        Assert.Equal((register.Count, register.Count(o => o.Party == "hostParty")),
            ((int)dashboard.GetProperty("offencesLast12Months").GetInt64(), (int)dashboard.GetProperty("hostOffencesLast12Months").GetInt64()));
        Assert.Equal(2, register.Count);

        // Host A's dashboard counts none of host B's cases (all left) and none of its offences: A's counts are its own register's.
        var ofA = await (await app.Client().GetAsync($"/api/host-parties/{app.HostA}/dashboard")).JsonAsync();
        Assert.DoesNotContain(ofA.GetProperty("byStatus").EnumerateObject(), p => p.Name == "left");
        var registerA = (await (await app.Client().GetAsync($"/api/host-parties/{app.HostA}/offences")).JsonAsync()).EnumerateArray().ToList();
        Assert.Equal((registerA.Count, registerA.Count(o => o.GetProperty("party").GetString() == "hostParty")),
            ((int)ofA.GetProperty("offencesLast12Months").GetInt64(), (int)ofA.GetProperty("hostOffencesLast12Months").GetInt64()));
        Assert.DoesNotContain(registerA, o => o.GetProperty("caseId").GetString() is var id && (id == late || id == overstay));
    }
}
