using CaseFlow.Domain.Rules;
using static CaseFlow.Domain.Tests.FactsBuilder;

namespace CaseFlow.Domain.Tests.Rules;

/// <summary>One test per regime row of rules.md §4-§7 (seeds 000 §2-§3, 004, 001).</summary>
public class StayLimitTests
{
    [Theory]
    // VF-30-ENTRY, 000_d0b006081fdc65c8.txt §2: 30 calendar days, entry day is day 1.
    [InlineData("DE", "2024-02-01", 30, "VF-30-ENTRY")]
    [InlineData("US", "2025-06-01", 30, "VF-30-ENTRY")]
    // VF14-14, 000 §2: India, Iran 14 days.
    [InlineData("IN", "2024-02-01", 14, "VF14-14")]
    [InlineData("IR", "2024-02-01", 14, "VF14-14")]
    // BVF-CIS-90, 000 §3: CIS up to 90 days (TRP beyond).
    [InlineData("RU", "2024-02-01", 90, "BVF-CIS-90")]
    [InlineData("UZ", "2024-02-01", 90, "BVF-CIS-90")]
    // BVF-GE-MD-90, BVF-UA-90-180 (rolling, no earlier days), BVF-AL-90-1Y, 000 §3.
    [InlineData("GE", "2024-02-01", 90, "BVF-GE-MD-90")]
    [InlineData("MD", "2024-02-01", 90, "BVF-GE-MD-90")]
    [InlineData("UA", "2024-02-01", 90, "BVF-UA-90-180")]
    [InlineData("AL", "2024-02-01", 90, "BVF-AL-90-1Y")]
    // BVF-AR-BR-30-1Y, BVF-30 (AE, MV, RS, TR), BVF-HK-14, BVF-KR-30, BVF-90 (MN, SM), BVF-EC-30-180, 000 §3.
    [InlineData("AR", "2024-02-01", 30, "BVF-AR-BR-30-1Y")]
    [InlineData("BR", "2024-02-01", 30, "BVF-AR-BR-30-1Y")]
    [InlineData("AE", "2024-02-01", 30, "BVF-30")]
    [InlineData("TR", "2024-02-01", 30, "BVF-30")]
    [InlineData("RS", "2024-02-01", 30, "BVF-30")]
    [InlineData("MV", "2024-02-01", 30, "BVF-30")]
    [InlineData("HK", "2024-02-01", 14, "BVF-HK-14")]
    [InlineData("KR", "2024-02-01", 30, "BVF-KR-30")]
    [InlineData("MN", "2024-02-01", 90, "BVF-90")]
    [InlineData("SM", "2024-02-01", 90, "BVF-90")]
    [InlineData("EC", "2024-02-01", 30, "BVF-EC-30-180")]
    // Conflicts decided by effective date (rules.md §26): China C4, Andorra C5, Qatar C3.
    [InlineData("CN", "2023-03-01", 14, "VF14-14")]
    [InlineData("CN", "2024-03-01", 30, "BVF-CN-30")]
    [InlineData("AD", "2023-03-01", 30, "BVF-AD-30")]
    [InlineData("AD", "2024-03-01", 90, "BVF-AD-90")]
    [InlineData("QA", "2023-03-01", 30, "VF-30-ENTRY")]
    [InlineData("QA", "2024-03-01", 30, "BVF-30")]
    public void FirstVisit_LongestStay_PerRegime(string nationality, string entry, int days, string rule)
    {
        var plan = For(nationality).Plan(entry);
        Assert.Equal(days, plan.MaxDays);
        Assert.Equal(D(entry).PlusDays(days - 1), plan.LastDay);
        Assert.Equal(rule, plan.BindingRule);
    }

    [Theory]
    // 000 §3 footnote *: Dominican Republic and Seychelles pending ratification: a visa is needed.
    [InlineData("DO")]
    [InlineData("SC")]
    // Jordan is neither unilateral nor bilateral visa-free (rules.md §10).
    [InlineData("JO")]
    // India before Government Resolution No. 464 of 7 Jul 2022 (004, 8 Jul 2022).
    [InlineData("IN", "2022-01-10")]
    public void NoVisaFreeRegime_NoLawfulDays(string nationality, string entry = "2024-03-01")
    {
        var plan = For(nationality).Plan(entry);
        Assert.Equal(0, plan.MaxDays);
        Assert.Null(plan.LastDay);
        Assert.Equal("VISA-REQUIRED", plan.BindingRule);
    }

    [Fact]
    public void VF_90_180_ThreeFullVisits_NextEntryWaitsForTheWindow()
    {
        // 000 §2: 90 days in each 180. 30 + 30 + 30 days in Jan-Apr 2024 (a leap year).
        var facts = For("DE").Stay("2024-01-01", "2024-01-30").Stay("2024-02-15", "2024-03-15").Stay("2024-04-01", "2024-04-30");
        // 28 Jun: window 1 Jan-28 Jun already holds 90 days.
        var blocked = facts.Plan("2024-06-28");
        Assert.Equal(0, blocked.MaxDays);
        Assert.Equal("VF-90-180", blocked.BindingRule);
        // 29 Jun: 1 Jan has left the window; each day one January day leaves as one day is added, then the 30-day visit limit binds.
        var open = facts.Plan("2024-06-29");
        Assert.Equal(30, open.MaxDays);
        Assert.Equal(D("2024-07-28"), open.LastDay);
    }

    [Fact]
    public void VF_90_180_PartialWindow_RollingLimitBindsBeforeVisitLimit()
    {
        // 60 days used in Feb-Mar 2024; a visit from 1 May may last until 90 are in the window: 30 more, but the window slides.
        var facts = For("FR").Stay("2024-02-01", "2024-03-01").Stay("2024-03-10", "2024-04-08").Stay("2024-04-20", "2024-05-09");
        // 30 + 30 + 20 = 80 days by 9 May. Entering 20 May: window [d-179, d] still holds all 80, so 10 more days: 20-29 May.
        var plan = facts.Plan("2024-05-20");
        Assert.Equal(10, plan.MaxDays);
        Assert.Equal(D("2024-05-29"), plan.LastDay);
        Assert.Equal("VF-90-180", plan.BindingRule);
    }

    [Fact]
    public void VF_120_CY_CalendarYearLimitBinds()
    {
        // 000 §2: 120 days in a calendar year. Four 30-day visits spaced so the 90/180 rule never binds: 120 used by November.
        var facts = For("IT").Stay("2025-01-01", "2025-01-30").Stay("2025-04-01", "2025-04-30").Stay("2025-07-01", "2025-07-30");
        // 90 used; on 1 Oct the rolling window [4 Apr..1 Oct] holds 27 + 30 = 57, so 30 more days fit the window.
        var october = facts.Stay("2025-10-01", "2025-10-30");
        var plan = october.Plan("2025-12-01");
        // The calendar year already holds 120 days: nothing left in 2025; the stay can start only in the next year.
        Assert.Equal(0, plan.MaxDays);
        Assert.Equal("VF-120-CY", plan.BindingRule);
        var evaluation = october.EvaluateOn("2025-12-01");
        var cy = Assert.Single(evaluation.Limits, l => l.Kind == LimitKind.CalendarYear);
        Assert.Equal(120, cy.Used);
        Assert.Equal(120, cy.Max);
    }

    [Fact]
    public void VF14_42_180_IndiaRollingLimit()
    {
        // 000 §2: 14 days a visit, 42 in 180. Three 14-day visits, then nothing until the first leaves the window.
        var facts = For("IN").Stay("2024-01-01", "2024-01-14").Stay("2024-02-01", "2024-02-14").Stay("2024-03-01", "2024-03-14");
        Assert.Equal(0, facts.Plan("2024-04-01").MaxDays);
        // 1 Jan leaves the window on 29 Jun (2024-06-29 - 179 days = 2024-01-02): one day is free, then each day frees another.
        var plan = facts.Plan("2024-06-29");
        Assert.Equal(14, plan.MaxDays);
    }

    [Fact]
    public void BVF_KR_60_180_SecondVisitCutByRollingLimit()
    {
        // 000 §3: Korea 30 days a visit, not more than 60 in each 180.
        var facts = For("KR").Stay("2024-01-01", "2024-01-30").Stay("2024-02-10", "2024-03-10");
        // 60 used by 10 Mar; on 1 Apr the window holds all 60: nothing left.
        Assert.Equal(0, facts.Plan("2024-04-01").MaxDays);
        Assert.Equal("BVF-KR-60-180", facts.Plan("2024-04-01").BindingRule);
    }

    [Fact]
    public void BorderRun_ReentryOnTheExitDay_CountsThatDayOnce_AndStartsANewVisit()
    {
        // A new visit starts with each entry (VF-30-ENTRY); the shared day counts once toward 90/180 (000 §2).
        var e = For("DE").Stay("2024-01-01", "2024-01-30").Enter("2024-01-30").EvaluateOn("2024-02-05");
        Assert.Equal(D("2024-02-28"), e.PermittedUntil);
        Assert.Equal(36, Assert.Single(e.Limits, l => l.Kind == LimitKind.Rolling).Used); // 1 Jan .. 5 Feb
    }

    [Fact]
    public void VisaFreeDays_AOneDayVisaOnTheEntryDay_ThatDayIsNotAVisaFreeDay()
    {
        // 000 §2: only days without a visa or TRP count toward 90/180. A one-day visa covers the entry day; the four days after it
        // (an overstay on that visa) are days without one and count.
        var e = For("DE").Visa("C3", "2024-03-01", "2024-03-01").Stay("2024-03-01", "2024-03-05").Enter("2024-04-01").EvaluateOn("2024-04-01");
        Assert.Equal(4 + 1, Assert.Single(e.Limits, l => l.Kind == LimitKind.Rolling).Used); // 2-5 March, 1 April
    }

    [Fact]
    public void VisaFreeDays_AVisaStartingOnTheExitDay_CoversTheExitDay()
    {
        // 000 §2 and §4: entered visa-free on 1 March, a visa valid from the 10th to 31 May continues the stay; the exit on the 10th is a day under
        // the visa, so 9 visa-free days (1-9 March) count toward 90/180, not 10; then 1 June, a visa-free entry after the visa.
        var e = For("DE").Visa("C3", "2024-03-10", "2024-05-31").Stay("2024-03-01", "2024-03-10").Enter("2024-06-01").EvaluateOn("2024-06-01");
        Assert.Equal(9 + 1, Assert.Single(e.Limits, l => l.Kind == LimitKind.Rolling).Used);
    }

    [Fact]
    public void Overstay_VisaFree_CountsDaysAfterLastLawfulDay()
    {
        // 35 days in the country on a 30-day visit: day 31-35 are overstay days 1-5 (Art. 517, FINE517-OS-3-5).
        var e = For("DE").Stay("2024-01-01", "2024-02-04").EvaluateOn("2024-03-01");
        Assert.Equal(D("2024-01-30"), e.PermittedUntil);
        Assert.Equal(5, e.OverstayDays);
        Assert.False(e.InCountry);
    }

    [Fact]
    public void AsOf_IgnoresLaterFacts_WhatWasTrueThen()
    {
        var facts = For("DE").Stay("2024-01-01", "2024-02-04");
        var during = facts.EvaluateOn("2024-01-20");
        Assert.True(during.InCountry);
        Assert.Equal(0, during.OverstayDays);
        var perVisit = Assert.Single(during.Limits, l => l.Kind == LimitKind.PerVisit);
        Assert.Equal(20, perVisit.Used);
        Assert.Equal(D("2024-01-20"), perVisit.WindowEnd);
    }

    [Fact]
    public void Visa_StayPerEntryBindsBeforeValidity()
    {
        // 000 §4: B2 multiple entry: up to 180 days validity, up to 90 days per entry.
        var e = For("JO").Visa("B2", "2024-01-01", "2024-06-28", stay: 90).Enter("2024-01-10").EvaluateOn("2024-02-01");
        Assert.Equal(StayBasisKind.Visa, e.Basis);
        Assert.Equal(D("2024-04-08"), e.PermittedUntil);
        Assert.Equal("VISA-STAY-PER-ENTRY", e.BindingRule);
        Assert.Contains(e.Limits, l => l.Kind == LimitKind.VisaValidity && l.Max == 180);
        Assert.Contains(e.Limits, l => l.Kind == LimitKind.StayPerEntry && l.Used == 23 && l.Max == 90);
    }

    [Fact]
    public void Visa_ValidityBindsAndVisaDaysDoNotCountTowardVisaFreeLimits()
    {
        var e = For("DE").Visa("C3", "2024-01-01", "2024-12-31").Enter("2024-01-05").EvaluateOn("2024-06-01");
        Assert.Equal(D("2024-12-31"), e.PermittedUntil);
        Assert.Equal("VISA-VALIDITY", e.BindingRule);
        Assert.Equal(0, e.OverstayDays);
        // After the visa stay, a visa-free visit has its full 30 days (days under a visa are not visa-free days).
        var later = For("DE").Visa("C3", "2024-01-01", "2024-12-31").Stay("2024-01-05", "2024-12-20").Plan("2025-01-10");
        Assert.Equal(30, later.MaxDays);
    }

    [Fact]
    public void SingleEntryVisa_SecondEntryHasNoVisaBasis()
    {
        var facts = For("JO").Visa("B2", "2024-01-01", "2024-03-30", stay: 30, entries: "single").Stay("2024-01-05", "2024-01-20").Enter("2024-02-01");
        var e = facts.EvaluateOn("2024-02-02");
        Assert.Equal(StayBasisKind.None, e.Basis);
        Assert.Contains(e.Warnings, w => w.Contains("single-entry", StringComparison.Ordinal));
    }

    [Fact]
    public void ResidencePermit_IssuedDuringVisaFreeStay_ContinuesTheStay()
    {
        // 000 §5: TRP up to 1 year. A Russian enters visa-free and obtains a TRP on day 20.
        var e = For("RU").Enter("2024-01-10").Permit("2024-01-29", "2025-01-28").EvaluateOn("2024-06-01");
        Assert.Equal(StayBasisKind.ResidencePermit, e.Basis);
        Assert.Equal(D("2025-01-28"), e.PermittedUntil);
        Assert.Equal("TRP-TERM", e.BindingRule);
        Assert.Contains(e.Deadlines, d => d is { Kind: DeadlineKind.ResidencePermitRequired, Status: DeadlineStatus.Met });
    }

    [Theory]
    // 001 'Уақытша тұруға рұқсат': CIS beyond 30 days needs a TRP (TRP-CIS-30); EAEU beyond 90 (TRP-EAEU-90). Day 1 = entry day.
    [InlineData("UZ", "2024-03-01", "2024-03-30", "TRP-CIS-30")]
    [InlineData("TJ", "2024-03-01", "2024-03-30", "TRP-CIS-30")]
    [InlineData("KG", "2024-03-01", "2024-05-29", "TRP-EAEU-90")]
    [InlineData("RU", "2024-03-01", "2024-05-29", "TRP-EAEU-90")]
    public void ResidencePermitRequired_ByGroupThreshold(string nationality, string entry, string due, string rule)
    {
        var e = For(nationality).Enter(entry).EvaluateOn(entry);
        var d = Assert.Single(e.Deadlines, x => x.Kind == DeadlineKind.ResidencePermitRequired);
        Assert.Equal(D(due), d.Due);
        Assert.Equal(rule, d.Rule);
        Assert.Equal(DeadlineStatus.Open, d.Status);
        var late = For(nationality).Enter(entry).EvaluateOn(D(due).PlusDays(1).ToString("yyyy-MM-dd", null));
        Assert.Equal(DeadlineStatus.Missed, Assert.Single(late.Deadlines, x => x.Kind == DeadlineKind.ResidencePermitRequired).Status);
    }

    [Fact]
    public void ResidencePermit_ChildUnder16_NotRequired()
    {
        // 000 §5: children under 16 do not need a TRP.
        var e = For("UZ").Born("2015-01-01").Enter("2024-03-01").EvaluateOn("2024-04-15");
        Assert.DoesNotContain(e.Deadlines, d => d.Kind == DeadlineKind.ResidencePermitRequired);
    }
}
