using System.Text.Json;
using CaseFlow.Cli;
using NodaTime;

namespace CaseFlow.Cli.Tests;

/// <summary>The CLI contract of issue 3: JSON on stdout; bad input on stderr with exit code 2.</summary>
public sealed class RulesCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("caseflow-cli-").FullName;

    private string File(string json)
    {
        var path = Path.Combine(dir, $"{Guid.NewGuid():N}.json");
        System.IO.File.WriteAllText(path, json);
        return path;
    }

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CaseFlowCli.RunAsync(args, stdout, stderr, new FixedClock(Instant.FromUtc(2024, 5, 10, 6, 0)));
        return (code, stdout.ToString(), stderr.ToString());
    }

    private sealed class FixedClock(Instant now) : IClock
    {
        public Instant GetCurrentInstant() => now;
    }

    private const string German = """{"person":{"nationality":"DE"},"hostParty":{"size":"large"},"events":[{"type":"Entered","date":"2024-05-03"}]}""";

    [Fact]
    public async Task Evaluate_PrintsCamelCaseJson_AsOfDefaultsToTodayInAlmaty()
    {
        var (code, output, _) = await Run("evaluate", File(German));
        Assert.Equal(0, code);
        var e = JsonDocument.Parse(output).RootElement;
        Assert.Equal("2024-05-10", e.GetProperty("asOf").GetString());
        Assert.Equal("2024-06-01", e.GetProperty("permittedUntil").GetString());
        // Notification due Mon 6 May 2024 (000 §1, working Saturday 4 May): missed; large host: 20 MCI (art. 518).
        Assert.Equal(20, e.GetProperty("fines")[0].GetProperty("mci").GetInt32());
    }

    [Fact]
    public async Task Evaluate_CategoryChangedEvent_TheNewVisaReplacesTheOld_AsInTheApi()
    {
        // 000 §4.1 (CHG-B2): C3 -> B2 in the country; the B2 ends 20 Jun, before the C3's 30 Jun: the stay ends with the B2.
        var (code, output, error) = await Run("evaluate", File("""
            {"person":{"nationality":"JO"},"events":[
              {"type":"VisaIssued","date":"2024-04-20","category":"C3","entries":"multiple","validFrom":"2024-04-20","validTo":"2024-06-30"},
              {"type":"Entered","date":"2024-04-25"},
              {"type":"CategoryChanged","date":"2024-05-05","to":"B2","entries":"single","validFrom":"2024-05-05","validTo":"2024-06-20"}]}
            """), "--as-of", "2024-05-10");
        Assert.True(code == 0, error);
        Assert.Equal("2024-06-20", JsonDocument.Parse(output).RootElement.GetProperty("permittedUntil").GetString());
    }

    [Fact]
    public async Task NoCommand_PrintsUsage_Exit0()
    {
        var (code, output, _) = await Run();
        Assert.Equal(0, code);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_AsOf_IgnoresLaterFacts()
    {
        var (code, output, _) = await Run("evaluate", File(German), "--as-of", "2024-05-02");
        Assert.Equal(0, code);
        Assert.False(JsonDocument.Parse(output).RootElement.GetProperty("inCountry").GetBoolean());
    }

    [Fact]
    public async Task Evaluate_AsOfInTheDocument_UsedWhenNoOption()
    {
        var (code, output, _) = await Run("evaluate", File("""{"asOf":"2024-05-04","person":{"nationality":"DE"},"events":[{"type":"Entered","date":"2024-05-03"}]}"""));
        Assert.Equal(0, code);
        Assert.Equal("2024-05-04", JsonDocument.Parse(output).RootElement.GetProperty("asOf").GetString());
    }

    [Fact]
    public async Task Plan_PrintsMaxDaysAndCompliance()
    {
        var (code, output, _) = await Run("plan", File("""{"person":{"nationality":"IN"},"events":[]}"""), "--entry", "2024-08-01", "--exit", "2024-08-14");
        Assert.Equal(0, code);
        var p = JsonDocument.Parse(output).RootElement;
        Assert.Equal((14, "2024-08-14", true), (p.GetProperty("maxDays").GetInt32(), p.GetProperty("lastDay").GetString(), p.GetProperty("compliant").GetBoolean()));
    }

    [Theory]
    [InlineData("evaluate", "{nope", null)]
    [InlineData("evaluate", """{"person":{"nationality":"QQ"},"events":[]}""", null)]
    [InlineData("evaluate", German, "--as-of=2024-99-01")]
    [InlineData("plan", German, null)]
    public async Task BadInput_Exit2_MessageOnStderr(string command, string json, string? extra)
    {
        var args = new List<string> { command, File(json) };
        if (extra is not null) args.AddRange(extra.Split('=', 2));
        var (code, output, error) = await Run([.. args]);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.NotEqual("", error.Trim());
    }

    [Fact]
    public async Task MissingFile_Exit2() => Assert.Equal(2, (await Run("evaluate", Path.Combine(dir, "missing.json"))).Code);

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
