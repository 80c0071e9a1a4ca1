using System.Net;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>
/// The ops endpoints where a slip would pass unnoticed: what a projection control answers (the projection as it now stands, or a 404
/// that says what was not found), the outbox list's state filter, and the jobs list.
/// </summary>
public sealed class OpsEdgeTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    [Fact]
    public async Task PauseAndResume_AnswerTheProjectionAsItNowStands()
    {
        var ops = app.Client("ops");
        var paused = await ops.PostAsync("/api/ops/projections/offences/pause", null);
        Assert.Equal(HttpStatusCode.Accepted, paused.StatusCode);
        Assert.Equal("/api/ops/projections", paused.Headers.Location!.ToString());
        var body = await paused.JsonAsync();
        Assert.Equal(("offences", "paused"), (body.GetProperty("name").GetString(), body.GetProperty("state").GetString()));
        var listed = (await (await ops.GetAsync("/api/ops/projections")).JsonAsync()).EnumerateArray().Single(p => p.GetProperty("name").GetString() == "offences");
        Assert.Equal("paused", listed.GetProperty("state").GetString());

        var resumed = await (await app.Client("admin").PostAsync("/api/ops/projections/offences/resume", null)).JsonAsync();
        Assert.Equal(("offences", "running"), (resumed.GetProperty("name").GetString(), resumed.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task AnUnknownActionOrProjection_Is404_SayingWhich_AndChangesNothing()
    {
        var ops = app.Client("ops");
        var action = await ops.PostAsync("/api/ops/projections/timeline/delete", null);
        Assert.Equal(HttpStatusCode.NotFound, action.StatusCode);
        var detail = (await action.JsonAsync()).GetProperty("detail").GetString()!;
        Assert.Contains("action 'delete'", detail, StringComparison.Ordinal);
        Assert.Contains("rebuild, cancel-rebuild, pause, resume", detail, StringComparison.Ordinal);

        var projection = await ops.PostAsync("/api/ops/projections/nope/pause", null);
        Assert.Equal(HttpStatusCode.NotFound, projection.StatusCode);
        Assert.Contains("projection 'nope'", (await projection.JsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.All((await (await ops.GetAsync("/api/ops/projections")).JsonAsync()).EnumerateArray(), p => Assert.Equal("running", p.GetProperty("state").GetString()));
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("failed")]
    [InlineData("dead")]
    [InlineData("delivered")]
    [InlineData(null)]
    public async Task TheDeliveriesList_TakesEachState(string? state)
    {
        var listed = await app.Client("ops").GetAsync(state is null ? "/api/ops/deliveries" : $"/api/ops/deliveries?state={state}");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, (await listed.JsonAsync()).ValueKind);
    }

    [Theory]
    [InlineData("Pending")]
    [InlineData("sent")]
    [InlineData("dead,failed")]
    public async Task TheDeliveriesList_RefusesAnyOtherState_NamingIt(string state)
    {
        var refused = await app.Client("ops").GetAsync($"/api/ops/deliveries?state={state}");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("pending, failed, dead or delivered", (await refused.JsonAsync()).GetProperty("errors").GetProperty("state")[0].GetString());
    }

    [Fact]
    public async Task TheJobsList_NamesEveryJob_WithNoSchedulerOnThisNode()
    {
        var jobs = (await (await app.Client("ops").GetAsync("/api/ops/jobs")).JsonAsync()).EnumerateArray().ToList();
        Assert.Equal(CaseFlow.Api.Jobs.CaseFlowJobs.Names.Order(), jobs.Select(j => j.GetProperty("name").GetString()!).Order());
        Assert.All(jobs, j => Assert.Equal(System.Text.Json.JsonValueKind.Null, j.GetProperty("nextFire").ValueKind)); // this test host runs no scheduler
    }
}
