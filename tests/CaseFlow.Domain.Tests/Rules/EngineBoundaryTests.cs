using CaseFlow.Domain.Rules;
using static CaseFlow.Domain.Tests.FactsBuilder;

namespace CaseFlow.Domain.Tests.Rules;

/// <summary>
/// The engine at the edges of each rule: the first and last day of a window, the day a deadline falls due, the day a repeat stops being
/// one. Sources as cited per test (000 §1, §2, §5; 001; the art. 517/518 tables of 000's offences section).
/// </summary>
public class EngineBoundaryTests
{
    private static Deadline Only(Evaluation e, DeadlineKind kind) => Assert.Single(e.Deadlines, d => d.Kind == kind);

    private static LimitUsage Limit(Evaluation e, string rule) => Assert.Single(e.Limits, l => l.Rule == rule);

    [Fact]
    public void Plan_Guards_AndTheFirstDayOfViolation()
    {
        var facts = For("DE").Stay("2024-01-01", "2024-01-20");
        Assert.Equal("exit: 2024-02-28 is before the entry 2024-03-01", Assert.Throws<FactsException>(() => facts.Plan("2024-03-01", "2024-02-28")).Message);
        Assert.Equal("entry: the person is still in the country (entered 2024-02-01, no exit before 2024-03-01)",
            Assert.Throws<FactsException>(() => For("DE").Enter("2024-02-01").Plan("2024-03-01")).Message);
        Assert.Equal("entry: the facts already record an entry on 2024-03-01, on or after the planned entry",
            Assert.Throws<FactsException>(() => For("DE").Enter("2024-03-01").Exit("2024-03-02").Plan("2024-03-01")).Message);
        // VF-30-ENTRY (000 §2): entering 1 Mar, 30 days to 30 Mar; leaving on 30 Mar complies, on 31 Mar does not from 31 Mar.
        var ok = facts.Plan("2024-03-01", "2024-03-30");
        Assert.Equal((30, D("2024-03-30"), true, (NodaTime.LocalDate?)null, "VF-30-ENTRY"), (ok.MaxDays, ok.LastDay!.Value, ok.Compliant!.Value, ok.FirstViolation, ok.BindingRule));
        var late = facts.Plan("2024-03-01", "2024-03-31");
        Assert.Equal((false, D("2024-03-31")), (late.Compliant!.Value, late.FirstViolation!.Value));
        Assert.Null(facts.Plan("2024-03-01").Compliant);
        // A trip in and out on one day is one day of stay: it complies.
        Assert.True(facts.Plan("2024-03-01", "2024-03-01").Compliant);
        // 90 of 180 used up (VF-90-180): no lawful day at all; the violation starts on the entry day.
        var full = For("DE").Stay("2023-09-10", "2023-10-09").Stay("2023-10-20", "2023-11-18").Stay("2023-11-25", "2023-12-24").Plan("2024-01-05", "2024-01-06");
        Assert.Equal((0, (NodaTime.LocalDate?)null, D("2024-01-05")), (full.MaxDays, full.LastDay, full.FirstViolation!.Value));
    }

    [Fact]
    public void VisaLimits_DaysPresentAcrossStays_AndTheStayPerEntry()
    {
        // A multiple-entry B2 (90 days validity, 30 per entry: 000 §4) used twice: 10 + 5 days present of 91 (1 Jan..31 Mar).
        var e = For("JO").Visa("B2", "2024-01-01", "2024-03-31", stay: 30).Stay("2024-01-02", "2024-01-11").Enter("2024-02-01").EvaluateOn("2024-02-05");
        var validity = Limit(e, "VISA-VALIDITY");
        Assert.Equal((D("2024-01-01"), D("2024-03-31"), 15, 91), (validity.WindowStart, validity.WindowEnd, validity.Used, validity.Max));
        var perEntry = Limit(e, "VISA-STAY-PER-ENTRY");
        Assert.Equal((D("2024-02-01"), D("2024-02-05"), 5, 30), (perEntry.WindowStart, perEntry.WindowEnd, perEntry.Used, perEntry.Max));
        Assert.Equal(D("2024-03-01"), e.PermittedUntil); // 30 days per entry from 1 Feb
    }

    [Fact]
    public void PermitLimit_DaysPresentInItsTerm()
    {
        // TRP-TERM (000 §5): a Russian on a TRP from 1 Feb to 31 Jul 2024; present 1 Jan to 10 Feb = 10 days inside the term.
        var e = For("RU").Enter("2024-01-01").Notify("2024-01-02").Permit("2024-02-01", "2024-07-31", issued: "2024-01-25").EvaluateOn("2024-02-10");
        var term = Limit(e, "TRP-TERM");
        Assert.Equal((D("2024-02-01"), D("2024-07-31"), 10, 182), (term.WindowStart, term.WindowEnd, term.Used, term.Max));
    }

    [Fact]
    public void RegimeLimits_BeforeAnyEntry_WindowsOfTheNationalitysRegime_NothingUsed()
    {
        var e = For("DE").EvaluateOn("2024-03-01");
        Assert.Equal([("VF-90-180", D("2023-09-04"), D("2024-03-01"), 0, 90), ("VF-120-CY", D("2024-01-01"), D("2024-12-31"), 0, 120)],
            e.Limits.Select(l => (l.Rule, l.WindowStart, l.WindowEnd, l.Used, l.Max)));
        Assert.Empty(For("JO").EvaluateOn("2024-03-01").Limits); // a visa country has no visa-free limits
    }

    [Fact]
    public void AddressChanges_OnlyAfterTheEntryDayAndWithinTheStay_EachMetByItsOwnNotice()
    {
        // NOTIFY-ADDR (000 §1): a move on the entry day is the arrival itself; a move after the exit is not this stay's.
        var e = For("US").Host("small").Enter("2025-02-03").AddressChange("2025-02-03").Notify("2025-02-04").AddressChange("2025-02-10").AddressChange("2025-02-12")
            .Notify("2025-02-11").Exit("2025-02-20").AddressChange("2025-02-21").EvaluateOn("2025-03-01");
        Assert.Equal([("NOTIFY-3WD", D("2025-02-05"), DeadlineStatus.Met, D("2025-02-04")), ("NOTIFY-ADDR", D("2025-02-12"), DeadlineStatus.Met, D("2025-02-11")),
            ("NOTIFY-ADDR", D("2025-02-14"), DeadlineStatus.Missed, (NodaTime.LocalDate?)null)],
            e.Deadlines.Where(d => d.Kind == DeadlineKind.ArrivalNotification).Select(d => (d.Rule, d.Due, d.Status, d.MetOn)));
    }

    [Fact]
    public void Notification_OnADayAfterItsTrigger_MetLate_IsMissedWithItsDate()
    {
        var d = Only(For("DE").Enter("2024-05-03").Notify("2024-05-08").EvaluateOn("2024-05-10"), DeadlineKind.ArrivalNotification);
        Assert.Equal((DeadlineStatus.Missed, D("2024-05-08"), false), (d.Status, d.MetOn!.Value, d.Outstanding));
        var open = Only(For("DE").Enter("2024-05-03").EvaluateOn("2024-05-06"), DeadlineKind.ArrivalNotification);
        Assert.Equal((DeadlineStatus.Open, true), (open.Status, open.Outstanding));
    }

    [Fact]
    public void July2026_VisaFreeRegistersByDay30_AVisaHolderStillWithin3WorkingDays_ByTheBasisOnTheTriggerDay()
    {
        // calendar.md / MIA order 923: visa-free entries from 1 Jul 2026 register by the 30th day; visa holders keep NOTIFY-3WD (000 §1).
        Assert.Equal(("NOTIFY-EREG-30CD", D("2026-08-01")), Rule(For("UZ").Enter("2026-07-02").EvaluateOn("2026-07-05")));
        Assert.Equal(("NOTIFY-3WD", D("2026-07-03")), Rule(For("JO").Visa("C3", "2026-07-01", "2027-06-30").Enter("2026-07-01").EvaluateOn("2026-07-03")));
        // An address change on Wed 15 Jul while on a visa (after a visa-free entry) is judged by the visa: 3 working days, Fri 17 Jul (not 14 Aug).
        var moved = For("UZ").Visa("C3", "2026-07-10", "2027-06-30", issued: "2026-07-10").Enter("2026-07-02").Notify("2026-07-03").AddressChange("2026-07-15").EvaluateOn("2026-07-16");
        Assert.Equal(D("2026-07-17"), moved.Deadlines.Single(d => d.Rule == "NOTIFY-ADDR").Due);

        static (string, NodaTime.LocalDate) Rule(Evaluation e) => e.Deadlines.Where(d => d.Kind == DeadlineKind.ArrivalNotification).Select(d => (d.Rule, d.Due)).Single();
    }

    [Fact]
    public void ResidencePermitDeadline_OpenOnTheDueDay_MissedTheDayAfter_MetByAVisaOrTRPStartingTheDayAfter_OrAnExitOnTheDay()
    {
        // TRP-CIS-30 (001): an Uzbek needs a TRP to stay beyond day 30: entering 1 Mar 2024, by 30 Mar.
        var uz = For("UZ").Enter("2024-03-01").Notify("2024-03-01");
        Assert.Equal((D("2024-03-30"), DeadlineStatus.Open), Status(uz.EvaluateOn("2024-03-30")));
        Assert.Equal(DeadlineStatus.Missed, Status(uz.EvaluateOn("2024-03-31")).Item2);
        Assert.Equal(DeadlineStatus.Met, Status(For("UZ").Enter("2024-03-01").Notify("2024-03-01").Exit("2024-03-30").EvaluateOn("2024-04-10")).Item2);
        // Met in time, on the day the TRP began to cover the stay (metOn: the date of the fact that fulfilled it, docs/rules.md); met by
        // leaving in time, on no fact's date.
        var inTime = Only(For("UZ").Enter("2024-03-01").Notify("2024-03-01").Permit("2024-03-31", "2025-03-30", issued: "2024-03-28").EvaluateOn("2024-04-10"), DeadlineKind.ResidencePermitRequired);
        Assert.Equal((DeadlineStatus.Met, (NodaTime.LocalDate?)D("2024-03-31")), (inTime.Status, inTime.MetOn));
        Assert.Null(Only(For("UZ").Enter("2024-03-01").Notify("2024-03-01").Exit("2024-03-30").EvaluateOn("2024-04-10"), DeadlineKind.ResidencePermitRequired).MetOn);
        var late = Only(For("UZ").Enter("2024-03-01").Notify("2024-03-01").Permit("2024-04-05", "2025-04-04", issued: "2024-04-05").EvaluateOn("2024-04-10"), DeadlineKind.ResidencePermitRequired);
        Assert.Equal((DeadlineStatus.Missed, D("2024-04-05")), (late.Status, late.MetOn!.Value));
        var gone = Only(For("UZ").Enter("2024-03-01").Notify("2024-03-01").Exit("2024-04-03").EvaluateOn("2024-04-10"), DeadlineKind.ResidencePermitRequired);
        Assert.Equal((DeadlineStatus.Missed, D("2024-04-03")), (gone.Status, gone.MetOn!.Value));
        // TRP-FAMILY-16 (000 §5): a child under 16 on the due day needs none; the warning names the rule.
        var child = For("UZ").Born("2008-03-31").Enter("2024-03-01").Notify("2024-03-01").EvaluateOn("2024-04-10");
        Assert.DoesNotContain(child.Deadlines, d => d.Kind == DeadlineKind.ResidencePermitRequired);
        Assert.Contains("Children under 16 do not need a TRP (TRP-FAMILY-16, 000_d0b006081fdc65c8.txt §5)", child.Warnings);
        Assert.Contains(For("UZ").Born("2008-03-30").Enter("2024-03-01").Notify("2024-03-01").EvaluateOn("2024-04-10").Deadlines, d => d.Kind == DeadlineKind.ResidencePermitRequired);

        static (NodaTime.LocalDate, DeadlineStatus) Status(Evaluation e) => (Only(e, DeadlineKind.ResidencePermitRequired).Due, Only(e, DeadlineKind.ResidencePermitRequired).Status);
    }

    [Fact]
    public void ExtensionWindow_MetOnTheDayItOpens_OpenOnTheDayItCloses_MissedTheDayAfter()
    {
        // EXT-WINDOW (001): visa to 30 Jun 2024: opens Mon 20 May, closes Mon 24 Jun.
        var facts = For("JO").Visa("C3", "2024-01-01", "2024-06-30").Enter("2024-01-10").Notify("2024-01-10");
        Assert.Equal(DeadlineStatus.Open, Only(facts.EvaluateOn("2024-05-19"), DeadlineKind.ExtensionWindowOpens).Status);
        Assert.Equal(DeadlineStatus.Met, Only(facts.EvaluateOn("2024-05-20"), DeadlineKind.ExtensionWindowOpens).Status);
        Assert.Equal(DeadlineStatus.Open, Only(facts.EvaluateOn("2024-06-24"), DeadlineKind.ExtensionWindowCloses).Status);
        Assert.Equal(DeadlineStatus.Missed, Only(facts.EvaluateOn("2024-06-25"), DeadlineKind.ExtensionWindowCloses).Status);
        Assert.DoesNotContain(For("JO").Visa("B12", "2024-01-01", "2024-03-01", entries: "single", eVisa: true).Enter("2024-01-10").EvaluateOn("2024-02-20").Deadlines,
            d => d.Kind == DeadlineKind.ExtensionWindowCloses); // an e-Visa is not extendable (000 §4.4)
    }

    [Theory]
    // FINE518-REPEAT (000 offences section): a second host offence within a year (365 days) is the repeat tier. An offence is the day
    // after a missed 3-working-day notification (000 §1): entering Tue 6 Feb 2024 it is Fri 9 Feb; Mon 5 Feb, Thu 8 Feb; Wed 5 Feb 2025, Sat 8 Feb 2025.
    [InlineData("2024-02-06", "repeat-small", 40)] // 9 Feb 2024 to 8 Feb 2025: 365 days
    [InlineData("2024-02-05", "small", 10)]        // 8 Feb 2024 to 8 Feb 2025: 366 days
    public void HostRepeat_365DaysApart_IsARepeat_366IsNot(string firstEntry, string tier, int mci)
    {
        var facts = For("US").Host("small").Stay(firstEntry, "2024-02-20").Enter("2025-02-05");
        var fine = facts.EvaluateOn("2025-02-20").Fines.Single(f => f.Article == 518);
        Assert.Equal((tier, (decimal)mci, D("2025-02-08")), (fine.Tier, fine.Mci, fine.OffenceDate));
    }

    [Fact]
    public void HostSizeUnknown_ShownAsSmall_OneWarningForAllOffences()
    {
        var e = For("US").Stay("2024-02-06", "2024-02-20").Enter("2024-06-03").EvaluateOn("2024-06-20");
        Assert.Equal(2, e.Offences.Count(o => o.Article == 518));
        Assert.Single(e.Warnings, w => w == "Host party size not given: art. 518 fines shown for a small business (10 MCI; medium 15, large 20)");
        Assert.DoesNotContain(For("US").Host("large").Enter("2024-06-03").EvaluateOn("2024-06-20").Warnings, w => w.StartsWith("Host party size", StringComparison.Ordinal));
    }

    [Theory]
    // FINE517 tiers by overstay day (000 offences section): 1-3 warning, 4-5 10 MCI, 6-10 15 MCI, 11+ 25 MCI.
    [InlineData(1, "upTo3Days", 0)]
    [InlineData(5, "4to5Days", 10)]
    [InlineData(6, "6to10Days", 15)]
    [InlineData(10, "6to10Days", 15)]
    [InlineData(11, "over10Days", 25)]
    public void OverstayTier_ByTheDayCount(int day, string tier, int mci)
    {
        // A German entering 1 Jan 2024: last lawful day 30 Jan (VF-30-ENTRY), day 1 of overstay is 31 Jan.
        var fine = For("DE").Enter("2024-01-01").Notify("2024-01-02").EvaluateOn(D("2024-01-30").PlusDays(day).ToString("yyyy-MM-dd", null)).Fines.Single(f => f.Article == 517);
        Assert.Equal((tier, (decimal)mci, D("2024-01-31")), (fine.Tier, fine.Mci, fine.OffenceDate));
    }

    [Fact]
    public void OverstayRepeat_WithinAYear_TheHeavierOfTierAndRepeat()
    {
        // FINE517-REPEAT 15 MCI within 365 days: applies over a lighter tier (a 2-day overstay: warning), not over a heavier one (25).
        var twice = For("DE").Enter("2024-01-01").Notify("2024-01-02").Exit("2024-02-02").Enter("2024-08-01").Notify("2024-08-01");
        var light = twice.EvaluateOn("2024-09-01").Fines.Single(f => f.Article == 517);
        Assert.Equal(("repeatWithinYear", 15m, "FINE517-REPEAT"), (light.Tier, light.Mci, light.Rule));
        var heavy = twice.EvaluateOn("2024-09-15").Fines.Single(f => f.Article == 517);
        Assert.Equal(("over10Days", 25m), (heavy.Tier, heavy.Mci));
    }

    [Fact]
    public void ExitDeadline_MetOnTheLastLawfulDay_MissedTheDayAfter_OpenUntilThen()
    {
        // VF-30-ENTRY (000 §2): entering 1 Mar 2024, the last lawful day is 30 Mar.
        Assert.Equal((DeadlineStatus.Met, D("2024-03-30")), Exit(For("DE").Enter("2024-03-01").Notify("2024-03-01").Exit("2024-03-30").EvaluateOn("2024-04-10")));
        Assert.Equal((DeadlineStatus.Missed, D("2024-03-31")), Exit(For("DE").Enter("2024-03-01").Notify("2024-03-01").Exit("2024-03-31").EvaluateOn("2024-04-10")));
        Assert.Equal(DeadlineStatus.Open, Exit(For("DE").Enter("2024-03-01").Notify("2024-03-01").EvaluateOn("2024-03-30")).Item1);
        Assert.Equal(DeadlineStatus.Missed, Exit(For("DE").Enter("2024-03-01").Notify("2024-03-01").EvaluateOn("2024-03-31")).Item1);

        static (DeadlineStatus, NodaTime.LocalDate?) Exit(Evaluation e) => (Only(e, DeadlineKind.Exit).Status, Only(e, DeadlineKind.Exit).MetOn);
    }

    [Fact]
    public void Deadlines_SortedByDueThenKind_OffencesOfEveryStay_FinesOfTheLatest()
    {
        var e = For("US").Host("small").Stay("2024-02-06", "2024-02-20").Enter("2024-06-03").EvaluateOn("2024-06-20");
        Assert.Equal(e.Deadlines.OrderBy(d => d.Due).ThenBy(d => d.Kind), e.Deadlines);
        Assert.Equal([D("2024-02-09"), D("2024-06-06")], e.Offences.Select(o => o.OffenceDate));
        Assert.Equal([D("2024-06-06")], e.Fines.Select(o => o.OffenceDate));
        Assert.Equal(("VF-53", StayBasisKind.VisaFree), (e.Regime, e.Basis!.Value));
    }

    [Fact]
    public void OverstayWarnings_HostExposureNotComputed_NoHostSizeWarningWithoutAHostOffence()
    {
        var e = For("DE").Enter("2024-01-01").Notify("2024-01-02").EvaluateOn("2024-02-05");
        Assert.Contains("Art. 518 exposure of the host party for an overstay depends on whether it took measures for a timely departure (FINE518-1); not computed", e.Warnings);
        Assert.DoesNotContain(e.Warnings, w => w.StartsWith("Host party size", StringComparison.Ordinal));
        Assert.DoesNotContain(For("DE").Enter("2024-01-01").Notify("2024-01-02").EvaluateOn("2024-01-30").Warnings, w => w.StartsWith("Art. 518 exposure", StringComparison.Ordinal));
    }

    [Fact]
    public void NoMciForTheYear_TengeNotComputed_AWarningForTheLatestStayOnly()
    {
        // mci.json lists 2021-2026: a 2027 offence has MCI but no tenge. (A visa holder: visa-free arrivals register by day 30 since July 2026.)
        var e = For("JO").Visa("C3", "2027-01-01", "2027-12-31").Enter("2027-01-04").EvaluateOn("2027-01-20");
        var fine = Assert.Single(e.Fines, f => f.Article == 518);
        Assert.Null(fine.Tenge);
        Assert.Contains("No MCI value in the catalogue for 2027: tenge amounts for offences in 2027 are not computed", e.Warnings);
        Assert.Contains(e.Warnings, w => w.StartsWith("Working-day calendar 2027 is provisional", StringComparison.Ordinal));

        // Two offences and three deadlines in 2027 (a visa ending on the 10th, no notification, still here on the 20th): each year named once.
        var two = For("JO").Visa("C3", "2027-01-01", "2027-01-10").Enter("2027-01-04").EvaluateOn("2027-01-20");
        Assert.Equal([517, 518], two.Fines.Select(f => f.Article).Order());
        Assert.True(two.Deadlines.Count(d => d.Due.Year == 2027) >= 2);
        Assert.Single(two.Warnings, w => w.StartsWith("No MCI value in the catalogue for 2027", StringComparison.Ordinal));
        Assert.Single(two.Warnings, w => w.StartsWith("Working-day calendar 2027 is provisional", StringComparison.Ordinal));
    }

    [Fact]
    public void Deadlines_ByDueThenKind_AndInTheirOwnOrderWhenBothAreEqual()
    {
        // Entry on Saturday 8 Feb 2025 and a move on Sunday 9 Feb: both notifications fall due on Wednesday 12 Feb (NOTIFY-3WD, NOTIFY-ADDR:
        // 000_d0b006081fdc65c8.txt §1, day 1 the next working day); the arrival's stays first, as recorded.
        var e = For("US").Enter("2025-02-08").AddressChange("2025-02-09").EvaluateOn("2025-02-10");
        var notifications = e.Deadlines.Where(d => d.Kind == DeadlineKind.ArrivalNotification).ToList();
        Assert.Equal([("NOTIFY-3WD", D("2025-02-12")), ("NOTIFY-ADDR", D("2025-02-12"))], notifications.Select(d => (d.Rule, d.Due)));
        Assert.Equal([.. e.Deadlines.OrderBy(d => d.Due).ThenBy(d => d.Kind)], e.Deadlines);
    }

    [Fact]
    public void VisasIssuedInAnotherOrderThanTheyStart_EachIsInReachOfItsStay()
    {
        // A visa for next year issued first, then this year's: the stay in March rests on this year's (VISA-VALIDITY, 000 §4).
        var e = For("JO").Visa("C3", "2025-01-01", "2025-12-31", issued: "2024-01-10").Visa("C3", "2024-02-01", "2024-12-31", issued: "2024-02-01")
            .Enter("2024-03-01").Notify("2024-03-01").EvaluateOn("2024-03-05");
        Assert.Equal((StayBasisKind.Visa, D("2024-12-31")), (e.Basis!.Value, e.PermittedUntil!.Value));
    }

    [Fact]
    public void AStayOfThreeBases_KeepsEachForTheDaysItCovers()
    {
        // Visa-free entry (VF-53, 000_d0b006081fdc65c8.txt §2), then two visas in turn, each from the day after the last basis ends:
        // only the first ten days count toward the visa-free limits of a later stay, not the visa days in the middle.
        var e = For("DE").Enter("2024-01-01").Visa("B2", "2024-01-11", "2024-01-31").Visa("B2", "2024-02-01", "2024-02-20").Visa("B2", "2024-02-21", "2024-03-10")
            .Exit("2024-03-10").Enter("2024-03-20").Notify("2024-03-20").EvaluateOn("2024-03-25");
        var rolling = Assert.Single(e.Limits, l => l.Rule == "VF-90-180");
        Assert.Equal(10 + 6, rolling.Used);
    }

    [Fact]
    public void OverstayRepeat_NotHeavierThanTheTier_TheTierIsShown()
    {
        // 6-10 days is 15 MCI, the same as FINE517-REPEAT: the tier of the day count stands.
        var fine = For("DE").Enter("2024-01-01").Notify("2024-01-02").Exit("2024-02-02").Enter("2024-08-01").Notify("2024-08-01").EvaluateOn("2024-09-06").Fines.Single(f => f.Article == 517);
        Assert.Equal(("6to10Days", 15m), (fine.Tier, fine.Mci));
    }

    [Fact]
    public void Plan_CountsEarlierStaysAndVisasKnownBeforeTheEntry_NotLaterCrossings()
    {
        // The planned entry is judged on what was before it: a stay ending the day before counts toward VF-90-180.
        var plan = For("DE").Stay("2024-01-01", "2024-02-29").Plan("2024-03-01");
        Assert.Equal((30, "VF-30-ENTRY"), (plan.MaxDays, plan.BindingRule)); // 60 of 90 used: 30 left, per visit 30
        // 1 Dec 2023 to 20 Feb 2024 is 82 days; all of them stay inside every 180-day window ending 1-8 Mar: 8 days left.
        var tight = For("DE").Stay("2023-12-01", "2024-02-20").Plan("2024-03-01");
        Assert.Equal((8, "VF-90-180", D("2024-03-08")), (tight.MaxDays, tight.BindingRule, tight.LastDay!.Value));
    }

    [Fact]
    public void Plan_AReEntryOnTheDayOfTheLastExit_IsANewStay_AsTheCaseRecordsIt()
    {
        // A border run: left on 20 Jan 2024 and back the same day (the case decider records an entry on the day of the last exit). The
        // plan agrees with the evaluation of the recorded trip: a new visit of 30 days (VF-30-ENTRY, 000 §2), to 18 Feb; 20 Jan is one
        // day of stay toward VF-90-180, not two.
        var plan = For("DE").Stay("2024-01-01", "2024-01-20").Plan("2024-01-20");
        Assert.Equal((30, D("2024-02-18"), "VF-30-ENTRY"), (plan.MaxDays, plan.LastDay!.Value, plan.BindingRule));
        var recorded = For("DE").Stay("2024-01-01", "2024-01-20").Enter("2024-01-20").EvaluateOn("2024-01-25");
        Assert.Equal(plan.LastDay, recorded.PermittedUntil);
        Assert.Equal(25, recorded.Limits.Single(l => l.Rule == "VF-90-180").Used);
    }

    [Fact]
    public void ANotice_MeetsOneTriggerOnly_EvenWhenItFollowsTwo()
    {
        // NOTIFY-3WD and NOTIFY-ADDR (000 §1): each trigger needs its own notice. One notice after the arrival and an address change
        // meets the arrival (the earlier trigger); the move, due Thu 6 Feb, has none left.
        var e = For("US").Host("small").Enter("2025-02-03").AddressChange("2025-02-04").Notify("2025-02-05").EvaluateOn("2025-02-20");
        Assert.Equal([("NOTIFY-3WD", D("2025-02-05"), DeadlineStatus.Met, (NodaTime.LocalDate?)D("2025-02-05")), ("NOTIFY-ADDR", D("2025-02-06"), DeadlineStatus.Missed, null)],
            e.Deadlines.Where(d => d.Kind == DeadlineKind.ArrivalNotification).Select(d => (d.Rule, d.Due, d.Status, d.MetOn)));
    }

    [Fact]
    public void FactsRecordedInExactlyReverseDateOrder_EvaluateAsInDateOrder()
    {
        // The facts are put in date order before the fold, whatever order they were recorded in: here every adjacent pair is out of
        // order (an exit recorded before its entry would otherwise be an exit without an entry).
        var reversed = For("US").Host("small").Exit("2025-02-20").Notify("2025-02-04").Enter("2025-02-03").EvaluateOn("2025-03-01");
        var ordered = For("US").Host("small").Enter("2025-02-03").Notify("2025-02-04").Exit("2025-02-20").EvaluateOn("2025-03-01");
        Assert.Equal(ordered.Deadlines, reversed.Deadlines);
        Assert.Equal((ordered.PermittedUntil, ordered.InCountry), (reversed.PermittedUntil, reversed.InCountry));
        Assert.Equal(D("2025-02-05"), Only(reversed, DeadlineKind.ArrivalNotification).Due);
    }

    [Fact]
    public void TwoNotificationsMissedOnTheSameDay_AreBothFirstOffences_NotARepeat()
    {
        // FINE518-REPEAT (fines.json, art. 518 p. 2): a repeat is an offence after an earlier one. An entry on Saturday 1 Feb and a move
        // on Sunday 2 Feb are both due Wednesday 5 Feb (3 working days from Monday), both missed: two offences dated 6 Feb, neither
        // before the other.
        var e = For("US").Host("small").Enter("2025-02-01").AddressChange("2025-02-02").Exit("2025-02-20").EvaluateOn("2025-03-01");
        Assert.Equal([D("2025-02-05"), D("2025-02-05")], e.Deadlines.Where(d => d.Kind == DeadlineKind.ArrivalNotification).Select(d => d.Due));
        var fines = e.Fines.Where(f => f.Article == 518).ToList();
        Assert.Equal([("small", D("2025-02-06")), ("small", D("2025-02-06"))], fines.Select(f => (f.Tier, f.OffenceDate)));
    }
}
