using CaseFlow.Domain.Rules;

namespace CaseFlow.Domain.Tests.Rules;

public class CatalogueTests
{
    [Fact]
    public void Default_LoadsWithVersionAndHash()
    {
        var c = RuleCatalogue.Default;
        Assert.Matches(@"^\d{4}\.\d{2}\.\d{2}\+[0-9a-f]{12}$", c.Version);
        // Appendix A of rules.md: 53 unilateral visa-free countries (000 §2).
        Assert.Equal(53, c.Regimes.Single(r => r.Id == "VF-53").Countries.Distinct().Count());
    }

    [Fact]
    public void ChangedValue_ChangesVersion()
    {
        var files = RuleCatalogue.ReadEmbeddedFiles().ToDictionary();
        files["mci.json"] = files["mci.json"].Replace("4325", "4326", StringComparison.Ordinal);
        Assert.NotEqual(RuleCatalogue.Default.Version, RuleCatalogue.Load(files).Version);
    }

    [Theory]
    [InlineData("regimes.json", "\"DE\",\"DK\"", "\"XX\",\"DK\"", "regime VF-53")]
    [InlineData("regimes.json", "\"effectiveFrom\": \"2023-11-10\"", "\"effectiveFrom\": \"2023-01-01\"", "regimes BVF-CN and VF14-CN")]
    [InlineData("fines.json", "\"fromDay\": 6", "\"fromDay\": 7", "FINE517-OS-5-10")]
    [InlineData("calendar.json", "\"2024-05-08\", \"2024-05-09\"", "\"2024-05-09\"", "publishedYears 2024")]
    [InlineData("obligations.json", "\"closesWorkingDaysBefore\": 5", "\"closesWorkingDaysBefore\": 40", "EXT-WINDOW")]
    [InlineData("mci.json", "\"tenge\": 3692", "\"tenge\": \"lots\"", "mci.json")]
    public void MalformedCatalogue_FailsLoudly_NamingTheEntry(string file, string find, string replace, string named)
    {
        var files = RuleCatalogue.ReadEmbeddedFiles().ToDictionary();
        Assert.Contains(find, files[file], StringComparison.Ordinal);
        files[file] = files[file].Replace(find, replace, StringComparison.Ordinal);
        var error = Assert.Throws<CatalogueException>(() => RuleCatalogue.Load(files));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
