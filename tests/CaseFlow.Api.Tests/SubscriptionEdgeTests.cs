using System.Net;
using System.Text.Json;

namespace CaseFlow.Api.Tests;

/// <summary>
/// The edges the mutation run of the subscription endpoints (<c>ops/mutate Api --mutate "**/Subscriptions/**/*.cs"</c>) showed
/// untested: which subscription has a secret and when the answer shows it, the secret's length bounds, the fields a refusal names,
/// and the deliveries list's filter and tenancy.
/// </summary>
public class SubscriptionEdgeTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private string Path => $"/api/host-parties/{app.HostA}/subscriptions";

    [Fact]
    public async Task AWebhookHasASecret_ShownOnlyWhenCaseFlowMadeIt_AnEmailHasNone()
    {
        var given = await (await app.Client().PostJsonAsync(Path, new { channel = "webhook", target = "http://127.0.0.1:9/given", mode = "each", secret = new string('g', 16) })).JsonAsync();
        Assert.True(given.GetProperty("hasSecret").GetBoolean());
        Assert.True(given.GetProperty("secret").ValueKind is JsonValueKind.Null, "a secret the caller gave is never sent back");

        var made = await (await app.Client().PostJsonAsync(Path, new { channel = "webhook", target = "http://127.0.0.1:9/made", mode = "each" })).JsonAsync();
        Assert.True(made.GetProperty("hasSecret").GetBoolean());
        Assert.Matches("^[0-9a-f]{64}$", made.GetProperty("secret").GetString());

        var email = await (await app.Client().PostJsonAsync(Path, new { channel = "email", target = "edge@a.kz", mode = "each" })).JsonAsync();
        Assert.False(email.GetProperty("hasSecret").GetBoolean());
        Assert.True(email.GetProperty("secret").ValueKind is JsonValueKind.Null);
        var read = await (await app.Client().GetAsync($"{Path}/{email.GetProperty("id").GetString()}")).JsonAsync();
        Assert.False(read.GetProperty("hasSecret").GetBoolean());
    }

    [Theory]
    [InlineData(16, true)]
    [InlineData(200, true)]
    [InlineData(15, false)]
    [InlineData(201, false)]
    public async Task AGivenSecret_From16To200Characters(int length, bool accepted)
    {
        var answer = await app.Client().PostJsonAsync(Path, new { channel = "webhook", target = $"http://127.0.0.1:9/len{length}", mode = "each", secret = new string('s', length) });
        Assert.Equal(accepted ? HttpStatusCode.Created : HttpStatusCode.BadRequest, answer.StatusCode);
        if (!accepted) Assert.True((await answer.JsonAsync()).GetProperty("errors").TryGetProperty("secret", out _));
    }

    [Theory]
    [InlineData("sms", "each", "edge@a.kz", "channel")]
    [InlineData("email", "weekly", "edge@a.kz", "mode")]
    [InlineData("email", "each", "not an address", "target")]
    public async Task ASubscriptionRefused_NamesTheFieldAndWhy(string channel, string mode, string target, string field)
    {
        var answer = await app.Client().PostJsonAsync(Path, new { channel, mode, target });
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await answer.JsonAsync()).GetProperty("errors").GetProperty(field)[0].GetString()));
    }

    [Fact]
    public async Task TheDeliveriesList_TakesEachStateItNames_RefusesOthers_AndIsTheHostsOnly()
    {
        var id = (await (await app.Client().PostJsonAsync(Path, new { channel = "email", target = "deliveries@a.kz", mode = "each" })).JsonAsync()).GetProperty("id").GetString();
        foreach (var state in new[] { "pending", "failed", "dead", "delivered", "cancelled" })
            Assert.Equal(HttpStatusCode.OK, (await app.Client("auditor").GetAsync($"{Path}/{id}/deliveries?state={state}")).StatusCode);
        var refused = await app.Client().GetAsync($"{Path}/{id}/deliveries?state=lost");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.JsonAsync()).GetProperty("errors").TryGetProperty("state", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("complianceB").GetAsync($"{Path}/{id}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client().GetAsync($"{Path}/{Guid.NewGuid()}/deliveries")).StatusCode);
    }
}
