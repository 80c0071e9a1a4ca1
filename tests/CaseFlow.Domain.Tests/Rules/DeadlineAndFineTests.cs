using CaseFlow.Domain.Rules;
using static CaseFlow.Domain.Tests.FactsBuilder;

namespace CaseFlow.Domain.Tests.Rules;

/// <summary>Deadlines (rules.md §3, §13, §14) and fines (§17) with the seed each figure comes from.</summary>
public class DeadlineAndFineTests
{
    private static Deadline Only(Evaluation e, DeadlineKind kind) => Assert.Single(e.Deadlines, d => d.Kind == kind);

    [Fact]
    public void NOTIFY_3WD_GermanOnFriday3May2024_DueMonday6May_MissedOn7MayWithHostExposure()
    {
        // 000_d0b006081fdc65c8.txt §1: within 3 working days; 4 May 2024 was a working Saturday (calendar.md).
        var facts = For("DE").Host("medium").Enter("2024-05-03");
        var open = Only(facts.EvaluateOn("2024-05-06"), DeadlineKind.ArrivalNotification);
        Assert.Equal(D("2024-05-06"), open.Due);
        Assert.Equal(DeadlineStatus.Open, open.Status);
        Assert.Equal("NOTIFY-3WD", open.Rule);

        var missed = facts.EvaluateOn("2024-05-07");
        Assert.Equal(DeadlineStatus.Missed, Only(missed, DeadlineKind.ArrivalNotification).Status);
        // Art. 518 (FINE518-1): medium enterprise 15 MCI; MCI 2024 = 3,692 (000 §1).
        var fine = Assert.Single(missed.Fines);
        Assert.Equal((518, FineParty.HostParty, 15m, 55_380m), (fine.Article, fine.Party, fine.Mci, fine.Tenge!.Value));
    }

    [Fact]
    public void NOTIFY_3WD_NotifiedOnDueDay_Met_NoFine()
    {
        var e = For("DE").Enter("2024-05-03").Notify("2024-05-06").EvaluateOn("2024-05-20");
        Assert.Equal(DeadlineStatus.Met, Only(e, DeadlineKind.ArrivalNotification).Status);
        Assert.Empty(e.Fines);
    }

    [Fact]
    public void NOTIFY_ADDR_AddressChangeStartsANewNotification()
    {
        // 000 §1; 003 'Migration registration of foreigners': a change of residence needs a new notification within 3 WD.
        var e = For("US").Host("large").Enter("2025-02-03").Notify("2025-02-04").AddressChange("2025-02-13").EvaluateOn("2025-02-20");
        var address = Assert.Single(e.Deadlines, d => d.Rule == "NOTIFY-ADDR");
        Assert.Equal(D("2025-02-17"), address.Due); // Thu 13, Fri 14, Mon 17
        Assert.Equal(DeadlineStatus.Missed, address.Status);
        var fine = Assert.Single(e.Fines);
        Assert.Equal((20m, 78_640m), (fine.Mci, fine.Tenge!.Value)); // large: 20 MCI x 3,932 (MCI 2025, 001)
    }

    [Fact]
    public void FINE518_REPEAT_SecondLateNotificationWithinAYear_RepeatTier()
    {
        // 000 offences section, Art. 518: repeat within one year: small 40 MCI (and a 1-year invitation ban, 000 §1).
        var e = For("US").Host("small").Stay("2024-02-05", "2024-02-20").Enter("2024-06-03").EvaluateOn("2024-06-20");
        var fine = Assert.Single(e.Fines);
        Assert.Equal(("repeat-small", 40m, 147_680m), (fine.Tier, fine.Mci, fine.Tenge!.Value));
    }

    [Theory]
    // FINE517 tiers (000 offences section), day n counted from the first day after the last lawful day; MCI per year (calendar.md, 000, 001).
    [InlineData(3, "upTo3Days", 0, 2024, 0)]
    [InlineData(4, "4to5Days", 10, 2024, 36_920)]
    [InlineData(5, "4to5Days", 10, 2025, 39_320)]
    [InlineData(6, "6to10Days", 15, 2024, 55_380)]
    [InlineData(10, "6to10Days", 15, 2026, 64_875)]
    [InlineData(11, "over10Days", 25, 2024, 92_300)]
    [InlineData(40, "over10Days", 25, 2023, 86_250)]
    public void FINE517_OverstayTiers(int overstay, string tier, decimal mci, int year, decimal tenge)
    {
        var entry = new NodaTime.LocalDate(year, 2, 1);
        var exit = entry.PlusDays(29 + overstay);
        var e = For("DE").Enter(entry.ToString("yyyy-MM-dd", null)).Notify(entry.ToString("yyyy-MM-dd", null))
            .Exit(exit.ToString("yyyy-MM-dd", null)).EvaluateOn(exit.ToString("yyyy-MM-dd", null));
        Assert.Equal(overstay, e.OverstayDays);
        var fine = Assert.Single(e.Fines);
        Assert.Equal((517, FineParty.Foreigner, tier, mci, tenge), (fine.Article, fine.Party, fine.Tier, fine.Mci, fine.Tenge!.Value));
    }

    [Fact]
    public void FINE517_StillInCountry_OverstayGrowsWithAsOf()
    {
        var facts = For("DE").Enter("2024-01-01").Notify("2024-01-02");
        Assert.Equal(0, facts.EvaluateOn("2024-01-30").OverstayDays);
        var e = facts.EvaluateOn("2024-02-05");
        Assert.Equal(6, e.OverstayDays);
        Assert.Equal(DeadlineStatus.Missed, Only(e, DeadlineKind.Exit).Status);
        Assert.Equal("6to10Days", Assert.Single(e.Fines).Tier);
    }

    [Fact]
    public void EXT_WINDOW_OpensAndClosesOnWorkingDaysBeforeExpiry()
    {
        // 001 'Виза мерзімін ұзарту': no earlier than 30 and no later than 5 working days before expiry.
        var facts = For("JO").Visa("C3", "2024-01-01", "2024-12-31").Enter("2024-01-10").Notify("2024-01-10");
        var before = facts.EvaluateOn("2024-11-15");
        Assert.Equal((D("2024-11-18"), DeadlineStatus.Open), (Only(before, DeadlineKind.ExtensionWindowOpens).Due, Only(before, DeadlineKind.ExtensionWindowOpens).Status));
        Assert.Equal(D("2024-12-24"), Only(before, DeadlineKind.ExtensionWindowCloses).Due);
        var inside = facts.EvaluateOn("2024-11-18");
        Assert.Equal(DeadlineStatus.Met, Only(inside, DeadlineKind.ExtensionWindowOpens).Status);
        Assert.Equal(DeadlineStatus.Open, Only(inside, DeadlineKind.ExtensionWindowCloses).Status);
        var after = facts.EvaluateOn("2024-12-25");
        Assert.Equal(DeadlineStatus.Missed, Only(after, DeadlineKind.ExtensionWindowCloses).Status);
    }

    [Fact]
    public void VisaExtended_MovesPermittedUntilAndTheWindow()
    {
        var e = For("JO").Visa("C3", "2024-01-01", "2024-12-31").Enter("2024-01-10").Extend("2024-12-02", "2025-12-31").EvaluateOn("2025-01-15");
        Assert.Equal(D("2025-12-31"), e.PermittedUntil);
        Assert.True(Only(e, DeadlineKind.ExtensionWindowOpens).Due.Year == 2025);
    }

    [Theory]
    // Conflict C1: 004 (15 Nov 2023) B16 exit visa 30 days; 001 (2025) up to 15 working days. Chosen by the cancellation date.
    [InlineData("2024-06-03", "2024-07-02", "EXIT-AFTER-CANCEL-30D")]
    // Mon 3 Mar 2025: 3-7 (5), 10 Mar off (8 Mar carried), 11-14 (9), 17-20 (13); 21, 24, 25 Mar off; 26 (14), 27 (15).
    [InlineData("2025-03-03", "2025-03-27", "EXIT-AFTER-CANCEL-15WD")]
    public void EXIT_AFTER_CANCEL_ByCancellationDate(string cancelled, string lastDay, string rule)
    {
        var e = For("JO").Visa("C3", "2024-01-01", "2026-12-31").Enter("2024-01-10").Cancel(cancelled).EvaluateOn(cancelled);
        Assert.Equal(D(lastDay), e.PermittedUntil);
        Assert.Equal(rule, e.BindingRule);
        var expiry = Only(e, DeadlineKind.ExitVisaExpiry);
        Assert.Equal((D(lastDay), DeadlineStatus.Open, rule), (expiry.Due, expiry.Status, expiry.Rule));
        Assert.DoesNotContain(e.Deadlines, d => d.Kind == DeadlineKind.ExtensionWindowOpens);
    }

    [Fact]
    public void NOTIFY_EREG_30CD_From1July2026_VisaFreeArrivals()
    {
        // calendar.md: MIA order No. 923 (as reported): from 1 Jul 2026 immigrants under 90-day regimes register by the 30th calendar day after crossing.
        var visaFree = Only(For("DE").Enter("2026-08-03").EvaluateOn("2026-08-04"), DeadlineKind.ArrivalNotification);
        Assert.Equal((D("2026-09-02"), "NOTIFY-EREG-30CD"), (visaFree.Due, visaFree.Rule));
        // A visa holder's host still notifies within 3 working days.
        var visa = Only(For("JO").Visa("C3", "2026-08-01", "2027-07-31").Enter("2026-08-03").EvaluateOn("2026-08-04"), DeadlineKind.ArrivalNotification);
        Assert.Equal((D("2026-08-05"), "NOTIFY-3WD"), (visa.Due, visa.Rule));
    }

    [Fact]
    public void NOTIFY_ADDR_TakesTheBasisOfTheDayOfTheMove_AVisaStartingThatDayCounts()
    {
        // 000 §1 and calendar.md (MIA order No. 923): the deadline of a move follows the stay's basis on the day of the move. Entered
        // visa-free on 3 Aug 2026; a visa valid from Mon 10 Aug continues the stay. A move on Fri 7 Aug is a visa-free day (30 calendar
        // days); a move on the 10th is the visa's first day (3 working days, that day counted as in NOTIFY_ADDR above: 10, 11, 12 Aug).
        var e = For("DE").Visa("C3", "2026-08-10", "2027-08-09", issued: "2026-08-10").Enter("2026-08-03").AddressChange("2026-08-07").AddressChange("2026-08-10")
            .EvaluateOn("2026-08-11");
        Assert.Equal([D("2026-09-06"), D("2026-08-12")], e.Deadlines.Where(d => d.Rule == "NOTIFY-ADDR").Select(d => d.Due).Order().Reverse());
    }

    [Fact]
    public void ProvisionalCalendarYear_Warned()
    {
        var e = For("JO").Visa("C3", "2026-01-01", "2027-06-30").Enter("2026-01-10").EvaluateOn("2026-12-01");
        Assert.Contains(e.Warnings, w => w.Contains("2027", StringComparison.Ordinal) && w.Contains("provisional", StringComparison.Ordinal));
    }

    [Fact]
    public void EVISA_PASSPORT_ReplacementWarns()
    {
        // 000 §4.4: on passport replacement the e-Visa must be obtained again.
        var e = For("JO").Visa("B12", "2025-01-01", "2025-03-31", stay: 30, entries: "single", eVisa: true).Enter("2025-01-05").PassportReplaced("2025-01-10").EvaluateOn("2025-01-11");
        Assert.Contains(e.Warnings, w => w.Contains("EVISA-PASSPORT", StringComparison.Ordinal));
    }
}
