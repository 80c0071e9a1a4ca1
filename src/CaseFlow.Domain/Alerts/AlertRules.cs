using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Domain.Alerts;

/// <summary>An alert the rules want to exist: raised on <see cref="RaiseOn"/> about <see cref="Due"/>.</summary>
public sealed record AlertSpec(string Kind, string Level, LocalDate Due, LocalDate RaiseOn, string Message, string Rule, FineExposure? Fine = null);

/// <summary>Lead times of the stay-ending alerts (days before the last lawful day). Default 7, 3 and 1 (issue 6).</summary>
public sealed record AlertSettings(IReadOnlyList<int> StayEndingLeadDays)
{
    public static AlertSettings Default { get; } = new([7, 3, 1]);
}

/// <summary>
/// Which alerts a case calls for on a date, from its evaluation as of that date. Pure. Each alert kind has levels raised on their own
/// days; <see cref="Conditions"/> are the (kind, due) pairs still unmet, so an open alert whose pair is gone has cleared.
/// </summary>
public static class AlertRules
{
    public const string ArrivalNotification = "arrivalNotification";
    public const string StayEnding = "stayEnding";
    public const string Overstay = "overstay";
    public const string ExtensionWindow = "extensionWindow";
    public const string LimitNearlyReached = "limitNearlyReached";
    public const string ResidencePermitRequired = "residencePermitRequired";
    public const string ExitVisaExpiring = "exitVisaExpiring";
    public const string PassportReplacedEVisa = "passportReplacedEVisa";
    public const string RepeatHostOffence = "repeatHostOffence";

    /// <summary>Every alert kind, for filters.</summary>
    public static IReadOnlyList<string> Kinds { get; } =
        [ArrivalNotification, StayEnding, Overstay, ExtensionWindow, LimitNearlyReached, ResidencePermitRequired, ExitVisaExpiring, PassportReplacedEVisa, RepeatHostOffence];

    /// <summary>Every alert level whose raise date has come (on or before <paramref name="today"/>), for conditions still unmet today.</summary>
    public static IReadOnlyList<AlertSpec> Due(RuleCatalogue catalogue, CaseState state, Evaluation e, LocalDate today, AlertSettings settings) =>
        [.. All(catalogue, state, e, today, settings).Where(s => s.RaiseOn <= today)];

    /// <summary>
    /// The days from <paramref name="asOf"/> on when the case's alerts can change although no event is recorded: each level's raise day
    /// (the first overstay day is the day-1 tier's), the day after each due date (a condition can clear or turn into an offence), the days
    /// a stay limit can come within 10 days of its maximum while the person is in the country, and the next 1 January (calendar-year
    /// limits restart).
    /// The deadlines projection keeps them (<c>alert_dates</c>), so the daily sweep reads only the cases whose day has come. A superset
    /// is harmless (a case swept for nothing); a missing day would be a missed alert, which <c>AlertDatesTests</c> hunts day by day.
    /// </summary>
    /// <param name="evaluateAt">The case evaluated on a later day (to follow a rolling window whose old days drop out as new ones come).</param>
    public static IReadOnlyList<LocalDate> Dates(RuleCatalogue catalogue, CaseState state, Evaluation e, LocalDate asOf, AlertSettings settings, Func<LocalDate, Evaluation> evaluateAt)
    {
        if (state.Closed) return [];
        var dates = new SortedSet<LocalDate>();
        foreach (var s in All(catalogue, state, e, asOf, settings))
        {
            dates.Add(s.RaiseOn);
            dates.Add(s.Due.PlusDays(1));
        }
        // A limit nears its maximum only while days are used, in the country; and its alert is raised only then (All). Out of the
        // country nothing but a new event (an entry) can change that, and a new event recomputes these dates: no re-evaluation here.
        if (state.InCountry)
            foreach (var l in e.Limits)
                if (l.Kind is LimitKind.Rolling or LimitKind.CalendarYear && l.Max - l.Used > 10)
                    foreach (var day in NearingLimit(l, e.PermittedUntil, asOf, evaluateAt)) dates.Add(day);
        dates.Add(new LocalDate(asOf.Year + 1, 1, 1));
        return [.. dates.Where(d => d >= asOf)];
    }

    /// <summary>Every level of every condition unmet on <paramref name="today"/>, each with the day it is raised (past or future).</summary>
    public static IReadOnlyList<AlertSpec> All(RuleCatalogue catalogue, CaseState state, Evaluation e, LocalDate today, AlertSettings settings)
    {
        var specs = new List<AlertSpec>();
        if (state.Closed) return specs;
        var cal = catalogue.Calendar;
        var hostFines = e.Fines.Where(f => f.Party == FineParty.HostParty).ToList();

        foreach (var d in e.Deadlines.Where(d => d.Kind == DeadlineKind.ArrivalNotification && d.Outstanding && state.InCountry))
        {
            var dayBefore = PreviousWorkingDay(cal, d.Due);
            specs.Add(new(ArrivalNotification, "reminder", d.Due, dayBefore, $"Arrival notification due on {new IsoDate(d.Due)} ({d.Rule})", d.Rule));
            specs.Add(new(ArrivalNotification, "due", d.Due, d.Due, $"Arrival notification due today ({d.Rule})", d.Rule));
            var fine = hostFines.FirstOrDefault(f => f.Article == 518 && f.OffenceDate == d.Due.PlusDays(1));
            specs.Add(new(ArrivalNotification, "missed", d.Due, d.Due.PlusDays(1),
                $"Arrival notification missed (due {new IsoDate(d.Due)}); host party exposed to art. 518" + (fine is null ? "" : $": {fine.Mci} MCI"), d.Rule, fine));
        }

        if (state.InCountry && e.PermittedUntil is { } until && e.BindingRule is { } binding)
        {
            if (e.OverstayDays == 0)
                foreach (var lead in settings.StayEndingLeadDays)
                    specs.Add(new(StayEnding, $"{lead}d", until, until.PlusDays(-lead), $"Last lawful day {new IsoDate(until)}: {lead} day(s) left ({binding})", binding));
            var offence = until.PlusDays(1);
            var mci = catalogue.MciFor(offence.Year)?.Tenge;
            foreach (var tier in catalogue.Fines.Art517.Overstay)
                specs.Add(new(Overstay, $"day{tier.FromDay}", until, until.PlusDays(tier.FromDay),
                    $"Overstay day {Math.Max(e.OverstayDays, tier.FromDay)} since {new IsoDate(offence)}: art. 517 {tier.Tier} ({tier.Mci} MCI)", tier.Id,
                    new FineExposure(517, FineParty.Foreigner, tier.Tier, tier.Mci, tier.Mci * mci, tier.Id, offence)));
        }

        var opens = e.Deadlines.FirstOrDefault(d => d.Kind == DeadlineKind.ExtensionWindowOpens);
        var closes = e.Deadlines.FirstOrDefault(d => d.Kind == DeadlineKind.ExtensionWindowCloses);
        if (state.InCountry && opens is not null && closes is not null && closes.Status != DeadlineStatus.Met)
        {
            specs.Add(new(ExtensionWindow, "opened", closes.Due, opens.Due, $"Visa extension window opened on {new IsoDate(opens.Due)}, closes {new IsoDate(closes.Due)} ({closes.Rule})", closes.Rule));
            specs.Add(new(ExtensionWindow, "closingSoon", closes.Due, cal.WorkingDaysBefore(closes.Due, 2),
                $"Visa extension window closes in 2 working days, on {new IsoDate(closes.Due)} ({closes.Rule})", closes.Rule));
            specs.Add(new(ExtensionWindow, "missed", closes.Due, closes.Due.PlusDays(1), $"Visa extension window closed on {new IsoDate(closes.Due)} ({closes.Rule})", closes.Rule));
        }

        if (state.InCountry && e.Basis == StayBasisKind.VisaFree && e.OverstayDays == 0)
            foreach (var l in e.Limits.Where(l => l.Kind is LimitKind.Rolling or LimitKind.CalendarYear && l.Max - l.Used <= 10))
                specs.Add(new(LimitNearlyReached, "10d", e.PermittedUntil ?? today, today,
                    $"{l.Rule}: {l.Used} of {l.Max} days used in {new IsoDate(l.WindowStart)}..{new IsoDate(l.WindowEnd)}", l.Rule));

        foreach (var d in e.Deadlines.Where(d => d.Kind == DeadlineKind.ResidencePermitRequired && d.Outstanding && state.InCountry))
        {
            specs.Add(new(ResidencePermitRequired, "7d", d.Due, d.Due.PlusDays(-7), $"TRP needed by {new IsoDate(d.Due)} ({d.Rule})", d.Rule));
            specs.Add(new(ResidencePermitRequired, "missed", d.Due, d.Due.PlusDays(1), $"TRP needed since {new IsoDate(d.Due)} ({d.Rule}); art. 517/518 exposure", d.Rule,
                hostFines.FirstOrDefault(f => f.OffenceDate == d.Due.PlusDays(1))));
        }

        foreach (var d in e.Deadlines.Where(d => d.Kind == DeadlineKind.ExitVisaExpiry && d.Status == DeadlineStatus.Open))
            specs.Add(new(ExitVisaExpiring, "3d", d.Due, d.Due.PlusDays(-3), $"Exit visa expires on {new IsoDate(d.Due)}: the person must leave ({d.Rule})", d.Rule));

        if (state.InCountry && state.Visa is { EVisa: true, EVisaInvalidated: true } visa)
            specs.Add(new(PassportReplacedEVisa, "invalid", visa.ValidTo, state.LastEntry ?? today,
                "Passport replaced: the e-Visa in the old passport is no longer valid; a new e-Visa is needed (EVISA-PASSPORT, 000 §4.4)", "EVISA-PASSPORT"));

        foreach (var f in hostFines.Where(f => f.Tier.StartsWith("repeat-", StringComparison.Ordinal)))
            specs.Add(new(RepeatHostOffence, "repeat", f.OffenceDate, f.OffenceDate,
                $"Repeat host-party offence within 12 months: art. 518 {f.Mci} MCI and a 1-year ban on invitations ({f.Rule}, 000 §1)", f.Rule, f));

        return specs;
    }

    /// <summary>
    /// The alerts to raise now: for each condition still active, its latest level whose day has come, unless already raised. A level whose
    /// day passed unswept (a node was down, or the case was imported late) is not raised after a later one: the latest says it all.
    /// Already raised means an alert of the same kind, due date and level on the case, whatever its id: the ids of alerts raised
    /// before ADR 28 were a hash of the same text, not in case order, and are never raised again under their new id.
    /// </summary>
    public static IReadOnlyList<AlertSpec> ToRaise(IReadOnlyList<AlertSpec> due, CaseState state, LocalDate today, AlertSettings settings) =>
        [.. due.GroupBy(s => (s.Kind, s.Due))
            .Select(g => g.OrderBy(s => s.RaiseOn).Last())
            .Where(s => !state.AlertsById.Values.Any(a => a.Kind == s.Kind && a.Due == s.Due && a.Level == s.Level))];

    /// <summary>Open alerts whose condition no longer holds today (notification recorded, exit recorded, visa extended, ...).</summary>
    public static IReadOnlyList<AlertState> Cleared(IReadOnlyList<AlertSpec> due, CaseState state)
    {
        var active = due.Select(s => (s.Kind, s.Due)).ToHashSet();
        return [.. state.AlertsById.Values.Where(a => a.Status != AlertStatus.Resolved && a.Kind != RepeatHostOffence && !active.Contains((a.Kind, a.Due)))];
    }

    /// <summary>
    /// The days a limit can first come within 10 days of its maximum. At most one day is used per day, so it cannot happen before
    /// <c>asOf + (max - used - 10)</c>; when a rolling window drops old days meanwhile it has not happened yet on that day, and the next
    /// earliest day is computed from the usage there, until it has happened or the stay ends first (bounded: each step moves on by the
    /// remaining gap, at least one day).
    /// </summary>
    private static IEnumerable<LocalDate> NearingLimit(LimitUsage limit, LocalDate? until, LocalDate asOf, Func<LocalDate, Evaluation> evaluateAt)
    {
        var day = asOf.PlusDays(limit.Max - limit.Used - 10);
        for (var step = 0; step < 32 && (until is null || day <= until); step++)
        {
            yield return day;
            var later = evaluateAt(day).Limits.FirstOrDefault(l => l.Rule == limit.Rule);
            if (later is null || later.Max - later.Used <= 10) yield break;
            day = day.PlusDays(later.Max - later.Used - 10);
        }
    }

    private static LocalDate PreviousWorkingDay(Calendar.WorkingDayCalendar cal, LocalDate date) => cal.WorkingDaysBefore(date, 1);
}
