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

    [Theory]
    // 000 §4.3 and 001 fees (MCI): invitation 0.5, multiple-entry visa in the RK 30, extension 30, exit visa 0.5; conflict C2: 7 MCI in 004 (2023).
    [InlineData("FEE-INVITE", 0.5)]
    [InlineData("FEE-MULTI-ISSUE", 30)]
    [InlineData("FEE-MULTI-EXT", 30)]
    [InlineData("FEE-EXIT-CANCEL", 0.5)]
    [InlineData("FEE-EXIT-CANCEL-S004", 7)]
    [InlineData("FEE-B8-SINGLE", 7)]
    [InlineData("FEE-RP", 4)]
    public void Fees_InMci(string id, decimal mci) =>
        Assert.Equal(mci, RuleCatalogue.Default.Fees.Fees.Single(f => f.Id == id).Mci);

    [Fact]
    public void FeeOfTheYear_CancellationIs7MciIn2023_HalfAnMciFrom2024()
    {
        var fees = RuleCatalogue.Default.Fees.Fees.Where(f => f.Title.Contains("cancellation", StringComparison.OrdinalIgnoreCase)).ToList();
        decimal On(NodaTime.LocalDate d) => fees.Single(f => (f.EffectiveFrom is null || f.EffectiveFrom <= d) && (f.EffectiveTo is null || d <= f.EffectiveTo)).Mci;
        Assert.Equal((7m, 0.5m), (On(new NodaTime.LocalDate(2023, 11, 20)), On(new NodaTime.LocalDate(2024, 2, 1))));
    }

    [Theory]
    // 000 §4.4: e-Visas are single-entry B1, B2, B3, B12, C12.
    [InlineData("B12", true)]
    [InlineData("C12", true)]
    [InlineData("B10", false)]
    public void EVisaCategories(string code, bool eVisa) => Assert.Equal(eVisa, RuleCatalogue.Default.Visas.EVisa.Categories.Contains(code));

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
