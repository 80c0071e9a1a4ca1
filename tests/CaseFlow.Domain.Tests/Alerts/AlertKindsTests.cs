using CaseFlow.Domain.Alerts;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;
using static CaseFlow.Domain.Tests.FactsBuilder;

namespace CaseFlow.Domain.Tests.Alerts;

/// <summary>Each alert kind's levels, days, messages and fines (issue 6), and the deterministic alert id.</summary>
public class AlertKindsTests
{
    private static readonly CaseId Id = new(Guid.Parse("01900000-0000-7000-8000-000000000002"));
    private static readonly HostPartyId Host = new(Guid.NewGuid());

    private static CaseState State(string nationality, params CaseEvent[] events) =>
        CaseState.Fold(new CaseEvent[] { new CaseOpened(Id, new Person("T", "T", nationality, new LocalDate(1980, 1, 1), "P1"), Host, "u") }.Concat(events));

    private static List<AlertSpec> Due(CaseState state, FactsBuilder facts, string day) =>
        [.. AlertRules.Due(RuleCatalogue.Default, state, facts.EvaluateOn(day), D(day), AlertSettings.Default)];

    [Fact]
    public void AlertId_DependsOnCaseKindDueAndLevel_AndIsAVersion8Uuid()
    {
        var id = AlertIds.For(Id, "overstay", D("2024-01-30"), "day4");
        Assert.Equal(id, AlertIds.For(Id, "overstay", D("2024-01-30"), "day4"));
        Assert.NotEqual(id, AlertIds.For(Id, "overstay", D("2024-01-31"), "day4"));
        Assert.NotEqual(id, AlertIds.For(Id, "stayEnding", D("2024-01-30"), "day4"));
        Assert.NotEqual(id, AlertIds.For(CaseId.New(), "overstay", D("2024-01-30"), "day4"));
        Assert.Equal('8', id.ToString()[14]);
        Assert.Contains(id.ToString()[19], "89ab");
    }

    [Fact]
    public void ResidencePermit_7DaysBefore_ThenMissedWithTheHostFine()
    {
        // 001: a Russian (EAEU) needs a TRP beyond 90 days: entering 1 Jan 2024, by 30 Mar (day 90).
        var state = State("RU", new Entered(Id, D("2024-01-01"), "ALA", "u"), new Notified(Id, D("2024-01-02"), NotificationChannel.EQonaq, null, "u"));
        var facts = For("RU").Host("medium").Enter("2024-01-01").Notify("2024-01-02");
        Assert.DoesNotContain(Due(state, facts, "2024-03-22"), s => s.Kind == AlertRules.ResidencePermitRequired);
        var week = Assert.Single(Due(state, facts, "2024-03-23"), s => s.Kind == AlertRules.ResidencePermitRequired);
        Assert.Equal(("7d", D("2024-03-30"), "TRP needed by 2024-03-30 (TRP-EAEU-90)", "TRP-EAEU-90"), (week.Level, week.Due, week.Message, week.Rule));
        var missed = Due(state, facts, "2024-03-31").Single(s => s.Kind == AlertRules.ResidencePermitRequired && s.Level == "missed");
        Assert.Equal(("TRP needed since 2024-03-30 (TRP-EAEU-90); art. 517/518 exposure", D("2024-03-31")), (missed.Message, missed.RaiseOn));
        Assert.Equal((518, 15m), (missed.Fine!.Article, missed.Fine.Mci)); // medium host, FINE518-1
    }

    [Fact]
    public void ExitVisa_3DaysBeforeItExpires()
    {
        var state = State("JO", new VisaIssued(Id, D("2024-01-01"), "C3", VisaEntries.Multiple, D("2024-01-01"), D("2024-12-31"), null, false, false, Host, "u"),
            new Entered(Id, D("2024-01-10"), "ALA", "u"), new Notified(Id, D("2024-01-10"), NotificationChannel.EQonaq, null, "u"),
            new VisaCancelled(Id, D("2024-06-01"), "C3", D("2024-06-30"), "EXIT-AFTER-CANCEL-30D", "u"));
        var facts = For("JO").Visa("C3", "2024-01-01", "2024-12-31").Enter("2024-01-10").Notify("2024-01-10").Cancel("2024-06-01");
        Assert.DoesNotContain(Due(state, facts, "2024-06-26"), s => s.Kind == AlertRules.ExitVisaExpiring);
        var spec = Assert.Single(Due(state, facts, "2024-06-27"), s => s.Kind == AlertRules.ExitVisaExpiring);
        Assert.Equal(("3d", D("2024-06-30"), "Exit visa expires on 2024-06-30: the person must leave (EXIT-AFTER-CANCEL-30D)"), (spec.Level, spec.Due, spec.Message));
        Assert.DoesNotContain(Due(state, facts, "2024-07-01"), s => s.Kind == AlertRules.ExitVisaExpiring); // missed: the overstay alerts take over
    }

    [Fact]
    public void PassportReplaced_WithAnEVisa_ANewEVisaIsNeeded()
    {
        var state = State("DE", new VisaIssued(Id, D("2024-01-01"), "B12", VisaEntries.Single, D("2024-01-01"), D("2024-03-01"), null, false, true, Host, "u"),
            new Entered(Id, D("2024-01-10"), "ALA", "u"), new PassportReplaced(Id, D("2024-01-20"), "P2", null, true, false, "u"));
        var facts = For("DE").Visa("B12", "2024-01-01", "2024-03-01", entries: "single", eVisa: true).Enter("2024-01-10").Notify("2024-01-10").PassportReplaced("2024-01-20");
        var spec = Assert.Single(Due(state, facts, "2024-01-20"), s => s.Kind == AlertRules.PassportReplacedEVisa);
        Assert.Equal(("invalid", D("2024-03-01"), D("2024-01-10"), "EVISA-PASSPORT"), (spec.Level, spec.Due, spec.RaiseOn, spec.Rule));
        Assert.Equal("Passport replaced: the e-Visa in the old passport is no longer valid; a new e-Visa is needed (EVISA-PASSPORT, 000 §4.4)", spec.Message);
        Assert.DoesNotContain(Due(state with { Visa = state.Visa! with { EVisaInvalidated = false } }, facts, "2024-01-20"), s => s.Kind == AlertRules.PassportReplacedEVisa);
    }

    [Fact]
    public void RepeatHostOffence_WithinAYear_RaisedOnTheOffenceDay()
    {
        // Two late notifications within a year (art. 518 repeat: 40 MCI for a small host and a 1-year invitation ban, 000 §1).
        var facts = For("DE").Host("small").Enter("2024-01-10").Notify("2024-01-20").Exit("2024-01-25").Enter("2024-03-04").Notify("2024-03-15");
        var state = State("DE", new Entered(Id, D("2024-03-04"), "ALA", "u"));
        var spec = Assert.Single(Due(state, facts, "2024-03-20"), s => s.Kind == AlertRules.RepeatHostOffence);
        Assert.Equal(("repeat", 40m, "FINE518-REPEAT"), (spec.Level, spec.Fine!.Mci, spec.Rule));
        Assert.Equal(spec.Due, spec.RaiseOn);
        Assert.StartsWith("Repeat host-party offence within 12 months: art. 518 40 MCI", spec.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VisaFreeLimit_NearlyReached_10DaysLeftInTheRollingWindow()
    {
        // VF-90-180 (000 §2): the alert once 10 or fewer of the 90 days in 180 remain.
        var facts = For("DE").Stay("2024-01-01", "2024-01-30").Stay("2024-02-05", "2024-03-05").Enter("2024-03-20").Notify("2024-03-20");
        var state = State("DE", new Entered(Id, D("2024-03-20"), "ALA", "u"), new Notified(Id, D("2024-03-20"), NotificationChannel.EQonaq, null, "u"));
        // 30 + 30 days before, the third stay's 20th day (8 Apr) makes 80; the window is the 180 days ending that day (12 Oct 2023 to 8 Apr 2024).
        Assert.DoesNotContain(Due(state, facts, "2024-04-07"), s => s.Kind == AlertRules.LimitNearlyReached);
        var spec = Assert.Single(Due(state, facts, "2024-04-08"), s => s.Kind == AlertRules.LimitNearlyReached);
        Assert.Equal(("10d", "VF-90-180", "VF-90-180: 80 of 90 days used in 2023-10-12..2024-04-08"), (spec.Level, spec.Rule, spec.Message));
        // Out of the country no day is used: no alert (an exit recorded that day).
        Assert.DoesNotContain(Due(state with { InCountry = false }, facts, "2024-04-08"), s => s.Kind == AlertRules.LimitNearlyReached);
    }

    [Fact]
    public void NotificationAlerts_MessagesAndTheMissedFine()
    {
        var state = State("DE", new Entered(Id, D("2024-05-03"), "ALA", "u"));
        var facts = For("DE").Host("large").Enter("2024-05-03");
        var specs = Due(state, facts, "2024-05-07").Where(s => s.Kind == AlertRules.ArrivalNotification).ToList();
        Assert.Equal(["Arrival notification due on 2024-05-06 (NOTIFY-3WD)", "Arrival notification due today (NOTIFY-3WD)",
            "Arrival notification missed (due 2024-05-06); host party exposed to art. 518: 20 MCI"], specs.Select(s => s.Message));
        Assert.Equal([D("2024-05-04"), D("2024-05-06"), D("2024-05-07")], specs.Select(s => s.RaiseOn));
        Assert.Equal(20m, specs[2].Fine!.Mci);
        // Only an exit visa's expiry is an exit-visa alert; the stay's open exit deadline (1 June, the 30th day) is not, 3 days before it either.
        Assert.Contains(facts.EvaluateOn("2024-05-30").Deadlines, d => d.Kind == DeadlineKind.Exit && d.Status == DeadlineStatus.Open && d.Due == D("2024-06-01"));
        Assert.DoesNotContain(Due(state, facts, "2024-05-30"), s => s.Kind == AlertRules.ExitVisaExpiring);
        Assert.Empty(AlertRules.Due(RuleCatalogue.Default, state with { Closed = true }, facts.EvaluateOn("2024-05-07"), D("2024-05-07"), AlertSettings.Default));
    }

    [Fact]
    public void ASecondMissedNotification_ItsAlertNamesItsOwnFine_TheRepeatOne()
    {
        // Arrival not notified (due 6 May, 518 from 7 May), then an address change not notified either: the second miss within 12 months
        // is a repeat offence (art. 518: 40 MCI for a small host, 000 §1); its missed alert names that fine, not the first one's 10.
        var facts = For("DE").Host("small").Enter("2024-05-03").Notify("2024-05-10").AddressChange("2024-05-20");
        var state = State("DE", new Entered(Id, D("2024-05-03"), "ALA", "u"), new Notified(Id, D("2024-05-10"), NotificationChannel.EQonaq, null, "u"),
            new AddressChanged(Id, D("2024-05-20"), "Almaty, Abay 1", "u"));
        var missed = Due(state, facts, "2024-06-03").Where(s => s.Kind == AlertRules.ArrivalNotification && s.Level == "missed").ToList();
        var second = Assert.Single(missed, s => s.Due > D("2024-05-20"));
        Assert.NotNull(second.Fine);
        Assert.Equal(second.Due.PlusDays(1), second.Fine.OffenceDate);
        Assert.Equal(40m, second.Fine.Mci);
    }

    [Fact]
    public void ToRaise_TheLatestLevelOfEachCondition_NotOneAlreadyRaised_ClearedWhenTheConditionIsGone()
    {
        var state = State("DE", new Entered(Id, D("2024-05-03"), "ALA", "u"));
        var facts = For("DE").Enter("2024-05-03");
        var due = AlertRules.Due(RuleCatalogue.Default, state, facts.EvaluateOn("2024-05-08"), D("2024-05-08"), AlertSettings.Default);
        var raise = AlertRules.ToRaise(due, state, D("2024-05-08"), AlertSettings.Default);
        Assert.Equal([(AlertRules.ArrivalNotification, "missed")], raise.Select(s => (s.Kind, s.Level)));
        var raised = CaseState.Evolve(state, new AlertRaised(Id, AlertIds.For(Id, AlertRules.ArrivalNotification, D("2024-05-06"), "missed"), AlertRules.ArrivalNotification,
            "missed", D("2024-05-06"), D("2024-05-08"), "m", "NOTIFY-3WD", null, null, null, null, "sweep"));
        Assert.Empty(AlertRules.ToRaise(due, raised, D("2024-05-08"), AlertSettings.Default));
        Assert.Empty(AlertRules.Cleared(due, raised));
        Assert.Single(AlertRules.Cleared([], raised));
        var repeat = CaseState.Evolve(state, new AlertRaised(Id, Guid.NewGuid(), AlertRules.RepeatHostOffence, "repeat", D("2024-05-06"), D("2024-05-08"), "m", "r", null, null, null, null, "sweep"));
        Assert.Empty(AlertRules.Cleared([], repeat)); // a repeat offence is a fact, it never clears
    }
}
