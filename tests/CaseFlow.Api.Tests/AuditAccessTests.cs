using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>
/// Who may read the access log (who read whose personal data) and the seals, and the bounds of both lists: an auditor of their own
/// host party's cases and users only, an admin of any, bad limits refused with the field named.
/// </summary>
public sealed class AuditAccessTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private async Task<Guid> UserIdAsync(string name)
    {
        await using var query = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT id FROM users WHERE name = $1");
        query.Parameters.Add(new NpgsqlParameter { Value = name });
        return (Guid)(await query.ExecuteScalarAsync())!;
    }

    private static async Task<int> CountAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetArrayLength();
    }

    private static async Task RefusedAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}");
    }

    /// <summary>Waits (at most 10 s) until the access log holds an entry of <paramref name="user"/> (entries are written by group commit).</summary>
    private async Task WaitForEntryAsync(Guid user)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await app.ScalarAsync<long>("SELECT count(*) FROM access_log WHERE user_id = $1", user.ToString()) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no access-log entry");
            await Task.Delay(25);
        }
    }

    private async Task<Guid> OpenAsync()
    {
        var open = await app.Client().PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Logged", givenNames = "Lena", nationality = "DE", birthDate = "1990-01-01", passportNumber = $"L{Guid.NewGuid():N}"[..9].ToUpperInvariant() },
            hostPartyId = app.HostA,
        });
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        return Guid.Parse(open.Headers.Location!.ToString().Split('/')[^1]);
    }

    [Fact]
    public async Task TheAccessLog_ReadByAnAuditorForTheirOwnCasesAndUsersOnly_ByAnAdminForAny()
    {
        var officer = app.Client();
        var id = await OpenAsync();
        for (var read = 0; read < 2; read++) Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync($"/api/cases/{id}")).StatusCode);
        var (officerA, officerB, admin) = (await UserIdAsync("Officer A"), await UserIdAsync("Officer B"), await UserIdAsync("Admin"));

        var auditor = app.Client("auditor");
        Assert.True(await CountAsync(await auditor.GetAsync($"/api/audit/access?caseId={id}")) >= 2);
        Assert.True(await CountAsync(await auditor.GetAsync($"/api/audit/access?userId={officerA}")) >= 2);
        // Only the entries asked for: those naming the case, those of the officer (another host's officer reads a case of theirs first,
        // so the log holds entries neither names the case nor is the officer's).
        var caseB = await app.Client("complianceB").PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Other", givenNames = "Log", nationality = "DE", birthDate = "1990-01-01", passportNumber = $"O{Guid.NewGuid():N}"[..9].ToUpperInvariant() },
            hostPartyId = app.HostB,
        });
        Assert.Equal(HttpStatusCode.OK, (await app.Client("complianceB").GetAsync(caseB.Headers.Location)).StatusCode);
        await WaitForEntryAsync(officerB);
        foreach (var entry in (await (await auditor.GetAsync($"/api/audit/access?caseId={id}&limit=1000")).JsonAsync()).EnumerateArray())
            Assert.Contains(id.ToString(), entry.GetProperty("caseIds").EnumerateArray().Select(c => c.GetString()));
        foreach (var entry in (await (await auditor.GetAsync($"/api/audit/access?userId={officerA}&limit=1000")).JsonAsync()).EnumerateArray())
            Assert.Equal(officerA.ToString(), entry.GetProperty("userId").GetString());
        Assert.True(await CountAsync(await app.Client("admin").GetAsync($"/api/audit/access?caseId={id}")) >= 2);
        Assert.True(await CountAsync(await app.Client("admin").GetAsync($"/api/audit/access?userId={officerA}")) >= 2);
        // Another host party's auditor learns nothing of this case or this officer; no auditor reads the log of a user with no host
        // party of theirs (another host's officer, an admin, a user who does not exist) or not only theirs.
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("auditorB").GetAsync($"/api/audit/access?caseId={id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("auditorB").GetAsync($"/api/audit/access?userId={officerA}")).StatusCode);
        // An officer of both host parties is refused too: their entries would tell host party A's auditor whose data at B they read.
        var both = (await app.Services.GetRequiredService<CaseFlow.Core.Users.UserStore>().AddAsync($"Officer AB {Guid.NewGuid():N}", CaseFlow.Core.Users.Role.Compliance, [app.HostA, app.HostB])).User.Id;
        foreach (var user in new[] { officerB, admin, both, Guid.NewGuid() })
            Assert.Equal(HttpStatusCode.NotFound, (await auditor.GetAsync($"/api/audit/access?userId={user}")).StatusCode);

        // The limit: 1 to 1000, 100 when not given; one of the case's entries when asked for one.
        Assert.Equal(1, await CountAsync(await auditor.GetAsync($"/api/audit/access?caseId={id}&limit=1")));
        Assert.True(await CountAsync(await auditor.GetAsync($"/api/audit/access?caseId={id}&limit=1000")) >= 2);
        await RefusedAsync(await auditor.GetAsync($"/api/audit/access?caseId={id}&limit=0"), "limit");
        await RefusedAsync(await auditor.GetAsync($"/api/audit/access?caseId={id}&limit=1001"), "limit");
        await RefusedAsync(await auditor.GetAsync("/api/audit/access"), "caseId");
    }

    [Fact]
    public async Task TheSeals_AreListedNewestFirst_WithinTheirLimit()
    {
        var ops = app.Client("ops");
        for (var seal = 0; seal < 2; seal++)
        {
            await OpenAsync(); // a seal covers what was recorded since the last one
            Assert.Equal(HttpStatusCode.OK, (await ops.PostAsync("/api/audit/seals", null)).StatusCode);
        }
        var auditor = app.Client("auditor");
        Assert.Equal(1, await CountAsync(await auditor.GetAsync("/api/audit/seals?limit=1")));
        Assert.True(await CountAsync(await auditor.GetAsync("/api/audit/seals?limit=1000")) >= 2);
        Assert.True(await CountAsync(await auditor.GetAsync("/api/audit/seals")) >= 2);
        var ids = (await (await auditor.GetAsync("/api/audit/seals")).JsonAsync()).EnumerateArray().Select(x => x.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ids.OrderDescending(), ids); // the newest seal first: the one an auditor checks today
        await RefusedAsync(await auditor.GetAsync("/api/audit/seals?limit=0"), "limit");
        await RefusedAsync(await auditor.GetAsync("/api/audit/seals?limit=1001"), "limit");
    }
}
