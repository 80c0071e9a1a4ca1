using CaseFlow.Domain.Alerts;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;
using static CaseFlow.Domain.Tests.FactsBuilder;

namespace CaseFlow.Domain.Tests.Alerts;

/// <summary>
/// The sweep reads only the cases whose alert date has come (issue 11). For that to miss nothing, every day on which a daily sweep
/// would raise or resolve an alert must be one of <see cref="AlertRules.Dates"/> computed as of the case's latest business date.
/// Each scenario is swept every day for 400 days; any day with a change that the dates do not name fails the test.
/// Rules: 000 §1 (3 working days, 90/180, 30-day visa-free), art. 517 tiers (fines.json), 001 (extension window), 003 (exit visa).
/// </summary>
public class AlertDatesTests
{
    private static readonly CaseId Id = CaseId.New();
    private static readonly HostPartyId Host = new(Guid.NewGuid());

    public static TheoryData<string> Scenarios() => [.. Cases.Keys];

    private static readonly Dictionary<string, CaseEvent[]> Cases = new()
    {
        ["visa-free German, not notified (000 §1)"] = [new Entered(Id, D("2024-05-03"), "ALA", "u")],
        ["visa-free German, notified, stays into overstay (517 tiers)"] = [new Entered(Id, D("2024-01-01"), "ALA", "u"), new Notified(Id, D("2024-01-02"), NotificationChannel.EQonaq, null, "u")],
        ["visa-free US, 90 of 180 rolling, re-entry near the limit"] =
        [
            new Entered(Id, D("2024-01-10"), "ALA", "u"), new Notified(Id, D("2024-01-11"), NotificationChannel.EQonaq, null, "u"), new Exited(Id, D("2024-03-20"), "u"),
            new Entered(Id, D("2024-04-01"), "ALA", "u"), new Notified(Id, D("2024-04-02"), NotificationChannel.EQonaq, null, "u"),
        ],
        ["visa-free US, third visit nears 90 of 180 (limitNearlyReached)"] =
        [
            new Entered(Id, D("2024-01-01"), "ALA", "u"), new Notified(Id, D("2024-01-02"), NotificationChannel.EQonaq, null, "u"), new Exited(Id, D("2024-01-29"), "u"),
            new Entered(Id, D("2024-02-10"), "ALA", "u"), new Notified(Id, D("2024-02-12"), NotificationChannel.EQonaq, null, "u"), new Exited(Id, D("2024-03-09"), "u"),
            new Entered(Id, D("2024-04-01"), "ALA", "u"), new Notified(Id, D("2024-04-02"), NotificationChannel.EQonaq, null, "u"),
        ],
        ["visa-free UA, 90 of 180 while the first visit drops out of the window (BVF-UA-90-180)"] =
        [
            new Entered(Id, D("2023-09-08"), "ALA", "u"), new Notified(Id, D("2023-09-11"), NotificationChannel.EQonaq, null, "u"), new Exited(Id, D("2023-11-06"), "u"),
            new Entered(Id, D("2024-03-01"), "ALA", "u"), new Notified(Id, D("2024-03-04"), NotificationChannel.EQonaq, null, "u"),
        ],
        ["visa-free DE, 110 days used in 2025, the calendar-year limit restarts on 1 January (VF-120-CY)"] =
        [
            new Entered(Id, D("2025-01-01"), "ALA", "u"), new Notified(Id, D("2025-01-02"), NotificationChannel.EQonaq, null, "u"), new Exited(Id, D("2025-01-30"), "u"),
            new Entered(Id, D("2025-02-15"), "ALA", "u"), new Notified(Id, D("2025-02-17"), NotificationChannel.EQonaq, null, "u"), new Exited(Id, D("2025-03-16"), "u"),
            new Entered(Id, D("2025-04-01"), "ALA", "u"), new Notified(Id, D("2025-04-02"), NotificationChannel.EQonaq, null, "u"), new Exited(Id, D("2025-04-30"), "u"),
            new Entered(Id, D("2025-09-01"), "ALA", "u"), new Notified(Id, D("2025-09-02"), NotificationChannel.EQonaq, null, "u"), new Exited(Id, D("2025-09-19"), "u"),
            new Entered(Id, D("2025-12-25"), "ALA", "u"), new Notified(Id, D("2025-12-26"), NotificationChannel.EQonaq, null, "u"),
        ],
        ["C3 visa, window to extend (001)"] =
        [
            new VisaIssued(Id, D("2024-01-01"), "C3", VisaEntries.Multiple, D("2024-01-01"), D("2024-06-30"), null, false, false, Host, "u"),
            new Entered(Id, D("2024-01-05"), "ALA", "u"), new Notified(Id, D("2024-01-08"), NotificationChannel.EQonaq, null, "u"),
        ],
        ["B2 single visa, 30 days per entry"] =
        [
            new VisaIssued(Id, D("2024-02-01"), "B2", VisaEntries.Single, D("2024-02-01"), D("2024-04-30"), 30, false, false, Host, "u"),
            new Entered(Id, D("2024-02-10"), "ALA", "u"),
        ],
        ["visa cancelled, on an exit visa (003)"] =
        [
            new VisaIssued(Id, D("2024-01-01"), "C3", VisaEntries.Multiple, D("2024-01-01"), D("2024-12-31"), null, false, false, Host, "u"),
            new Entered(Id, D("2024-01-05"), "ALA", "u"), new Notified(Id, D("2024-01-08"), NotificationChannel.EQonaq, null, "u"),
            new VisaCancelled(Id, D("2024-03-01"), "C3", D("2024-03-31"), "EXIT-VISA", "u"),
        ],
        ["left the country, nothing open"] = [new Entered(Id, D("2024-05-03"), "ALA", "u"), new Exited(Id, D("2024-05-05"), "u")],
        ["entered across new year, calendar-year limits"] =
            [new Entered(Id, D("2025-12-20"), "ALA", "u"), new Notified(Id, D("2025-12-22"), NotificationChannel.EQonaq, null, "u")],
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void EveryDayADailySweepWouldChangeSomething_IsAnAlertDate(string scenario)
    {
        var nationality = scenario.Contains(" US", StringComparison.Ordinal) ? "US" : scenario.Contains(" UA", StringComparison.Ordinal) ? "UA" : "DE";
        var events = new CaseEvent[] { Opened(nationality) }.Concat(Cases[scenario]).ToList();
        var latest = events.Select(CaseEvents.DateOf).OfType<LocalDate>().Max();
        var facts = CaseFactsMapper.From(events, HostPartySize.Medium);
        var catalogue = RuleCatalogue.Default;
        var dates = AlertRules.Dates(catalogue, CaseState.Fold(events), RulesEngine.Evaluate(catalogue, facts, latest), latest, AlertSettings.Default,
            day => RulesEngine.Evaluate(catalogue, facts, day)).ToHashSet();

        var state = CaseState.Fold(events);
        var changes = 0;
        for (var day = latest; day <= latest.PlusDays(400); day = day.PlusDays(1))
        {
            var due = AlertRules.Due(catalogue, state, RulesEngine.Evaluate(catalogue, facts, day), day, AlertSettings.Default);
            var raise = AlertRules.ToRaise(due, state, day, AlertSettings.Default);
            var cleared = AlertRules.Cleared(due, state);
            if (raise.Count + cleared.Count == 0) continue;
            changes++;
            Assert.True(dates.Contains(day), $"{scenario}: on {day:yyyy-MM-dd} the sweep raises [{string.Join(", ", raise.Select(r => $"{r.Kind}/{r.Level}"))}] and " +
                $"resolves [{string.Join(", ", cleared.Select(c => $"{c.Kind}/{c.Level}"))}], but the alert dates are [{string.Join(", ", dates.Order().Select(d => d.ToString("yyyy-MM-dd", null)))}]");
            foreach (var r in raise)
                state = CaseState.Evolve(state, new AlertRaised(Id, AlertIds.For(Id, r.Kind, r.Due, r.Level), r.Kind, r.Level, r.Due, day, r.Message, r.Rule, null, null, null, null, "sweep"));
            foreach (var c in cleared) state = CaseState.Evolve(state, new AlertResolved(Id, c.Id, day, "cleared", true, "sweep"));
        }
        if (!scenario.StartsWith("left", StringComparison.Ordinal)) Assert.True(changes > 0, $"{scenario}: the scenario raises nothing, so it proves nothing");
    }

    [Fact]
    public void AClosedCase_HasNoAlertDates()
    {
        var events = new CaseEvent[]
        {
            Opened("DE"), new Entered(Id, D("2024-05-03"), "ALA", "u"),
            new CaseClosed(Id, D("2024-05-04"), "left the host", "u"),
        };
        var evaluation = RulesEngine.Evaluate(RuleCatalogue.Default, CaseFactsMapper.From(events, HostPartySize.Medium), D("2024-05-04"));
        Assert.Empty(AlertRules.Dates(RuleCatalogue.Default, CaseState.Fold(events), evaluation, D("2024-05-04"), AlertSettings.Default, _ => evaluation));
    }

    /// <summary>
    /// A 90-of-180 limit (BVF-UA-90-180) with 20 days used: in the country it can come within 10 days of its maximum on day
    /// 90 - 20 - 10 = 60 from now, found by evaluating the case on that day; after the exit no day is used until a new entry (an event,
    /// which recomputes the dates), so the case is not evaluated again, and its limit adds no date.
    /// </summary>
    [Fact]
    public void ALimitNearsOnlyInTheCountry_AnExitedCaseIsNotEvaluatedAgain()
    {
        var opened = Opened("UA");
        var stay = new CaseEvent[] { opened, new Entered(Id, D("2024-03-01"), "ALA", "u"), new Notified(Id, D("2024-03-04"), NotificationChannel.EQonaq, null, "u") };
        var catalogue = RuleCatalogue.Default;

        var inCountry = stay.ToList();
        var facts = CaseFactsMapper.From(inCountry, HostPartySize.Medium);
        var asOf = D("2024-03-20"); // day 20 of the stay
        var evaluation = RulesEngine.Evaluate(catalogue, facts, asOf);
        Assert.Contains(evaluation.Limits, l => l.Kind == LimitKind.Rolling && l.Used == 20 && l.Max == 90);
        var (dates, evaluated) = DatesFollowing(catalogue, inCountry, facts, evaluation, asOf);
        Assert.Equal([asOf.PlusDays(60)], evaluated);
        Assert.Contains(asOf.PlusDays(60), dates);

        var exited = stay.Append(new Exited(Id, asOf, "u")).ToList();
        var exitedEvaluation = RulesEngine.Evaluate(catalogue, CaseFactsMapper.From(exited, HostPartySize.Medium), asOf);
        Assert.Contains(exitedEvaluation.Limits, l => l.Kind == LimitKind.Rolling && l.Used == 20);
        var exitedDates = AlertRules.Dates(catalogue, CaseState.Fold(exited), exitedEvaluation, asOf, AlertSettings.Default,
            day => throw new InvalidOperationException($"evaluated again on {day}"));
        Assert.DoesNotContain(asOf.PlusDays(60), exitedDates);
    }

    /// <summary>
    /// Exactly which later days a case in the country is evaluated on to find when a limit comes within 10 days of its maximum (regimes
    /// from regimes.json, 000 §1): only rolling and calendar-year limits with more than 10 days left, from the earliest day it can
    /// happen (one day used a day), never past the last lawful day.
    /// </summary>
    [Theory]
    [InlineData("UA, 90 of 180, 80 used: already within 10 days", "UA", "", "2024-03-01", "2024-05-19", 80, "")]
    [InlineData("RU, 90 a visit only: not a rolling limit", "RU", "", "2024-03-01", "2024-03-20", 20, "")]
    [InlineData("KR, 60 of 180, 5 used: the day is after the 30-day visit ends", "KR", "", "2024-03-01", "2024-03-05", 5, "")]
    [InlineData("KR, 60 of 180, 25 used: the day is the visit's last lawful day", "KR", "2024-01-01..2024-01-20", "2024-03-01", "2024-03-05", 25, "2024-03-30")]
    public void ALimitIsFollowed_OnlyWhereItCanNear(string scenario, string nationality, string earlierVisit, string entered, string asOfText, int used, string expected)
    {
        var events = new List<CaseEvent> { Opened(nationality) };
        if (earlierVisit.Length > 0)
            events.AddRange([new Entered(Id, D(earlierVisit[..10]), "ALA", "u"), new Notified(Id, D(earlierVisit[..10]), NotificationChannel.EQonaq, null, "u"), new Exited(Id, D(earlierVisit[12..]), "u")]);
        events.AddRange([new Entered(Id, D(entered), "ALA", "u"), new Notified(Id, D(entered), NotificationChannel.EQonaq, null, "u")]);
        var catalogue = RuleCatalogue.Default;
        var facts = CaseFactsMapper.From(events, HostPartySize.Medium);
        var asOf = D(asOfText);
        var evaluation = RulesEngine.Evaluate(catalogue, facts, asOf);
        Assert.True(evaluation.Limits.Any(l => l.Used == used), $"{scenario}: no limit with {used} days used");
        var (_, evaluated) = DatesFollowing(catalogue, events, facts, evaluation, asOf);
        Assert.Equal(expected.Length == 0 ? [] : [D(expected)], evaluated);
        if (expected.Length > 0) Assert.Equal(D(expected), evaluation.PermittedUntil);
    }

    /// <summary>
    /// A limit followed to a later day where the stay no longer counts against it (a visa recorded now, valid from a later day, covers the
    /// stay from then: VISA-VALIDITY instead of BVF-UA-90-180) ends the search there rather than failing.
    /// </summary>
    [Fact]
    public void ALimitGoneOnTheLaterDay_EndsTheSearch()
    {
        var events = new List<CaseEvent>
        {
            Opened("UA"),
            new Entered(Id, D("2024-03-01"), "ALA", "u"), new Notified(Id, D("2024-03-04"), NotificationChannel.EQonaq, null, "u"),
            new VisaIssued(Id, D("2024-03-20"), "C3", VisaEntries.Multiple, D("2024-04-15"), D("2024-12-31"), null, false, false, Host, "u"),
        };
        var catalogue = RuleCatalogue.Default;
        var facts = CaseFactsMapper.From(events, HostPartySize.Medium);
        var asOf = D("2024-03-20");
        var evaluation = RulesEngine.Evaluate(catalogue, facts, asOf);
        Assert.Contains(evaluation.Limits, l => l.Rule == "BVF-UA-90-180" && l.Used == 20);
        var (dates, evaluated) = DatesFollowing(catalogue, events, facts, evaluation, asOf);
        var later = Assert.Single(evaluated);
        Assert.DoesNotContain(RulesEngine.Evaluate(catalogue, facts, later).Limits, l => l.Rule == "BVF-UA-90-180");
        Assert.Contains(later, dates);
    }

    private static CaseOpened Opened(string nationality) => new(Id, new Person("Test", "T", nationality, new LocalDate(1980, 1, 1), "P1"), Host, "u");

    /// <summary>The alert dates as of <paramref name="asOf"/>, and every later day the case was evaluated on to find them.</summary>
    private static (IReadOnlyList<LocalDate> Dates, List<LocalDate> Evaluated) DatesFollowing(RuleCatalogue catalogue, IEnumerable<CaseEvent> events,
        CaseFacts facts, Evaluation evaluation, LocalDate asOf)
    {
        var evaluated = new List<LocalDate>();
        var dates = AlertRules.Dates(catalogue, CaseState.Fold(events), evaluation, asOf, AlertSettings.Default, day =>
        {
            evaluated.Add(day);
            return RulesEngine.Evaluate(catalogue, facts, day);
        });
        return (dates, evaluated);
    }
}
