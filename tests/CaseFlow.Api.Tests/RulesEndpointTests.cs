using System.Net;
using System.Text;

namespace CaseFlow.Api.Tests;

public class RulesEndpointTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Evaluate_OverstayingGerman_FineInTenge()
    {
        // 000 §2 (30 days a visit) and the art. 517 table: 5 overstay days = 10 MCI; MCI 2024 = 3,692.
        var response = await app.Client().PostAsync("/api/evaluate?asOf=2024-03-01",
            Json("""{"person":{"nationality":"DE"},"events":[{"type":"Entered","date":"2024-01-01"},{"type":"Notified","date":"2024-01-02"},{"type":"Exited","date":"2024-02-04"}]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var e = await response.JsonAsync();
        Assert.Equal(5, e.GetProperty("overstayDays").GetInt32());
        var fine = e.GetProperty("fines")[0];
        Assert.Equal((517, 10m, 36920m), (fine.GetProperty("article").GetInt32(), fine.GetProperty("mci").GetDecimal(), fine.GetProperty("tenge").GetDecimal()));
    }

    [Fact]
    public async Task Plan_WithExit_FirstViolation()
    {
        var response = await app.Client().PostAsync("/api/plan?entry=2024-03-01&exit=2024-04-15", Json("""{"person":{"nationality":"US"},"events":[]}"""));
        var p = await response.JsonAsync();
        Assert.Equal((30, "2024-03-30", false, "2024-03-31"),
            (p.GetProperty("maxDays").GetInt32(), p.GetProperty("lastDay").GetString(), p.GetProperty("compliant").GetBoolean(), p.GetProperty("firstViolation").GetString()));
    }

    [Fact]
    public async Task InvalidFacts_400_WithField()
    {
        var response = await app.Client().PostAsync("/api/evaluate", Json("""{"person":{"nationality":"ZZ"},"events":[]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal("urn:caseflow:invalid-facts", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("person.nationality", out _));
        var noEntry = await app.Client().PostAsync("/api/plan", Json("""{"person":{"nationality":"US"},"events":[]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, noEntry.StatusCode);
    }
}
