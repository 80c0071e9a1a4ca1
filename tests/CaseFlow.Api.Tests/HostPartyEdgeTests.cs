using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>
/// The host-party endpoints where a slip would pass unnoticed: what a new host party must be (a BIN of twelve ASCII digits, a name),
/// what its creation answers and records, who sees which host party, its dashboard and its offence register.
/// </summary>
public sealed class HostPartyEdgeTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private static string NewBin() => Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("12345678901")] // eleven digits
    [InlineData("12345678901a")] // twelve characters, one not a digit
    [InlineData("1234 5678901")]
    [InlineData("١٢٣٤٥٦٧٨٩٠١٢")] // twelve Arabic-Indic digits: digits, but not the BIN's ASCII ones
    public async Task ABinThatIsNotTwelveAsciiDigits_IsRefused_NamingTheBin(string bin)
    {
        var refused = await app.Client("admin").PostJsonAsync("/api/host-parties", new { name = "Bad BIN", bin, size = "small" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await refused.JsonAsync()).GetProperty("errors");
        Assert.Equal("a BIN is 12 digits", Assert.Single(errors.GetProperty("bin").EnumerateArray()).GetString());
        Assert.DoesNotContain((await (await app.Client("admin").GetAsync("/api/host-parties")).JsonAsync()).EnumerateArray(), p => p.GetProperty("name").GetString() == "Bad BIN");
    }

    [Fact]
    public async Task ABlankName_IsRefused_NamingTheName()
    {
        var refused = await app.Client("admin").PostJsonAsync("/api/host-parties", new { name = "   ", bin = NewBin(), size = "small" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("required", (await refused.JsonAsync()).GetProperty("errors").GetProperty("name")[0].GetString());
    }

    [Fact]
    public async Task ACreatedHostParty_IsAnsweredWhereItLives_Trimmed_AndRecordsTheAdminWhoCreatedIt()
    {
        var bin = NewBin();
        var created = await app.Client("admin").PostJsonAsync("/api/host-parties", new { name = "  Steppe Logistics  ", bin, size = "large" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/host-parties/{id}", created.Headers.Location!.ToString());
        Assert.Equal(("Steppe Logistics", bin, "large"), (body.GetProperty("name").GetString(), body.GetProperty("bin").GetString(), body.GetProperty("size").GetString()));
        var read = await (await app.Client("admin").GetAsync($"/api/host-parties/{id}")).JsonAsync();
        Assert.Equal(("Steppe Logistics", bin, "large"), (read.GetProperty("name").GetString(), read.GetProperty("bin").GetString(), read.GetProperty("size").GetString()));

        var db = app.Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = db.CreateCommand("SELECT h.created_by = 'user:' || u.id FROM host_parties h, users u WHERE h.id = $1 AND u.name = 'Admin'");
        command.Parameters.Add(new() { Value = id });
        Assert.True((bool)(await command.ExecuteScalarAsync())!, "created_by is the admin's actor");

        var again = await app.Client("admin").PostJsonAsync("/api/host-parties", new { name = "Copy", bin, size = "small" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var problem = await again.JsonAsync();
        Assert.Equal(("urn:caseflow:host-party.duplicate-bin", "BIN already registered"), (problem.GetProperty("type").GetString(), problem.GetProperty("title").GetString()));
        Assert.Contains(bin, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheList_AnAdminSeesEvery_AnAuditorItsOwnOnly()
    {
        var all = (await (await app.Client("admin").GetAsync("/api/host-parties")).JsonAsync()).EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(app.HostA, all);
        Assert.Contains(app.HostB, all);
        var auditors = (await (await app.Client("auditorB").GetAsync("/api/host-parties")).JsonAsync()).EnumerateArray().Select(p => p.GetProperty("id").GetGuid());
        Assert.Equal([app.HostB], auditors);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client("ops").GetAsync("/api/host-parties")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client("auditor").GetAsync($"/api/host-parties/{app.HostA}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("auditor").GetAsync($"/api/host-parties/{app.HostB}")).StatusCode);
    }

    [Theory]
    [InlineData("dashboard")]
    [InlineData("offences")]
    public async Task ADashboardOrOffenceRegister_IsItsOwnUsers_AnotherHostsIsAbsent(string what)
    {
        Assert.Equal(HttpStatusCode.OK, (await app.Client("compliance").GetAsync($"/api/host-parties/{app.HostA}/{what}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client("auditorB").GetAsync($"/api/host-parties/{app.HostB}/{what}")).StatusCode);
        var other = await app.Client("compliance").GetAsync($"/api/host-parties/{app.HostB}/{what}");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal("urn:caseflow:not-found", await other.TypeAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("auditor").GetAsync($"/api/host-parties/{app.HostB}/{what}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client("admin").GetAsync($"/api/host-parties/{app.HostA}/{what}")).StatusCode); // no personal data for admin
    }

    [Theory]
    [InlineData("admin", "")]
    [InlineData("auditor", "")]
    [InlineData("auditor", "/sizes")]
    [InlineData("compliance", "/dashboard")]
    [InlineData("compliance", "/offences")]
    public async Task AHostPartyOneMayNotSeeOrThatDoesNotExist_Is404_NamingIt(string user, string what)
    {
        var id = user == "admin" ? Guid.NewGuid() : app.HostB;
        var missing = await app.Client(user).GetAsync($"/api/host-parties/{id}{what}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal($"host party {id} does not exist", (await missing.JsonAsync()).GetProperty("detail").GetString());
        if (user == "admin")
        {
            var sizes = await app.Client(user).GetAsync($"/api/host-parties/{id}/sizes");
            Assert.Equal($"host party {id} does not exist", (await sizes.JsonAsync()).GetProperty("detail").GetString());
            var update = await app.Client(user).PutJsonAsync($"/api/host-parties/{id}", new { size = "large" });
            Assert.Equal($"host party {id} does not exist", (await update.JsonAsync()).GetProperty("detail").GetString());
        }
    }

    [Theory]
    [InlineData("{}", "give a name, a size or both")]
    [InlineData("""{"name":"   "}""", "must not be blank")]
    [InlineData("""{"name":"   ","size":"small"}""", "must not be blank")]
    [InlineData("""{"name":"Host\u0007A"}""", "contains a control character (U+0007 at position 5)")]
    public async Task AChangeThatSaysNothing_OrABadName_IsRefused_WithTheReason_AndChangesNothing(string body, string reason)
    {
        var before = await (await app.Client("admin").GetAsync($"/api/host-parties/{app.HostA}")).Content.ReadAsStringAsync();
        var refused = await app.Client("admin").PutAsync($"/api/host-parties/{app.HostA}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(reason, Assert.Single((await refused.JsonAsync()).GetProperty("errors").GetProperty("name").EnumerateArray()).GetString());
        Assert.Equal(before, await (await app.Client("admin").GetAsync($"/api/host-parties/{app.HostA}")).Content.ReadAsStringAsync());
    }
}
