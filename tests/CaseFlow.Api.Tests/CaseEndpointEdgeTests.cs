using System.Net;
using System.Text.Json;
using CaseFlow.Api.Cases;

namespace CaseFlow.Api.Tests;

/// <summary>
/// The edges the mutation run of the case endpoints (<c>ops/mutate Api --mutate "**/Cases/**/*.cs"</c>) showed untested: the fields
/// an opening, a closure, a visa and an erasure take as given (or their defaults), the events read's ETag, and the order the console
/// lists the case commands in.
/// </summary>
public class CaseEndpointEdgeTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    [Theory]
    [InlineData("  ", "P1234567", "person.familyName")]
    [InlineData("Blank", " ", "person.passportNumber")]
    public async Task Opening_WithABlankNameOrPassport_Is400NamingThatField_AndOpensNothing(string familyName, string passport, string field)
    {
        var open = await app.Client().PostJsonAsync("/api/cases", new
        {
            person = new { familyName, givenNames = "G", nationality = "DE", birthDate = "1980-01-01", passportNumber = passport },
            hostPartyId = app.HostA,
        });
        Assert.Equal(HttpStatusCode.BadRequest, open.StatusCode);
        var reasons = (await open.JsonAsync()).GetProperty("errors").GetProperty(field);
        Assert.False(string.IsNullOrWhiteSpace(reasons[0].GetString()));
        Assert.Null(open.Headers.Location);
    }

    [Fact]
    public async Task Closure_RecordsTheReasonGiven_OrClosedWhenNoneIs()
    {
        var client = app.Client();
        foreach (var (reason, recorded) in new[] { ("contract ended", "contract ended"), (null, "closed") })
        {
            var c = await OpenAsync();
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/entries", new { date = "2024-05-02", borderPoint = "ALA" }, "\"1\"")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/exits", new { date = "2024-05-10" }, "\"2\"")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/closure", new { date = "2024-05-11", reason }, "\"3\"")).StatusCode);
            var closed = (await EventsAsync(c)).Single(e => e.GetProperty("type").GetString()!.StartsWith("CaseClosed", StringComparison.Ordinal));
            Assert.Equal(recorded, closed.GetProperty("data").GetProperty("reason").GetString());
        }
    }

    [Fact]
    public async Task AVisa_RecordsTheInvitingHostPartyGiven_ElseTheCasesOwn()
    {
        var client = app.Client();
        foreach (var (inviting, recorded) in new[] { ((Guid?)app.HostB, app.HostB), (null, app.HostA) })
        {
            var c = await OpenAsync();
            Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/visas", new
            {
                date = "2024-04-20", category = "c3", entries = "multiple", validFrom = "2024-04-20", validTo = "2024-07-31", invitingHostPartyId = inviting,
            }, "\"1\"")).StatusCode);
            var visa = (await EventsAsync(c)).Single(e => e.GetProperty("type").GetString()!.StartsWith("VisaIssued", StringComparison.Ordinal)).GetProperty("data");
            Assert.Equal((recorded.ToString(), "C3"), (visa.GetProperty("invitingHostParty").GetString(), visa.GetProperty("category").GetString()));
        }
    }

    [Theory]
    [InlineData("visas", 2147483647)]
    [InlineData("visas", 73415)]
    [InlineData("visas", 0)]
    [InlineData("category-changes", 2147483647)]
    [InlineData("category-changes", -5)]
    public async Task AStayPerEntryBeyondTheDatesCaseFlowJudges_Is400NamingIt_AndTheCaseStillReads(string command, int stay)
    {
        // int.MaxValue days once passed, and every later evaluation of the case overflowed: its reads answered 500.
        var client = app.Client();
        var c = await OpenAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"{c}/entries", new { date = "2024-04-20", borderPoint = "ALA" }, "\"1\"")).StatusCode);
        object body = command == "visas"
            ? new { date = "2024-04-20", category = "C3", entries = "multiple", validFrom = "2024-04-20", validTo = "2024-07-31", stayPerEntryDays = stay }
            : new { date = "2024-04-22", to = "C9", entries = "multiple", validFrom = "2024-04-22", validTo = "2024-07-31", stayPerEntryDays = stay };
        var refused = await client.PostJsonAsync($"{c}/{command}", body, "\"2\"");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("a whole number of days from 1 to 73414", (await refused.JsonAsync()).GetProperty("errors").GetProperty("stayPerEntryDays")[0].GetString());
        var read = await client.GetAsync(c);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"2\"", read.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task TheEventsRead_CarriesTheCasesETag()
    {
        var c = await OpenAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.Client().PostJsonAsync($"{c}/entries", new { date = "2024-05-02", borderPoint = "ALA" }, "\"1\"")).StatusCode);
        var events = await app.Client("auditor").GetAsync($"{c}/events");
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        Assert.Equal("\"2\"", events.Headers.ETag!.Tag);
        Assert.Equal(2, (await events.JsonAsync()).GetArrayLength());
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("asked\u0001by the person")]
    public async Task AnErasureReason_BlankOrWithAControlCharacter_Is400NamingReason_AndErasesNothing(string reason)
    {
        var c = await OpenAsync();
        var refused = await app.Client("admin").PostJsonAsync($"{c}/erasure", new { reason });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await refused.JsonAsync()).GetProperty("errors").GetProperty("reason")[0].GetString()));
        Assert.Equal("Edge", (await (await app.Client().GetAsync(c)).JsonAsync()).GetProperty("person").GetProperty("familyName").GetString());
    }

    [Fact]
    public async Task TheConsole_ListsTheCaseCommandsByName()
    {
        Assert.Equal(HttpStatusCode.OK, (await app.Client().GetAsync("/api/cases?limit=1")).StatusCode); // the host is up, its commands mapped
        var names = CaseCommandCatalog.All.Select(k => k.Name).ToList();
        Assert.True(names.Count >= 10, $"only {names.Count} case commands registered");
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    private async Task<List<JsonElement>> EventsAsync(string c) =>
        [.. (await (await app.Client().GetAsync($"{c}/events")).JsonAsync()).EnumerateArray()];

    private async Task<string> OpenAsync()
    {
        var open = await app.Client().PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Edge", givenNames = "E", nationality = "DE", birthDate = "1980-01-01", passportNumber = $"E{Guid.NewGuid():N}"[..9].ToUpperInvariant() },
            hostPartyId = app.HostA,
        });
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        return open.Headers.Location!.ToString();
    }
}
