using CaseFlow.Domain.Rules;
using static CaseFlow.Domain.Tests.FactsBuilder;

namespace CaseFlow.Domain.Tests.Rules;

/// <summary>
/// How stays get their lawful basis (docs/rules.md "Stays on a visa or TRP"): the basis at entry, a visa or TRP that continues a stay,
/// cancellations and exit visas, per-entry stays, and the warnings for facts that cannot apply. Sources: 000 §2 (visa-free), §3
/// (pending regimes), §4 (visas), §4.4 (e-Visa), §5 (TRP); 004 and 001 (exit visa after cancellation).
/// </summary>
public class StayTimelineTests
{
    [Fact]
    public void FactsThatCannotApply_AreIgnoredWithAWarningNamingThem()
    {
        var e = For("JO").Extend("2024-02-01", "2024-12-31").Cancel("2024-02-02").Visa("C3", "2024-03-01", "2024-06-30").Extend("2024-03-05", "2024-06-30")
            .Extend("2024-03-06", "2024-05-31").Enter("2024-03-10").EvaluateOn("2024-03-20");
        Assert.Equal(
        [
            "VisaExtended on 2024-02-01: no visa was valid that day; ignored",
            "VisaCancelled on 2024-02-02: no visa was valid that day; ignored",
            "VisaExtended on 2024-03-05: new validTo 2024-06-30 does not extend 2024-06-30; ignored",
            "VisaExtended on 2024-03-06: new validTo 2024-05-31 does not extend 2024-06-30; ignored",
        ], e.Warnings.Take(4));
        Assert.Equal(new NodaTime.LocalDate(2024, 6, 30), e.PermittedUntil);
    }

    [Fact]
    public void NoBasis_AVisaWasRequired_PendingRegimesNamedButNotApplied()
    {
        var e = For("DO").Enter("2024-03-01").EvaluateOn("2024-03-02");
        Assert.Equal((StayBasisKind.None, "VISA-REQUIRED", new NodaTime.LocalDate(2024, 2, 29), 2), (e.Basis, e.BindingRule, e.PermittedUntil!.Value, e.OverstayDays));
        Assert.Contains("BVF-DO is pending ratification and not applied (000_d0b006081fdc65c8.txt §3 footnote *: not in force as of Jan 2024)", e.Warnings);
        Assert.Contains("Entered on 2024-03-01 with no visa, TRP or visa-free regime for DO: a visa was required", e.Warnings);
    }

    [Fact]
    public void PendingRegimes_AreNamedOnce_HoweverManyStaysHadNoBasis()
    {
        var e = For("DO").Stay("2024-01-10", "2024-01-12").Stay("2024-02-10", "2024-02-12").Enter("2024-03-01").EvaluateOn("2024-03-02");
        Assert.Single(e.Warnings, w => w.StartsWith("BVF-DO is pending ratification", StringComparison.Ordinal));
        Assert.Equal(3, e.Warnings.Count(w => w.Contains("with no visa, TRP or visa-free regime for DO", StringComparison.Ordinal)));
    }

    [Fact]
    public void SingleEntryVisa_UsedOnce_TheSecondEntryHasNoBasis()
    {
        var e = For("JO").Visa("C3", "2024-01-01", "2024-06-30", entries: "single").Stay("2024-01-05", "2024-01-20").Enter("2024-02-01").EvaluateOn("2024-02-02");
        Assert.Equal(StayBasisKind.None, e.Basis);
        Assert.Contains("Entered on 2024-02-01 on a single-entry visa already used for an earlier entry", e.Warnings);
        var multiple = For("JO").Visa("C3", "2024-01-01", "2024-06-30").Stay("2024-01-05", "2024-01-20").Enter("2024-02-01").EvaluateOn("2024-02-02");
        Assert.Equal(StayBasisKind.Visa, multiple.Basis);
        Assert.DoesNotContain(multiple.Warnings, w => w.Contains("single-entry", StringComparison.Ordinal));
    }

    [Fact]
    public void EntryBasis_AVisaIssuedAfterTheEntryDoesNotCover_ItContinuesTheStayWhenItStartsInTime()
    {
        // Issued on the 3rd, valid from the 1st: at the entry on the 2nd it was not yet issued, so the German entered visa-free...
        var e = For("DE").Visa("C3", "2024-03-01", "2024-12-31", issued: "2024-03-03").Enter("2024-03-02").EvaluateOn("2024-03-05");
        Assert.Equal(StayBasisKind.Visa, e.Basis); // ...and the visa continued the stay from its issue date
        Assert.Equal(new NodaTime.LocalDate(2024, 12, 31), e.PermittedUntil);
        var onEntry = For("JO").Visa("C3", "2024-03-02", "2024-12-31", issued: "2024-03-02").Enter("2024-03-02").EvaluateOn("2024-03-05");
        Assert.Equal((StayBasisKind.Visa, "VISA-VALIDITY"), (onEntry.Basis, onEntry.BindingRule));
    }

    [Fact]
    public void PermitAtEntry_FromItsFirstToItsLastDay()
    {
        Assert.Equal((StayBasisKind.ResidencePermit, new NodaTime.LocalDate(2024, 12, 31)),
            Basis(For("RU").Permit("2024-03-01", "2024-12-31").Enter("2024-03-01").EvaluateOn("2024-03-02")));
        Assert.Equal(StayBasisKind.ResidencePermit, Basis(For("RU").Permit("2024-03-01", "2024-12-31").Enter("2024-12-31").EvaluateOn("2024-12-31")).Item1);
        Assert.Equal(StayBasisKind.VisaFree, Basis(For("RU").Permit("2024-03-01", "2024-12-31").Enter("2025-01-01").EvaluateOn("2025-01-02")).Item1);
        Assert.Equal(StayBasisKind.VisaFree, Basis(For("RU").Permit("2024-03-02", "2024-12-31").Enter("2024-03-01").EvaluateOn("2024-03-01")).Item1);

        static (StayBasisKind, NodaTime.LocalDate) Basis(Evaluation e) => (e.Basis!.Value, e.PermittedUntil!.Value);
        Assert.Equal("TRP-TERM", For("RU").Permit("2024-03-01", "2024-12-31").Enter("2024-03-01").EvaluateOn("2024-03-02").BindingRule);
    }

    [Fact]
    public void EntryBasis_AVisaIssuedBeforeTheEntryButValidOnlyLater_DoesNotCoverTheEntry()
    {
        // 000 §4: a visa covers the days of its validity. Issued 1 March, valid from the 10th: the German entering on the 5th enters
        // visa-free (VF-30-ENTRY, 000 §2), lawful to 3 April as of the 6th (the visa will continue the stay once its first day is reached).
        var e = For("DE").Visa("C3", "2024-03-10", "2024-12-31", issued: "2024-03-01").Enter("2024-03-05").EvaluateOn("2024-03-06");
        Assert.Equal((StayBasisKind.VisaFree, new NodaTime.LocalDate(2024, 4, 3)), (e.Basis!.Value, e.PermittedUntil!.Value));
    }

    [Fact]
    public void Continuation_OfTwoThatCouldContinueAStay_TheLongerDoes()
    {
        // 000 §4 and §5: a Russian enters visa-free on 1 March; a C3 visa (to 30 June) and a TRP (to 31 December) both start in time.
        // Whichever is listed first, the stay is lawful to the later end.
        var visaFirst = For("RU").Enter("2024-03-01").Visa("C3", "2024-03-10", "2024-06-30", issued: "2024-03-10").Permit("2024-03-12", "2024-12-31", issued: "2024-03-12")
            .EvaluateOn("2024-03-20");
        Assert.Equal((StayBasisKind.ResidencePermit, new NodaTime.LocalDate(2024, 12, 31)), (visaFirst.Basis!.Value, visaFirst.PermittedUntil!.Value));
        var permitFirst = For("RU").Enter("2024-03-01").Permit("2024-03-10", "2024-06-30", issued: "2024-03-10").Visa("C3", "2024-03-12", "2024-12-31", issued: "2024-03-12")
            .EvaluateOn("2024-03-20");
        Assert.Equal((StayBasisKind.Visa, new NodaTime.LocalDate(2024, 12, 31)), (permitFirst.Basis!.Value, permitFirst.PermittedUntil!.Value));
    }

    [Fact]
    public void Continuation_AVisaStartingTheDayAfterTheLawfulEnd_Continues_TheDayAfterThatDoesNot()
    {
        // VF-30-ENTRY (000 §2): entering 1 Mar, lawful to 30 Mar. A C3 from 31 Mar continues the stay; from 1 Apr it is too late.
        var continues = For("DE").Enter("2024-03-01").Visa("C3", "2024-03-31", "2024-12-31", issued: "2024-03-20").EvaluateOn("2024-04-05");
        Assert.Equal((StayBasisKind.Visa, new NodaTime.LocalDate(2024, 12, 31), 0), (continues.Basis!.Value, continues.PermittedUntil!.Value, continues.OverstayDays));
        var gap = For("DE").Enter("2024-03-01").Visa("C3", "2024-04-01", "2024-12-31", issued: "2024-03-20").EvaluateOn("2024-04-05");
        Assert.Equal((StayBasisKind.VisaFree, new NodaTime.LocalDate(2024, 3, 30), 6), (gap.Basis!.Value, gap.PermittedUntil!.Value, gap.OverstayDays));
        // Of two visas that could continue, the one lasting longer; a TRP continues the same way.
        var best = For("DE").Enter("2024-03-01").Visa("B2", "2024-03-10", "2024-05-31", issued: "2024-03-10").Visa("C3", "2024-03-12", "2024-12-31", issued: "2024-03-12").EvaluateOn("2024-04-05");
        Assert.Equal(new NodaTime.LocalDate(2024, 12, 31), best.PermittedUntil);
        var permit = For("UZ").Enter("2024-03-01").Notify("2024-03-01").Permit("2024-03-25", "2025-03-24", issued: "2024-03-25").EvaluateOn("2024-04-05");
        Assert.Equal((StayBasisKind.ResidencePermit, new NodaTime.LocalDate(2025, 3, 24)), (permit.Basis!.Value, permit.PermittedUntil!.Value));
    }

    [Fact]
    public void DaysOnAVisa_DoNotCountTowardTheVisaFreeLimits()
    {
        // 10 visa-free days (1-10 Mar), then a single-entry C3 from 11 Mar; exit 30 Apr; back visa-free on 10 May (the C3 is used).
        // On 12 May VF-90-180 counts 10 + 3 days: the 51 days on the visa do not count.
        var e = For("DE").Enter("2024-03-01").Visa("C3", "2024-03-11", "2024-12-31", entries: "single", issued: "2024-03-11").Exit("2024-04-30").Enter("2024-05-10")
            .EvaluateOn("2024-05-12");
        Assert.Equal((StayBasisKind.VisaFree, 13), (e.Basis!.Value, e.Limits.Single(l => l.Rule == "VF-90-180").Used));
    }

    [Fact]
    public void StayPerEntry_EndsOnItsLastDay_Inclusive()
    {
        // B2 single entry, 30 days per entry (000 §4): entering 1 Mar, lawful through 30 Mar.
        var e = For("JO").Visa("B2", "2024-02-20", "2024-05-15", stay: 30, entries: "single").Enter("2024-03-01").EvaluateOn("2024-03-31");
        Assert.Equal((new NodaTime.LocalDate(2024, 3, 30), "VISA-STAY-PER-ENTRY", 1), (e.PermittedUntil!.Value, e.BindingRule, e.OverstayDays));
        // A stay per entry longer than what is left of the validity: the validity binds.
        var validity = For("JO").Visa("B2", "2024-02-20", "2024-03-15", stay: 30, entries: "single").Enter("2024-03-01").EvaluateOn("2024-03-05");
        Assert.Equal((new NodaTime.LocalDate(2024, 3, 15), "VISA-VALIDITY"), (validity.PermittedUntil!.Value, validity.BindingRule));
    }

    [Fact]
    public void Cancellation_EndsTheVisaTheDayBefore_TheExitVisaRunsFromTheCancellation_NotAfterTheVisaEnded()
    {
        // 004 (15 Nov 2023): 30 days of exit visa counting the cancellation day.
        var e = For("JO").Visa("C3", "2024-01-01", "2024-06-30").Enter("2024-01-10").Notify("2024-01-10").Cancel("2024-03-01").EvaluateOn("2024-03-05");
        Assert.Equal((new NodaTime.LocalDate(2024, 3, 30), "EXIT-AFTER-CANCEL-30D"), (e.PermittedUntil!.Value, e.BindingRule));
        var validity = e.Limits.Single(l => l.Rule == "VISA-VALIDITY");
        Assert.Equal(new NodaTime.LocalDate(2024, 2, 29), validity.WindowEnd); // the visa itself ended the day before the cancellation
        var last = For("JO").Visa("C3", "2024-01-01", "2024-06-30").Enter("2024-01-10").Notify("2024-01-10").Cancel("2024-06-30").EvaluateOn("2024-07-05");
        Assert.Equal(("EXIT-AFTER-CANCEL-30D", new NodaTime.LocalDate(2024, 7, 29)), (last.BindingRule, last.PermittedUntil!.Value));
        var tooLate = For("JO").Visa("C3", "2024-01-01", "2024-06-30").Enter("2024-01-10").Notify("2024-01-10").Cancel("2024-07-01").EvaluateOn("2024-07-05");
        Assert.Equal(("VISA-VALIDITY", new NodaTime.LocalDate(2024, 6, 30)), (tooLate.BindingRule, tooLate.PermittedUntil!.Value));
        Assert.Contains("VisaCancelled on 2024-07-01: no visa was valid that day; ignored", tooLate.Warnings);
    }

    [Fact]
    public void PassportReplaced_InvalidatesOnlyAnEVisaValidThatDay()
    {
        var e = For("DE").Visa("B12", "2024-01-01", "2024-03-01", entries: "single", eVisa: true).Visa("C3", "2024-01-01", "2024-12-31").Enter("2024-01-10").PassportReplaced("2024-01-20").EvaluateOn("2024-01-25");
        Assert.Single(e.Warnings, w => w.StartsWith("e-Visa", StringComparison.Ordinal));
        Assert.Contains("e-Visa B12 is no longer valid after the passport was replaced on 2024-01-20: a new e-Visa is needed (EVISA-PASSPORT, 000_d0b006081fdc65c8.txt §4.4)", e.Warnings);
        Assert.DoesNotContain(For("DE").Visa("B12", "2024-01-01", "2024-03-01", entries: "single", eVisa: true).PassportReplaced("2024-03-02").EvaluateOn("2024-03-05").Warnings,
            w => w.StartsWith("e-Visa", StringComparison.Ordinal));
    }

    [Fact]
    public void ReEntryOnTheExitDay_CountsThatDayOnce()
    {
        var e = For("DE").Stay("2024-03-01", "2024-03-10").Enter("2024-03-10").EvaluateOn("2024-03-12");
        Assert.Equal(12, e.Limits.Single(l => l.Rule == "VF-90-180").Used); // 1-12 Mar, the 10th once
    }
}
