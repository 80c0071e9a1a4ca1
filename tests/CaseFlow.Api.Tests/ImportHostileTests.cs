using System.Net;
using System.Text;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>CSV files a careless export or an attacker would send to <c>POST /api/imports</c>: never a 5xx; a refused file creates nothing.</summary>
public sealed class ImportHostileTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private const string Header = "familyName,givenNames,nationality,birthDate,passportNumber\n";

    public static TheoryData<string, string> Files => new()
    {
        { "empty", "" },
        { "header only", Header },
        { "no header", "Doe,John,DE,1980-01-01,P1\n" },
        { "unbalanced quote", Header + "\"Doe,John,DE,1980-01-01,P1\n" },
        { "quote inside a field", Header + "Do\"e,John,DE,1980-01-01,P1\n" },
        { "NUL in a cell", Header + "Do\0e,John,DE,1980-01-01,P2\n" },
        { "a lone surrogate", Header + "Do\ud800e,John,DE,1980-01-01,P3\n" },
        { "too many cells", Header + "Doe,John,DE,1980-01-01,P4,extra,more\n" },
        { "too few cells", Header + "Doe,John\n" },
        { "impossible date", Header + "Doe,John,DE,2024-02-30,P5\n" },
        { "far dates", Header + "Doe,John,DE,0001-01-01,P6\nDoe,Jane,DE,9999-12-31,P7\n" },
        { "a 100,000-character cell", Header + new string('a', 100_000) + ",John,DE,1980-01-01,P8\n" },
        { "CR line ends", Header.Replace("\n", "\r", StringComparison.Ordinal) + "Doe,John,DE,1980-01-01,P9\r" },
        { "a byte-order mark", "\ufeff" + Header + "Doe,John,DE,1980-01-01,P10\n" },
        { "duplicate header", "familyName,familyName,givenNames,nationality,birthDate,passportNumber\nA,B,C,DE,1980-01-01,P11\n" },
        { "unknown column", "familyName,givenNames,nationality,birthDate,passportNumber,drop table\nDoe,John,DE,1980-01-01,P12,x\n" },
        { "formula", Header + "=cmd|' /C calc'!A0,John,DE,1980-01-01,P13\n" },
        { "blank lines", Header + "\n\n\nDoe,John,DE,1980-01-01,P14\n\n" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task AHostileFile_NeverAServerError_AndEveryRowIsCreatedOrReported(string what, string csv)
    {
        var response = await app.Client().PostAsync($"/api/imports?hostParty={app.HostA}", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{what}: {(int)response.StatusCode} {body[..Math.Min(300, body.Length)]}");
        Assert.DoesNotContain("System.", body, StringComparison.Ordinal);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var report = await response.JsonAsync();
            var rows = report.GetProperty("rows").GetArrayLength();
            Assert.Equal(rows, report.GetProperty("created").GetInt32() + report.GetProperty("skipped").GetInt32() + report.GetProperty("rejected").GetInt32());
        }
    }
}
