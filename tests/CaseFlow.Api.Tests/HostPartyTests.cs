using System.Net;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>Host parties one at a time (issue 13): read by their own users and admins, renamed or resized by admins only.</summary>
public sealed class HostPartyTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    [Fact]
    public async Task AHostParty_IsReadOneAtATime_ByItsOwnUsers_AndEditedByAnAdmin()
    {
        var own = await (await app.Client().GetAsync($"/api/host-parties/{app.HostA}")).JsonAsync();
        Assert.Equal(("Host A", "small"), (own.GetProperty("name").GetString(), own.GetProperty("size").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync($"/api/host-parties/{app.HostB}")).StatusCode); // another's: as absent
        Assert.Equal(HttpStatusCode.OK, (await app.Client("admin").GetAsync($"/api/host-parties/{app.HostB}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("admin").GetAsync($"/api/host-parties/{Guid.NewGuid()}")).StatusCode);

        var admin = app.Client("admin");
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client().PutJsonAsync($"/api/host-parties/{app.HostA}", new { name = "Mine now" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutJsonAsync($"/api/host-parties/{app.HostA}", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutJsonAsync($"/api/host-parties/{app.HostA}", new { name = "  " })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutJsonAsync($"/api/host-parties/{app.HostA}", new { size = "huge" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutJsonAsync($"/api/host-parties/{Guid.NewGuid()}", new { name = "Nobody" })).StatusCode);
        var renamed = await (await admin.PutJsonAsync($"/api/host-parties/{app.HostB}", new { name = " Host B Renamed " })).JsonAsync();
        Assert.Equal(("Host B Renamed", "large"), (renamed.GetProperty("name").GetString(), renamed.GetProperty("size").GetString())); // the size kept
        var resized = await (await admin.PutJsonAsync($"/api/host-parties/{app.HostB}", new { size = "medium" })).JsonAsync();
        Assert.Equal(("Host B Renamed", "medium"), (resized.GetProperty("name").GetString(), resized.GetProperty("size").GetString()));
        Assert.Equal("medium", (await (await app.Client("complianceB").GetAsync($"/api/host-parties/{app.HostB}")).JsonAsync()).GetProperty("size").GetString());
        await admin.PutJsonAsync($"/api/host-parties/{app.HostB}", new { name = "Host B", size = "large" });
    }
}
