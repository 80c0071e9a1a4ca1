using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Domain.Tests.Rules;

/// <summary>Which catalogue row applies on a date: effective periods inclusive at both ends (ADR 2), pending regimes never in force.</summary>
public class CatalogueLookupTests
{
    private static readonly RuleCatalogue C = RuleCatalogue.Default;

    [Fact]
    public void Regimes_InForceFromTheirFirstToTheirLastDay_PendingNever()
    {
        // VF-54-QA (003, Jan 2022): Qatar under the unilateral regime from 2022-01-01 to 2023-12-31.
        Assert.NotEqual("VF-54-QA", C.RegimeFor("QA", new LocalDate(2021, 12, 31))?.Id);
        Assert.Equal("VF-54-QA", C.RegimeFor("QA", new LocalDate(2022, 1, 1))!.Id);
        Assert.Equal("VF-54-QA", C.RegimeFor("QA", new LocalDate(2023, 12, 31))!.Id);
        Assert.NotEqual("VF-54-QA", C.RegimeFor("QA", new LocalDate(2024, 1, 1))?.Id);
        Assert.Null(C.RegimeFor("DO", new LocalDate(2024, 6, 1))); // BVF-DO is pending (000 §3)
        Assert.Equal(["BVF-DO"], C.PendingRegimesFor("DO").Select(r => r.Id));
        Assert.Empty(C.PendingRegimesFor("DE"));
        Assert.Null(C.RegimeFor("ZZ", new LocalDate(2024, 6, 1)));
    }

    [Fact]
    public void Mci_ByYear_UnknownYearNull()
    {
        Assert.Equal(3692m, C.MciFor(2024)!.Tenge); // 000
        Assert.Equal(3932m, C.MciFor(2025)!.Tenge); // 001
        Assert.Null(C.MciFor(2019));
    }

    [Fact]
    public void NotificationRule_ByTriggerDateAndBasis_TheJuly2026ChangeOnItsFirstDay()
    {
        Assert.Equal("NOTIFY-3WD", C.NotificationRuleFor(new LocalDate(2026, 6, 30), StayBasisKind.VisaFree)!.Id);
        Assert.Equal("NOTIFY-EREG-30CD", C.NotificationRuleFor(new LocalDate(2026, 7, 1), StayBasisKind.VisaFree)!.Id);
        Assert.Equal("NOTIFY-3WD", C.NotificationRuleFor(new LocalDate(2026, 7, 1), StayBasisKind.Visa)!.Id);
        Assert.Null(C.NotificationRuleFor(new LocalDate(2016, 1, 26), StayBasisKind.Visa)); // before MIA order 83 as catalogued
    }

    [Fact]
    public void ExitRule_30DaysThrough2024_15WorkingDaysFrom2025_NoneBefore2020()
    {
        Assert.Equal("EXIT-AFTER-CANCEL-30D", C.ExitRuleFor(new LocalDate(2024, 12, 31))!.Id);
        Assert.Equal("EXIT-AFTER-CANCEL-15WD", C.ExitRuleFor(new LocalDate(2025, 1, 1))!.Id);
        Assert.Null(C.ExitRuleFor(new LocalDate(2019, 12, 31)));
    }

    [Fact]
    public void MissingOrMalformedFile_NamedInTheError()
    {
        var files = RuleCatalogue.ReadEmbeddedFiles().Where(f => f.Key != "fees.json").ToDictionary();
        Assert.Equal("catalogue file fees.json is missing", Assert.Throws<CatalogueException>(() => RuleCatalogue.Load(files)).Message);
        files["fees.json"] = "null";
        Assert.Equal("fees.json: empty", Assert.Throws<CatalogueException>(() => RuleCatalogue.Load(files)).Message);
        files["fees.json"] = "{";
        Assert.StartsWith("fees.json: ", Assert.Throws<CatalogueException>(() => RuleCatalogue.Load(files)).Message, StringComparison.Ordinal);
    }
}
