using CaseFlow.Domain.Rules;
using static CaseFlow.Domain.Tests.FactsBuilder;

namespace CaseFlow.Domain.Tests.Rules;

/// <summary>Which regime or visa governs a stay, and which of its days count toward the visa-free limits.</summary>
public class StayBasisTests
{
    [Fact]
    public void AStayBegunUnderARegimeThatEndsDuringIt_IsLimitedAndShownByThatRegime()
    {
        // Conflict C4 (rules.md §26): China's 14-day unilateral regime (004_c4a779dc2b1ffd52.txt, 8 Jul 2022) until 9 Nov 2023, the
        // bilateral 30 days (000_d0b006081fdc65c8.txt §3) from 10 Nov. Entered on 5 Nov 2023: 14 days, to 18 Nov; on 12 Nov the limits
        // shown are the ones that end the stay, not those of the regime in force that day.
        var evaluation = For("CN").Enter("2023-11-05").EvaluateOn("2023-11-12");
        Assert.Equal(("VF14-CN", D("2023-11-18"), "VF14-14"), (evaluation.Regime, evaluation.PermittedUntil, evaluation.BindingRule));
        Assert.Equal([("VF14-14", 8, 14), ("VF14-42-180", 8, 42)], evaluation.Limits.Select(l => (l.Rule, l.Used, l.Max)));
    }

    [Fact]
    public void AVisaFreeStayContinuedByATrp_StillNamesTheRegimeItBeganUnder()
    {
        // 000 §3, §5: an Uzbek national stays visa-free (BVF-CIS) and needs a TRP beyond 30 days; with one the stay goes on under it.
        var evaluation = For("UZ").Enter("2024-02-01").Permit("2024-02-20", "2024-12-31").EvaluateOn("2024-03-15");
        Assert.Equal((StayBasisKind.ResidencePermit, "BVF-CIS", D("2024-12-31"), "TRP-TERM"),
            (evaluation.Basis, evaluation.Regime, evaluation.PermittedUntil, evaluation.BindingRule));
    }

    [Fact]
    public void DaysStayedAfterAVisaEnded_CountTowardTheVisaFreeLimits()
    {
        // VF-90-180 and VF-120-CY (000 §2) count the days in the country, not those on a visa: a German who stayed 10 days past a visa
        // ending 10 Jan 2025 has used those 10 days when entering visa-free on 1 Feb; on 5 Feb, 15 days in each window.
        var evaluation = For("DE").Visa("C3", "2025-01-01", "2025-01-10", entries: "single").Stay("2025-01-01", "2025-01-20")
            .Enter("2025-02-01").EvaluateOn("2025-02-05");
        Assert.Equal([("VF-30-ENTRY", 5), ("VF-90-180", 15), ("VF-120-CY", 15)], evaluation.Limits.Select(l => (l.Rule, l.Used)));
    }

    [Fact]
    public void AVisaIssuedAfterTheEntry_IsNotAnAlreadyUsedSingleEntryVisa()
    {
        // A Jordanian needs a visa (rules.md §10); one issued on 10 Jan 2025 for a stay from 1 Jan did not cover the entry of 5 Jan. The
        // warning says a visa was required, not that the single-entry visa had been used already (it was not).
        var evaluation = For("JO").Visa("C3", "2025-01-01", "2025-03-31", entries: "single", issued: "2025-01-10").Enter("2025-01-05").EvaluateOn("2025-01-15");
        Assert.Contains(evaluation.Warnings, w => w.Contains("Entered on 2025-01-05 with no visa, TRP or visa-free regime for JO", StringComparison.Ordinal));
        Assert.DoesNotContain(evaluation.Warnings, w => w.Contains("already used", StringComparison.Ordinal));
    }

    [Fact]
    public void AVisaThatContinuesAVisaFreeStay_GovernsItsExitAndItsCancellation()
    {
        // A German enters visa-free on 1 Jan 2025 (VF-30-ENTRY, 000 §2); a work visa recorded before, valid from 20 Jan, carries the stay
        // on: the exit deadline is the visa's end under its rule. Cancelled on 3 Mar, the stay ends 15 working days later
        // (EXIT-AFTER-CANCEL-15WD, 001; conflict C1, rules.md §26), an exit-visa deadline of its own.
        var onVisa = For("DE").Visa("C3", "2025-01-20", "2025-12-31", issued: "2024-12-20").Enter("2025-01-01");
        var exit = Assert.Single(onVisa.EvaluateOn("2025-02-10").Deadlines, d => d.Kind == DeadlineKind.Exit);
        Assert.Equal((D("2025-12-31"), "VISA-VALIDITY", DeadlineStatus.Open), (exit.Due, exit.Rule, exit.Status));
        var cancelled = onVisa.Cancel("2025-03-03").EvaluateOn("2025-03-05");
        var exitVisa = Assert.Single(cancelled.Deadlines, d => d.Kind == DeadlineKind.ExitVisaExpiry);
        Assert.Equal((D("2025-03-27"), "EXIT-AFTER-CANCEL-15WD"), (exitVisa.Due, exitVisa.Rule));
    }

    [Fact]
    public void ALateTrp_IsTheDateTheMissedTrpDeadlineWasMetOn_NotTheExit()
    {
        // An Uzbek national needs a TRP for a stay over 30 days (TRP-CIS-30; 001 'Уақытша тұруға рұқсат', 000 §3): entered 1 Jan 2024,
        // due 30 Jan; the TRP came on 15 Feb and the person left on 1 Mar. Missed, met late on 15 Feb.
        var evaluation = For("UZ").Enter("2024-01-01").Permit("2024-02-15", "2024-12-31", issued: "2024-02-15").Exit("2024-03-01").EvaluateOn("2024-03-05");
        var trp = Assert.Single(evaluation.Deadlines, d => d.Kind == DeadlineKind.ResidencePermitRequired);
        Assert.Equal((D("2024-01-30"), DeadlineStatus.Missed, "TRP-CIS-30", (NodaTime.LocalDate?)D("2024-02-15")), (trp.Due, trp.Status, trp.Rule, trp.MetOn));
    }

    [Fact]
    public void TheExtensionWindow_IsTheVisaTheStayIsOnNow_NotTheOneItBeganOn()
    {
        // EXT-WINDOW (001): 30 to 5 working days before the visa expires. A Jordanian entered on a work visa ending 31 Mar 2025; a second
        // one, valid from 15 Mar to 31 Dec 2025, carries the stay on: in April the window is the second visa's (closing in December).
        var evaluation = For("JO").Visa("C3", "2025-01-01", "2025-03-31", issued: "2024-12-01").Visa("C3", "2025-03-15", "2025-12-31", issued: "2025-03-01")
            .Enter("2025-01-10").EvaluateOn("2025-04-10");
        Assert.Equal((D("2025-12-31"), "VISA-VALIDITY"), (evaluation.PermittedUntil, evaluation.BindingRule));
        // Counting back from Tue 30 Dec: 30, 29, 26, 25, 24 Dec (the weekend of 27-28 off): the window closes on Wed 24 Dec.
        Assert.Equal(D("2025-12-24"), Assert.Single(evaluation.Deadlines, d => d.Kind == DeadlineKind.ExtensionWindowCloses).Due);
    }

    [Fact]
    public void ATrpCoversTheStayFromTheDayItIsValid_NotFromTheDayItWasIssued()
    {
        // TRP-CIS-30 (001, 000 §3): an Uzbek entered on 1 Mar 2024 needs a TRP by 30 Mar. One issued on 25 Mar but valid only from 5 Apr
        // leaves 31 Mar - 4 Apr uncovered: missed, met late on 5 Apr.
        var trp = Assert.Single(For("UZ").Enter("2024-03-01").Permit("2024-04-05", "2025-04-04", issued: "2024-03-25").EvaluateOn("2024-04-10").Deadlines,
            d => d.Kind == DeadlineKind.ResidencePermitRequired);
        Assert.Equal((DeadlineStatus.Missed, (NodaTime.LocalDate?)D("2024-04-05")), (trp.Status, trp.MetOn));
    }

    [Fact]
    public void ATrpCarriesTheStayOn_FromTheDayAfterItsLawfulEnd_NotAcrossAGap_NorAfterTheExit()
    {
        // 000 §3: an Uzbek stays visa-free up to 90 days (BVF-CIS-90): entered 1 Jan 2024, lawful to 30 Mar (2024 is a leap year). A TRP
        // from 31 Mar carries the stay on to its end; one from 10 Apr does not: 31 Mar - 10 Apr is an overstay (11 days on 10 Apr).
        var onTime = For("UZ").Enter("2024-01-01").Permit("2024-03-31", "2024-12-31", issued: "2024-03-20").EvaluateOn("2024-04-10");
        Assert.Equal((StayBasisKind.ResidencePermit, D("2024-12-31"), 0), (onTime.Basis, onTime.PermittedUntil!.Value, onTime.OverstayDays));
        var late = For("UZ").Enter("2024-01-01").Permit("2024-04-10", "2024-12-31", issued: "2024-04-10").EvaluateOn("2024-04-10");
        Assert.Equal((StayBasisKind.VisaFree, D("2024-03-30"), 11), (late.Basis, late.PermittedUntil!.Value, late.OverstayDays));
        // Nor does a TRP issued after the person left, though valid from a day of the stay: the stay ended visa-free.
        var left = For("UZ").Enter("2024-01-01").Exit("2024-02-01").Permit("2024-01-20", "2024-12-31", issued: "2024-02-10").EvaluateOn("2024-02-15");
        Assert.Equal((StayBasisKind.VisaFree, D("2024-03-30"), "BVF-CIS-90"), (left.Basis, left.PermittedUntil!.Value, left.BindingRule));
    }

    [Fact]
    public void AVisasStayPerEntry_BindsWhenItEndsBeforeTheVisa_EvenByADay()
    {
        // VISA-STAY-PER-ENTRY (000 §4, visas.json): 58 days a stay on a visa valid 1 Jan - 1 Mar 2025 (60 days): entering on 1 Jan, the
        // stay ends on 27 Feb, two days before the visa does.
        var evaluation = For("JO").Visa("B1", "2025-01-01", "2025-03-01", stay: 58, issued: "2024-12-20").Enter("2025-01-01").EvaluateOn("2025-01-10");
        Assert.Equal((D("2025-02-27"), "VISA-STAY-PER-ENTRY"), (evaluation.PermittedUntil!.Value, evaluation.BindingRule));
    }

    [Fact]
    public void OnTheDayAVisaBegins_ItAlreadyCarriesTheStayOn()
    {
        // A German in the country visa-free since 1 Jan 2025 (30 days, VF-30-ENTRY, 000 §2), holding a work visa valid from 25 Jan: on
        // 25 Jan the stay is already on the visa, to its end.
        var evaluation = For("DE").Visa("C3", "2025-01-25", "2025-12-31", issued: "2024-12-20").Enter("2025-01-01").EvaluateOn("2025-01-25");
        Assert.Equal((StayBasisKind.Visa, D("2025-12-31")), (evaluation.Basis!.Value, evaluation.PermittedUntil!.Value));
    }

    [Fact]
    public void ATrpValidFromTheDayOfEntryOrFromToday_IsTheStaysBasisThatDay()
    {
        // TRP-TERM (000 §5): a Jordanian (no visa-free regime, rules.md §10) entering on the first day of a TRP stays under it; a German
        // in the country visa-free whose TRP begins today is on it today.
        var entering = For("JO").Permit("2025-02-01", "2025-12-31", issued: "2025-01-15").Enter("2025-02-01").EvaluateOn("2025-02-01");
        Assert.Equal((StayBasisKind.ResidencePermit, D("2025-12-31"), 0), (entering.Basis!.Value, entering.PermittedUntil!.Value, entering.OverstayDays));
        var today = For("DE").Permit("2025-01-25", "2025-12-31", issued: "2024-12-20").Enter("2025-01-01").EvaluateOn("2025-01-25");
        Assert.Equal((StayBasisKind.ResidencePermit, D("2025-12-31")), (today.Basis!.Value, today.PermittedUntil!.Value));
    }

    [Fact]
    public void AVisaFromACategoryChange_IsExtendableLikeAnyVisaOfItsCategory()
    {
        // 000 §4.1: B2 may change to C3 in the country (CHG-C3); the new C3 visa is an ordinary visa, not an e-Visa, so its extension window
        // (EXT-WINDOW, 001) is listed: it closes on Wed 24 Dec 2025, five working days before the visa ends on 31 Dec.
        var evaluation = For("JO").Visa("B2", "2025-01-01", "2025-03-31", entries: "single", issued: "2024-12-20").Enter("2025-01-05")
            .ChangeCategory("2025-02-01", "C3", "2025-02-01", "2025-12-31").EvaluateOn("2025-03-01");
        Assert.Equal((D("2025-12-31"), "VISA-VALIDITY"), (evaluation.PermittedUntil!.Value, evaluation.BindingRule));
        Assert.Equal(D("2025-12-24"), Assert.Single(evaluation.Deadlines, d => d.Kind == DeadlineKind.ExtensionWindowCloses).Due);
    }
}
