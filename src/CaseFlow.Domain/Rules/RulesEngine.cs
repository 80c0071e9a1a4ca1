using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>
/// The rules engine: pure functions of a catalogue, a case's facts and a date. No clock, no I/O; the same inputs always give
/// the same answer. Every figure names the catalogue rule behind it; <see cref="Evaluation.CatalogueVersion"/> names the data.
/// </summary>
public static partial class RulesEngine
{
    /// <summary>What was true on <paramref name="asOf"/>: facts dated after it are ignored.</summary>
    public static Evaluation Evaluate(RuleCatalogue catalogue, CaseFacts facts, LocalDate asOf)
    {
        var timeline = StayTimeline.Build(catalogue, facts, asOf);
        var warnings = new List<string>(timeline.Warnings);
        var stay = timeline.Stays.LastOrDefault();
        var inCountry = stay is { Exit: null };

        var limits = Limits(catalogue, facts, timeline, stay, asOf);
        var deadlines = new List<Deadline>();
        var offences = new List<FineExposure>(); // every stay's (the offence register)
        var fines = new List<FineExposure>(); // the latest stay's

        // The facts and the stays are in date order: each stay's facts start where the last one's did or later (linear in the history).
        var factsFrom = 0;
        var earlier = new OffenceDates();
        var stayDeadlines = new List<Due>();
        foreach (var s in timeline.Stays)
        {
            var latest = s == stay;
            stayDeadlines.Clear();
            NotificationDeadlines(catalogue, s, asOf, timeline.Facts, ref factsFrom, stayDeadlines);
            ResidencePermitDeadline(facts, s, asOf, warnings, latest, stayDeadlines);
            // Earlier stays' deadlines matter only for the offences they left; only the latest stay's are listed.
            foreach (var d in stayDeadlines)
            {
                if (latest) deadlines.Add(new Deadline(d.Kind, d.Date, d.Status, d.Rule, d.MetOn));
                if (d.Status == DeadlineStatus.Missed)
                    Offence(earlier.Add(HostFine(catalogue, facts, d.Date.PlusDays(1), earlier)), latest);
            }
            if (s.OverstayDays > 0)
                Offence(earlier.Add(OverstayFine(catalogue, s, earlier)), latest);
        }
        if (facts.HostPartySize is null && offences.Exists(o => o.Article == 518))
            warnings.Add("Host party size not given: art. 518 fines shown for a small business (10 MCI; medium 15, large 20)");

        if (stay is not null)
        {
            var exitStatus = stay.Exit is { } x ? (x <= stay.PermittedUntil ? DeadlineStatus.Met : DeadlineStatus.Missed)
                : asOf <= stay.PermittedUntil ? DeadlineStatus.Open : DeadlineStatus.Missed;
            if (stay.Last.ExitRule is { } exitRule)
                deadlines.Add(new Deadline(DeadlineKind.ExitVisaExpiry, stay.PermittedUntil, exitStatus, exitRule.Id, stay.Exit));
            if (stay.Last.Basis != StayBasisKind.None)
                deadlines.Add(new Deadline(DeadlineKind.Exit, stay.PermittedUntil, exitStatus, stay.Last.Rule, stay.Exit));
        }
        deadlines.AddRange(ExtensionDeadlines(catalogue, timeline, stay, asOf));

        ProvisionalYearWarnings(catalogue, asOf, deadlines, warnings);

        List<int>? unpriced = null;
        foreach (var fine in fines)
        {
            if (fine.Tenge is not null || (unpriced ??= []).Contains(fine.OffenceDate.Year)) continue;
            unpriced.Add(fine.OffenceDate.Year);
            warnings.Add($"No MCI value in the catalogue for {fine.OffenceDate.Year}: tenge amounts for offences in {fine.OffenceDate.Year} are not computed");
        }
        if (stay is not null && stay.OverstayDays > 0)
            warnings.Add("Art. 518 exposure of the host party for an overstay depends on whether it took measures for a timely departure (FINE518-1); not computed");

        return new Evaluation(
            asOf,
            catalogue.Version,
            inCountry,
            stay?.Last.Basis,
            stay?.First.Regime?.Id, // only a stay's first segment can be visa-free: a continuation is a visa or TRP
            stay?.PermittedUntil,
            stay?.Last.Rule,
            limits,
            stay?.OverstayDays ?? 0,
            ByDueThenKind(deadlines),
            fines,
            warnings)
        {
            Offences = offences,
        };

        void Offence(FineExposure fine, bool latest)
        {
            offences.Add(fine);
            if (latest) fines.Add(fine);
        }
    }

    /// <summary>
    /// The deadlines by due date, then kind, keeping their order otherwise (a stable insertion sort: they arrive nearly sorted, each
    /// stay's notifications in date order and a few others after them, so it moves few of them).
    /// </summary>
    private static List<Deadline> ByDueThenKind(List<Deadline> deadlines)
    {
        for (var i = 1; i < deadlines.Count; i++)
        {
            var d = deadlines[i];
            var j = i - 1;
            for (; j >= 0 && (deadlines[j].Due > d.Due || (deadlines[j].Due == d.Due && deadlines[j].Kind > d.Kind)); j--) deadlines[j + 1] = deadlines[j];
            deadlines[j + 1] = d;
        }
        return deadlines;
    }

    /// <summary>
    /// The longest lawful stay entering on <paramref name="entry"/> given the facts before it, and, with <paramref name="exit"/>,
    /// whether that trip complies and the first day it would not.
    /// </summary>
    public static PlanResult Plan(RuleCatalogue catalogue, CaseFacts facts, LocalDate entry, LocalDate? exit = null)
    {
        if (exit is { } x && x < entry) throw new FactsException("exit", $"{new IsoDate(x)} is before the entry {new IsoDate(entry)}");
        // An exit on the planned day itself is before the entry: re-entering on the day of an exit is a new stay, as the case decider records it.
        var before = facts.Events.Where(f => f switch { EnteredFact => f.Date < entry, ExitedFact => f.Date <= entry, _ => true }).ToList();
        var history = StayTimeline.Build(catalogue, facts with { Events = before }, entry);
        if (history.Stays.LastOrDefault() is { Exit: null } open)
            throw new FactsException("entry", $"the person is still in the country (entered {new IsoDate(open.Entry)}, no exit before {new IsoDate(entry)})");
        if (facts.Events.OfType<EnteredFact>().FirstOrDefault(e => e.Date >= entry) is { } later)
            throw new FactsException("entry", $"the facts already record an entry on {new IsoDate(later.Date)}, on or after the planned entry");

        var timeline = StayTimeline.Build(catalogue, facts with { Events = [.. before, new EnteredFact(entry)] }, entry);
        var stay = timeline.Stays[^1];
        var maxDays = Math.Max(0, Days.Between(entry, stay.PermittedUntil) + 1);
        LocalDate? lastDay = maxDays > 0 ? stay.PermittedUntil : null;
        bool? compliant = exit is { } planned ? planned <= stay.PermittedUntil : null;
        LocalDate? firstViolation = compliant == false ? Days.Max(entry, stay.PermittedUntil.PlusDays(1)) : null;
        return new PlanResult(entry, catalogue.Version, maxDays, lastDay, stay.Last.Rule, exit, compliant, firstViolation, timeline.Warnings);
    }

    /// <summary>One warning for each provisional calendar year between the as-of date and a deadline, in the order the deadlines name them.</summary>
    private static void ProvisionalYearWarnings(RuleCatalogue catalogue, LocalDate asOf, List<Deadline> deadlines, List<string> warnings)
    {
        List<int>? named = null;
        foreach (var d in deadlines)
        {
            foreach (var year in catalogue.Calendar.ProvisionalYears(asOf, d.Due))
            {
                if ((named ??= []).Contains(year)) continue;
                named.Add(year);
                warnings.Add($"Working-day calendar {year} is provisional (computed from the fixed rules or not yet confirmed): deadlines that depend on it may move");
            }
        }
    }

    private static List<LimitUsage> Limits(RuleCatalogue catalogue, CaseFacts facts, StayTimeline timeline, Stay? stay, LocalDate asOf)
    {
        var limits = new List<LimitUsage>();
        var segment = stay?.Last;
        if (segment is { Basis: StayBasisKind.Visa, Visa: { } visa })
        {
            limits.Add(new LimitUsage("VISA-VALIDITY", LimitKind.VisaValidity, visa.Fact.ValidFrom, visa.LastValidDay,
                PresentDays(timeline, visa.Fact.ValidFrom, Days.Min(visa.LastValidDay, asOf)), Days.Between(visa.Fact.ValidFrom, visa.LastValidDay) + 1));
            if (visa.StayDays is { } stayDays && segment.ExitRule is null)
                limits.Add(new LimitUsage("VISA-STAY-PER-ENTRY", LimitKind.StayPerEntry, segment.Start, stay!.End, Days.Between(segment.Start, stay.End) + 1, stayDays));
            return limits;
        }
        if (segment is { Basis: StayBasisKind.ResidencePermit, Permit: { } permit })
        {
            limits.Add(new LimitUsage("TRP-TERM", LimitKind.VisaValidity, permit.ValidFrom, permit.ValidTo,
                PresentDays(timeline, permit.ValidFrom, Days.Min(permit.ValidTo, asOf)), Days.Between(permit.ValidFrom, permit.ValidTo) + 1));
            return limits;
        }

        var regime = stay?.First.Regime ?? catalogue.RegimeFor(facts.Person.Nationality, asOf);
        if (regime is null) return limits;
        foreach (var limit in regime.Limits)
        {
            switch (limit.Kind)
            {
                case LimitKind.PerVisit when stay?.First.Regime is not null:
                    limits.Add(new LimitUsage(limit.Rule, limit.Kind, stay.Entry, stay.End, stay.Length, limit.Days));
                    break;
                case LimitKind.Rolling:
                    var from = asOf.PlusDays(1 - limit.WindowDays!.Value);
                    limits.Add(new LimitUsage(limit.Rule, limit.Kind, from, asOf, timeline.Counted.Count(from, asOf), limit.Days));
                    break;
                case LimitKind.CalendarYear:
                    var jan1 = new LocalDate(asOf.Year, 1, 1);
                    limits.Add(new LimitUsage(limit.Rule, limit.Kind, jan1, new LocalDate(asOf.Year, 12, 31), timeline.Counted.Count(jan1, asOf), limit.Days));
                    break;
            }
        }
        return limits;
    }

    private static int PresentDays(StayTimeline timeline, LocalDate from, LocalDate to) =>
        timeline.Stays.Sum(s => Math.Max(0, Days.Between(Days.Max(from, s.Entry), Days.Min(to, s.End)) + 1));

    /// <summary>TRP needed by the last day of the regime's threshold (TRP-CIS-30, TRP-EAEU-90); children under 16 are exempt (TRP-FAMILY-16).</summary>
    private static void ResidencePermitDeadline(CaseFacts facts, Stay stay, LocalDate asOf, List<string> warnings, bool latest, List<Due> into)
    {
        if (stay.First is not { Basis: StayBasisKind.VisaFree, Regime: { ResidencePermitAfterDays: { } after } regime }) return;
        var due = stay.Entry.PlusDays(after - 1);
        if (facts.Person.BirthDate is { } born && born.PlusYears(16) > due)
        {
            if (latest) warnings.Add("Children under 16 do not need a TRP (TRP-FAMILY-16, 000_d0b006081fdc65c8.txt §5)");
            return;
        }
        // Segments start in order, the first is visa-free and every later one a visa or TRP that continued the stay (StayTimeline), so the
        // second decides whether the stay was covered in time.
        LocalDate? firstCover = stay.SegmentCount > 1 ? stay.SegmentAt(1).Start : null;
        var covered = firstCover <= due.PlusDays(1);
        var status = covered || (stay.Exit is { } x && x <= due) ? DeadlineStatus.Met
            : asOf > due ? DeadlineStatus.Missed : DeadlineStatus.Open;
        // Met on the day the TRP or visa began to cover the stay, in time or late; missed and never covered, on the day the person left.
        var metOn = covered ? firstCover : status == DeadlineStatus.Missed ? firstCover ?? stay.Exit : null;
        into.Add(new Due(DeadlineKind.ResidencePermitRequired, due, status, regime.ResidencePermitRule!, metOn));
    }

    /// <summary>The extension window (EXT-WINDOW) of the visa of the current stay, or the visa valid on the as-of date, when its category is
    /// extendable and the person is in the country.</summary>
    private static IEnumerable<Deadline> ExtensionDeadlines(RuleCatalogue catalogue, StayTimeline timeline, Stay? stay, LocalDate asOf)
    {
        // An extension is applied for in the country: a person who left has no window to act on.
        if (stay is not { Exit: null }) yield break;
        var visa = stay.Last is { Basis: StayBasisKind.Visa, ExitRule: null, Visa: { } v } ? v : timeline.Visas.LastOrDefault(x => x.ValidOn(asOf));
        if (visa is null || visa.CancelledOn is not null || !visa.Category.Extendable || visa.Fact.EVisa) yield break;
        var window = catalogue.Obligations.ExtensionWindow;
        var opens = catalogue.Calendar.WorkingDaysBefore(visa.ValidTo, window.OpensWorkingDaysBefore);
        var closes = catalogue.Calendar.WorkingDaysBefore(visa.ValidTo, window.ClosesWorkingDaysBefore);
        yield return new Deadline(DeadlineKind.ExtensionWindowOpens, opens, asOf >= opens ? DeadlineStatus.Met : DeadlineStatus.Open, window.Id);
        yield return new Deadline(DeadlineKind.ExtensionWindowCloses, closes, asOf > closes ? DeadlineStatus.Missed : DeadlineStatus.Open, window.Id);
    }
}
