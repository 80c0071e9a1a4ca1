using System.Net;
using System.Text.Json;

namespace CaseFlow.Api.Tests;

/// <summary>The first lifecycle slice over HTTP on real PostgreSQL.</summary>
public class CaseLifecycleTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private object German(string nationality = "DE") => new
    {
        person = new { familyName = "Müller", givenNames = "Anna", nationality, birthDate = "1988-03-14", passportNumber = "c01" + Guid.NewGuid().ToString("N")[..8] },
        hostPartyId = app.HostA,
    };

    private async Task<(string Location, string ETag)> OpenAsync(HttpClient client)
    {
        var response = await client.PostJsonAsync("/api/cases", German());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (response.Headers.Location!.ToString(), response.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task GermanVisitor_EntersFriday3May_NotifiedLate_StatusAndEvaluationShowIt()
    {
        var client = app.Client();
        var (location, etag) = await OpenAsync(client);
        Assert.Equal("\"1\"", etag);

        var entered = await client.PostJsonAsync($"{location}/entries", new { date = "2024-05-03", borderPoint = "NQZ airport" }, etag);
        Assert.Equal(HttpStatusCode.OK, entered.StatusCode);
        Assert.Equal("\"2\"", entered.Headers.ETag!.Tag);
        var notified = await client.PostJsonAsync($"{location}/notifications", new { date = "2024-05-08", channel = "eQonaq", reference = "EQ-1" }, "\"2\"");
        Assert.Equal(HttpStatusCode.OK, notified.StatusCode);

        var view = await (await client.GetAsync(location)).JsonAsync();
        Assert.True(view.GetProperty("inCountry").GetBoolean());
        Assert.Equal("2024-05-03", view.GetProperty("lastEntry").GetString());
        Assert.Equal("notified", view.GetProperty("notificationStatus").GetString());
        var evaluation = view.GetProperty("evaluation");
        Assert.Equal("2024-06-01", evaluation.GetProperty("asOf").GetString());
        // 000 §1: due Mon 6 May (4 May 2024 was a working Saturday); notified on 8 May: missed, art. 518 exposure.
        var notification = evaluation.GetProperty("deadlines").EnumerateArray().Single(d => d.GetProperty("kind").GetString() == "arrivalNotification");
        Assert.Equal(("2024-05-06", "missed"), (notification.GetProperty("due").GetString(), notification.GetProperty("status").GetString()));
        Assert.Equal("2024-06-01", evaluation.GetProperty("permittedUntil").GetString());

        var events = await (await client.GetAsync($"{location}/events")).JsonAsync();
        Assert.Equal(3, events.GetArrayLength());
        Assert.Equal("Notified.v1", events[2].GetProperty("type").GetString());
        Assert.StartsWith("user:", events[2].GetProperty("metadata").GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.Equal(64, events[2].GetProperty("hash").GetString()!.Length);
    }

    [Fact]
    public async Task Change_WithoutIfMatch_428_WithStaleVersion_412_NothingAppended()
    {
        var client = app.Client();
        var (location, _) = await OpenAsync(client);
        var missing = await client.PostJsonAsync($"{location}/entries", new { date = "2024-05-03", borderPoint = "ALA" });
        Assert.Equal(HttpStatusCode.PreconditionRequired, missing.StatusCode);
        Assert.Equal("urn:caseflow:precondition-required", (await missing.JsonAsync()).GetProperty("type").GetString());
        var stale = await client.PostJsonAsync($"{location}/entries", new { date = "2024-05-03", borderPoint = "ALA" }, "\"7\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("urn:caseflow:precondition-failed", (await stale.JsonAsync()).GetProperty("type").GetString());
        Assert.Equal(1, (await (await client.GetAsync($"{location}/events")).JsonAsync()).GetArrayLength());
    }

    [Theory]
    [InlineData("exits", """{"date":"2024-05-01"}""", "stay.exit-before-entry")]
    [InlineData("entries", """{"date":"2024-05-10","borderPoint":"ALA"}""", "stay.entry-while-in-country")]
    [InlineData("notifications", """{"date":"2024-05-01","channel":"vmpGovKz"}""", "notification.before-entry")]
    public async Task RuleViolation_409_NamesTheRule_AppendsNothing(string path, string body, string code)
    {
        var client = app.Client();
        var (location, _) = await OpenAsync(client);
        await client.PostJsonAsync($"{location}/entries", new { date = "2024-05-03", borderPoint = "ALA" }, "\"1\"");
        var response = await client.PostJsonAsync($"{location}/{path}", JsonDocument.Parse(body).RootElement, "\"2\"");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal($"urn:caseflow:{code}", problem.GetProperty("type").GetString());
        Assert.Equal("date", problem.GetProperty("field").GetString());
        Assert.Equal(2, (await (await client.GetAsync($"{location}/events")).JsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task BadInput_400_NamesTheField()
    {
        var client = app.Client();
        var unknown = await client.PostJsonAsync("/api/cases", German("XX"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var problem = await unknown.JsonAsync();
        Assert.Equal("urn:caseflow:person.unknown-nationality", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("person.nationality", out _));

        var missing = await client.PostJsonAsync("/api/cases", new { person = new { familyName = "X", givenNames = "Y", nationality = "DE", birthDate = "1990-01-01" }, hostPartyId = app.HostA });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await missing.JsonAsync()).GetProperty("errors").TryGetProperty("person.passportNumber", out _));

        var (location, _) = await OpenAsync(client);
        var badDate = await client.PostJsonAsync($"{location}/entries", new { date = "2024-13-01", borderPoint = "ALA" }, "\"1\"");
        Assert.Equal(HttpStatusCode.BadRequest, badDate.StatusCode);
        Assert.Equal("urn:caseflow:validation", (await badDate.JsonAsync()).GetProperty("type").GetString());
        Assert.True((await badDate.JsonAsync()).GetProperty("errors").TryGetProperty("date", out _));

        var future = await client.PostJsonAsync($"{location}/entries", new { date = "2024-06-02", borderPoint = "ALA" }, "\"1\"");
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        Assert.Equal("urn:caseflow:date.in-future", (await future.JsonAsync()).GetProperty("type").GetString());
        Assert.Equal(1, (await (await client.GetAsync($"{location}/events")).JsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task List_FiltersByHostParty_PagesByCursor_NoPassportNumbers()
    {
        var client2 = app.Client("complianceB");
        var host = app.HostB;
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await client2.PostJsonAsync("/api/cases", new
            {
                person = new { familyName = $"Case{i}", givenNames = "A", nationality = "FR", birthDate = "1990-01-01", passportNumber = $"P{i}SECRET" },
                hostPartyId = host,
            })).StatusCode);
        var first = await client2.GetAsync($"/api/cases?hostParty={host}&limit=2");
        var text = await first.Content.ReadAsStringAsync();
        Assert.DoesNotContain("SECRET", text, StringComparison.Ordinal);
        var page = JsonDocument.Parse(text).RootElement;
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        var next = page.GetProperty("next").GetString();
        var second = await (await client2.GetAsync($"/api/cases?hostParty={host}&limit=2&after={next}")).JsonAsync();
        Assert.Equal("Case2", Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("familyName").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);

        // A page that holds exactly what is left has no next cursor; the smallest page (1) has one.
        var whole = await (await client2.GetAsync($"/api/cases?hostParty={host}&limit=3")).JsonAsync();
        Assert.Equal((3, JsonValueKind.Null), (whole.GetProperty("items").GetArrayLength(), whole.GetProperty("next").ValueKind));
        var one = await (await client2.GetAsync($"/api/cases?hostParty={host}&limit=1")).JsonAsync();
        Assert.Equal((1, JsonValueKind.String), (one.GetProperty("items").GetArrayLength(), one.GetProperty("next").ValueKind));
        // Every status the list names is a filter (the three cases are opened, none has arrived); nationality in either case.
        async Task<int> Count(string filter) =>
            (await (await client2.GetAsync($"/api/cases?hostParty={host}&limit=500&{filter}")).JsonAsync()).GetProperty("items").GetArrayLength();
        Assert.Equal(3, await Count("status=notArrived"));
        foreach (var status in new[] { "inCountry", "overstaying", "left", "closed" }) Assert.Equal(0, await Count($"status={status}"));
        Assert.Equal((3, 3, 0), (await Count("nationality=FR"), await Count("nationality=fr"), await Count("nationality=DE")));
    }

    [Theory]
    [InlineData("q=a%01b", "q")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("status=sleeping", "status")]
    [InlineData("nationality=DEU", "nationality")]
    [InlineData("nationality=D1", "nationality")]
    [InlineData("nationality=1", "nationality")]
    [InlineData("deadlineBefore=2024-13-01", "deadlineBefore")]
    [InlineData("deadlineBefore=1800-01-01", "deadlineBefore")]
    [InlineData("after=not-a-cursor", "after")]
    public async Task List_AParameterOutOfItsRange_Is400_NamingItAndWhy(string query, string parameter)
    {
        var response = await app.Client().GetAsync($"/api/cases?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var reasons = (await response.JsonAsync()).GetProperty("errors").GetProperty(parameter);
        Assert.False(string.IsNullOrWhiteSpace(reasons[0].GetString()));
    }

    [Fact]
    public async Task UnknownCase_404()
    {
        var response = await app.Client().GetAsync($"/api/cases/{Guid.CreateVersion7()}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("urn:caseflow:not-found", (await response.JsonAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Health_Ready_AndOpenApiDocument()
    {
        var client = app.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var doc = await (await client.GetAsync("/openapi/v1.json")).JsonAsync();
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/cases/{id}/entries", out _));
    }
}
