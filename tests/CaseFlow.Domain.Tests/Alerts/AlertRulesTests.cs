using CaseFlow.Domain.Alerts;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;
using static CaseFlow.Domain.Tests.FactsBuilder;

namespace CaseFlow.Domain.Tests.Alerts;

/// <summary>Which alerts are due on which day (issue 6), from the rules of 000 §1, the art. 517/518 tables and 001's extension window.</summary>
public class AlertRulesTests
{
    private static readonly CaseId Id = CaseId.New();
    private static readonly HostPartyId Host = new(Guid.NewGuid());

    private static CaseState State(params CaseEvent[] events) =>
        CaseState.Fold(new CaseEvent[] { new CaseOpened(Id, new Person("Test", "T", "DE", new LocalDate(1980, 1, 1), "P1"), Host, "u") }.Concat(events));

    /// <summary>The level raised on each day from <paramref name="from"/> to <paramref name="to"/> when sweeping daily.</summary>
    private static List<(LocalDate Day, string Kind, string Level)> Daily(CaseState state, CaseFacts facts, string from, string to, string? kind = null)
    {
        var raised = new List<(LocalDate, string, string)>();
        var alerts = state;
        for (var day = D(from); day <= D(to); day = day.PlusDays(1))
        {
            var e = RulesEngine.Evaluate(RuleCatalogue.Default, facts, day);
            var due = AlertRules.Due(RuleCatalogue.Default, alerts, e, day, AlertSettings.Default);
            foreach (var spec in AlertRules.ToRaise(due, alerts, day, AlertSettings.Default).Where(s => kind is null || s.Kind == kind))
            {
                raised.Add((day, spec.Kind, spec.Level));
                alerts = CaseState.Evolve(alerts, new AlertRaised(Id, AlertIds.For(Id, spec.Kind, spec.Due, spec.Level), spec.Kind, spec.Level, spec.Due, day, spec.Message,
                    spec.Rule, null, null, null, null, "sweep"));
            }
        }
        return raised;
    }

    [Fact]
    public void GermanEntersFriday3May2024_Reminder4May_Due6May_Missed7May()
    {
        // 000 §1: within 3 working days; Sat 4 May 2024 was a working day (calendar.md), so the day before Mon 6 May is Sat 4 May.
        var state = State(new Entered(Id, D("2024-05-03"), "ALA", "u"));
        var facts = For("DE").Host("medium").Enter("2024-05-03").Build();
        var raised = Daily(state, facts, "2024-05-03", "2024-05-10", AlertRules.ArrivalNotification);
        Assert.Equal([(D("2024-05-04"), "arrivalNotification", "reminder"), (D("2024-05-06"), "arrivalNotification", "due"), (D("2024-05-07"), "arrivalNotification", "missed")], raised);
        var missed = AlertRules.Due(RuleCatalogue.Default, state, RulesEngine.Evaluate(RuleCatalogue.Default, facts, D("2024-05-07")), D("2024-05-07"), AlertSettings.Default)
            .Single(s => s.Level == "missed");
        Assert.Equal((518, 15m, 55_380m), (missed.Fine!.Article, missed.Fine.Mci, missed.Fine.Tenge!.Value)); // medium host, MCI 2024
    }

    [Fact]
    public void Overstay_AlertsOnDays1_4_6_11_WithTheArt517Tiers()
    {
        var state = State(new Entered(Id, D("2024-01-01"), "ALA", "u"), new Notified(Id, D("2024-01-02"), NotificationChannel.EQonaq, null, "u"));
        var facts = For("DE").Enter("2024-01-01").Notify("2024-01-02").Build();
        var raised = Daily(state, facts, "2024-01-30", "2024-02-20", AlertRules.Overstay);
        // Last lawful day 30 Jan (VF-30-ENTRY); day 1 = 31 Jan.
        Assert.Equal([(D("2024-01-31"), "day1"), (D("2024-02-03"), "day4"), (D("2024-02-05"), "day6"), (D("2024-02-10"), "day11")], raised.Select(r => (r.Day, r.Level)).ToList());
        var day11 = AlertRules.Due(RuleCatalogue.Default, state, RulesEngine.Evaluate(RuleCatalogue.Default, facts, D("2024-02-10")), D("2024-02-10"), AlertSettings.Default)
            .Single(s => s.Level == "day11");
        Assert.Equal((25m, 92_300m), (day11.Fine!.Mci, day11.Fine.Tenge!.Value));
    }

    [Fact]
    public void OverstayAlertRaisedLate_SaysTodaysDayCount_NotTheTiersFirstDay()
    {
        // Art. 517 tier from day 4 (fines.json); first swept on day 5 (a node was down): the message says day 5.
        var state = State(new Entered(Id, D("2024-01-01"), "ALA", "u"), new Notified(Id, D("2024-01-02"), NotificationChannel.EQonaq, null, "u"));
        var facts = For("DE").Enter("2024-01-01").Notify("2024-01-02").Build();
        var day5 = D("2024-02-04");
        var due = AlertRules.Due(RuleCatalogue.Default, state, RulesEngine.Evaluate(RuleCatalogue.Default, facts, day5), day5, AlertSettings.Default);
        var raised = AlertRules.ToRaise(due, state, day5, AlertSettings.Default).Single(s => s.Kind == AlertRules.Overstay);
        Assert.Equal("day4", raised.Level);
        Assert.StartsWith("Overstay day 5 since 2024-01-31", raised.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StayEnding_7_3_1DaysBefore()
    {
        var state = State(new Entered(Id, D("2024-01-01"), "ALA", "u"), new Notified(Id, D("2024-01-02"), NotificationChannel.EQonaq, null, "u"));
        var facts = For("DE").Enter("2024-01-01").Notify("2024-01-02").Build();
        var raised = Daily(state, facts, "2024-01-01", "2024-01-30", AlertRules.StayEnding);
        Assert.Equal([(D("2024-01-23"), "7d"), (D("2024-01-27"), "3d"), (D("2024-01-29"), "1d")], raised.Select(r => (r.Day, r.Level)).ToList());
    }

    [Fact]
    public void C3ExtensionWindow_Opened18Nov_ClosingSoon20Dec_Missed25Dec()
    {
        // 001: the window of a visa ending 31 Dec 2024 opens Mon 18 Nov and closes Tue 24 Dec; 2 working days before that is Fri 20 Dec.
        var state = State(new VisaIssued(Id, D("2024-01-01"), "C3", VisaEntries.Multiple, D("2024-01-01"), D("2024-12-31"), null, false, false, Host, "u"),
            new Entered(Id, D("2024-01-10"), "ALA", "u"), new Notified(Id, D("2024-01-10"), NotificationChannel.EQonaq, null, "u"));
        var facts = For("JO").Visa("C3", "2024-01-01", "2024-12-31").Enter("2024-01-10").Notify("2024-01-10").Build();
        var raised = Daily(state, facts, "2024-11-01", "2024-12-27", AlertRules.ExtensionWindow);
        Assert.Equal([(D("2024-11-18"), "opened"), (D("2024-12-20"), "closingSoon"), (D("2024-12-25"), "missed")], raised.Select(r => (r.Day, r.Level)).ToList());
    }

    [Fact]
    public void NotificationRecorded_ClearsTheOpenAlert()
    {
        var id = AlertIds.For(Id, AlertRules.ArrivalNotification, D("2024-05-06"), "due");
        var state = State(new Entered(Id, D("2024-05-03"), "ALA", "u"),
            new AlertRaised(Id, id, AlertRules.ArrivalNotification, "due", D("2024-05-06"), D("2024-05-06"), "m", "NOTIFY-3WD", null, null, null, null, "sweep"),
            new Notified(Id, D("2024-05-06"), NotificationChannel.EQonaq, null, "u"));
        var facts = For("DE").Enter("2024-05-03").Notify("2024-05-06").Build();
        var due = AlertRules.Due(RuleCatalogue.Default, state, RulesEngine.Evaluate(RuleCatalogue.Default, facts, D("2024-05-06")), D("2024-05-06"), AlertSettings.Default);
        Assert.Equal(id, Assert.Single(AlertRules.Cleared(due, state)).Id);
    }

    [Fact]
    public void AlertIds_AreDeterministic()
    {
        Assert.Equal(AlertIds.For(Id, "overstay", D("2024-01-30"), "day4"), AlertIds.For(Id, "overstay", D("2024-01-30"), "day4"));
        Assert.NotEqual(AlertIds.For(Id, "overstay", D("2024-01-30"), "day4"), AlertIds.For(Id, "overstay", D("2024-01-30"), "day6"));
    }

    /// <summary>
    /// An alert's id (ADR 28): its case id's first 64 bits with the version nibble 8, then bits 64-127 of the SHA-256 of
    /// "case|kind|yyyy-MM-dd|level", the RFC 4122 variant set. The same inputs give the same id in every version from ADR 28 on (a
    /// second node or a repeated sweep raises nothing new). Pinned to values computed outside .NET (Python's hashlib and uuid).
    /// </summary>
    [Fact]
    public void AlertIds_AreStableAcrossVersions_TheDueDateWrittenAsIsoText()
    {
        var id = new CaseId(Guid.Parse("0190a1b2-0000-7000-8000-00000000c0de"));
        Assert.Equal(Guid.Parse("0190a1b2-0000-8000-a8fc-99c83eb86d20"), AlertIds.For(id, "overstay", D("2024-01-30"), "day4"));
        Assert.Equal(Guid.Parse("0190a1b2-0000-8000-aacb-062b2de56c3b"), AlertIds.For(id, "overstay", new LocalDate(999, 1, 30), "day4"));
    }

    /// <summary>
    /// Ids sort as their cases do (the order PostgreSQL gives uuids, which .NET's comparison shares): the alerts of cases taken in id
    /// order are neighbours in the inbox's and the event store's indexes. Only the first 64 bits come from the case.
    /// </summary>
    [Fact]
    public void AlertIds_SortAsTheirCases()
    {
        var cases = new[] { "00000000-0000-4000-8000-000000000000", "0000ffff-ffff-4fff-bfff-ffffffffffff", "00010000-0000-7000-8000-000000000000", "7fffffff-0000-4000-8000-000000000000",
            "80000000-0000-4000-8000-000000000000", "ffffffff-ffff-7fff-bfff-fffffffffffe" }.Select(g => new CaseId(Guid.Parse(g))).ToList();
        var ids = cases.Select(c => AlertIds.For(c, "overstay", D("2024-01-30"), "day4")).ToList();
        Assert.Equal(ids, ids.Order());
        Assert.All(ids.Zip(cases), p => Assert.Equal(p.Second.Value.ToString()[..13] + "-8" + p.Second.Value.ToString()[15..18], p.First.ToString()[..18]));
        Assert.Equal(AlertIds.InCaseOrder(cases[0], "x"), AlertIds.InCaseOrder(cases[0], "x"));
        Assert.NotEqual(AlertIds.InCaseOrder(cases[0], "x"), AlertIds.InCaseOrder(cases[0], "y"));
    }

    /// <summary>The range the nightly inbox check reads a case's alerts by (ADR 28): every id of the case inside, its neighbours' outside.</summary>
    [Fact]
    public void AlertIds_RangeOfACase_HoldsItsIdsAndNoNeighbours()
    {
        var c = new CaseId(Guid.Parse("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"));
        var (first, last) = AlertIds.RangeOf(c);
        Assert.Equal((Guid.Parse("0190a1b2-c3d4-8e5f-0000-000000000000"), Guid.Parse("0190a1b2-c3d4-8e5f-ffff-ffffffffffff")), (first, last));
        foreach (var name in new[] { "a", "b", "overstay|2024-01-30|day4", "" })
        {
            var id = AlertIds.InCaseOrder(c, name);
            Assert.True(first.CompareTo(id) < 0 && id.CompareTo(last) < 0, name);
        }
        var before = AlertIds.InCaseOrder(new CaseId(Guid.Parse("0190a1b2-c3d4-7e5e-ffff-ffffffffffff")), "a");
        var after = AlertIds.InCaseOrder(new CaseId(Guid.Parse("0190a1b2-c3d4-7e60-0000-000000000000")), "a");
        Assert.True(before.CompareTo(first) < 0 && last.CompareTo(after) < 0);
    }

    /// <summary>
    /// An alert raised before ADR 28 kept its old id (a hash of the same text); the rules see it as raised by its kind, due date and
    /// level, so the sweep never raises it again under its new id. Another level of the same condition is still a new alert.
    /// </summary>
    [Fact]
    public void AnAlertUnderItsOldId_IsNotRaisedAgain()
    {
        var missed = Guid.Parse("47a84b6e-5fe6-59ce-a8fc-99c83eb86d20"); // any id not derived by AlertIds.For
        var entered = new Entered(Id, D("2024-05-03"), "ALA", "u");
        var facts = For("DE").Enter("2024-05-03").Build();
        var day = D("2024-05-08");
        var due = AlertRules.Due(RuleCatalogue.Default, State(entered), RulesEngine.Evaluate(RuleCatalogue.Default, facts, day), day, AlertSettings.Default);
        var spec = Assert.Single(AlertRules.ToRaise(due, State(entered), day, AlertSettings.Default), s => s.Kind == AlertRules.ArrivalNotification);
        var raised = State(entered, new AlertRaised(Id, missed, spec.Kind, spec.Level, spec.Due, day, "m", spec.Rule, null, null, null, null, "sweep"));
        Assert.DoesNotContain(AlertRules.ToRaise(due, raised, day, AlertSettings.Default), s => s.Kind == AlertRules.ArrivalNotification);
        var otherLevel = State(entered, new AlertRaised(Id, missed, spec.Kind, spec.Level + "-other", spec.Due, day, "m", spec.Rule, null, null, null, null, "sweep"));
        Assert.Contains(AlertRules.ToRaise(due, otherLevel, day, AlertSettings.Default), s => s.Kind == AlertRules.ArrivalNotification);
        var otherDue = State(entered, new AlertRaised(Id, missed, spec.Kind, spec.Level, spec.Due.PlusDays(1), day, "m", spec.Rule, null, null, null, null, "sweep"));
        Assert.Contains(AlertRules.ToRaise(due, otherDue, day, AlertSettings.Default), s => s.Kind == AlertRules.ArrivalNotification);
    }

    /// <summary>
    /// The alert texts the compliance inbox shows, word for word, with their dates written yyyy-MM-dd: the arrival notification's
    /// reminder and its miss with the host party's exposure (000 §1, art. 518: 15 MCI for a medium host), and the extension window's
    /// three alerts (001: a visa ending 31 Dec 2024, the window from Mon 18 Nov to Tue 24 Dec).
    /// </summary>
    [Fact]
    public void AlertTexts_NameTheirDatesAndRules()
    {
        var german = State(new Entered(Id, D("2024-05-03"), "ALA", "u"));
        var germanFacts = For("DE").Host("medium").Enter("2024-05-03").Build();
        var arrival = AlertRules.All(RuleCatalogue.Default, german, RulesEngine.Evaluate(RuleCatalogue.Default, germanFacts, D("2024-05-07")), D("2024-05-07"), AlertSettings.Default)
            .Where(s => s.Kind == AlertRules.ArrivalNotification).ToDictionary(s => s.Level, s => s.Message);
        Assert.Equal("Arrival notification due on 2024-05-06 (NOTIFY-3WD)", arrival["reminder"]);
        Assert.Equal("Arrival notification missed (due 2024-05-06); host party exposed to art. 518: 15 MCI", arrival["missed"]);
        // Judged on the due day, the miss is still ahead and no fine is assessed: the text names no amount.
        var ahead = AlertRules.All(RuleCatalogue.Default, german, RulesEngine.Evaluate(RuleCatalogue.Default, germanFacts, D("2024-05-06")), D("2024-05-06"), AlertSettings.Default)
            .Single(s => s.Kind == AlertRules.ArrivalNotification && s.Level == "missed");
        Assert.Equal("Arrival notification missed (due 2024-05-06); host party exposed to art. 518", ahead.Message);

        var visa = State(new VisaIssued(Id, D("2024-01-01"), "C3", VisaEntries.Multiple, D("2024-01-01"), D("2024-12-31"), null, false, false, Host, "u"),
            new Entered(Id, D("2024-01-10"), "ALA", "u"), new Notified(Id, D("2024-01-10"), NotificationChannel.EQonaq, null, "u"));
        var visaFacts = For("JO").Visa("C3", "2024-01-01", "2024-12-31").Enter("2024-01-10").Notify("2024-01-10").Build();
        var window = AlertRules.All(RuleCatalogue.Default, visa, RulesEngine.Evaluate(RuleCatalogue.Default, visaFacts, D("2024-11-20")), D("2024-11-20"), AlertSettings.Default)
            .Where(s => s.Kind == AlertRules.ExtensionWindow).ToDictionary(s => s.Level, s => s.Message);
        Assert.Equal("Visa extension window opened on 2024-11-18, closes 2024-12-24 (EXT-WINDOW)", window["opened"]);
        Assert.Equal("Visa extension window closes in 2 working days, on 2024-12-24 (EXT-WINDOW)", window["closingSoon"]);
        Assert.Equal("Visa extension window closed on 2024-12-24 (EXT-WINDOW)", window["missed"]);
    }
}
