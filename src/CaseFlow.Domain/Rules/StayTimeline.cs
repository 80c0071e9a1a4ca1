using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>
/// Folds a person's facts (already cut at the as-of date) into stays with their lawful bases.
/// The basis of a stay is inferred at entry: a visa valid on the entry date, else a TRP, else the nationality's
/// visa-free regime in force on the entry date, else none (a visa was needed). A visa or TRP that starts while the
/// person is lawfully present (or the day after the lawful period ends) continues the stay on that basis; a cancelled
/// visa continues as the exit visa of the rule in force on the cancellation date.
/// </summary>
internal sealed partial class StayTimeline
{
    private const int SimulationCapDays = 3660;

    public required List<Stay> Stays { get; init; }
    public required List<VisaGrant> Visas { get; init; }
    public required List<ResidencePermitIssuedFact> Permits { get; init; }
    public required DayCounter Counted { get; init; }
    public required List<string> Warnings { get; init; }

    /// <summary>The facts dated on or before the as-of date, by date (recorded order within a date).</summary>
    public required List<Dated> Facts { get; init; }

    private bool pendingNamed;

    public static StayTimeline Build(RuleCatalogue catalogue, CaseFacts facts, LocalDate asOf)
    {
        var warnings = new List<string>();
        var ordered = InDateOrder(facts.Events, asOf, out var entries);

        var visas = new List<VisaGrant>();
        var permits = new List<ResidencePermitIssuedFact>();
        foreach (var (fact, _) in ordered)
        {
            switch (fact)
            {
                case VisaIssuedFact v:
                    visas.Add(new VisaGrant(v, catalogue.VisaCategory(v.Category)!));
                    break;
                case CategoryChangedFact change:
                    var replaced = LastValidOn(visas, change.Date);
                    if (replaced is null) warnings.Add($"CategoryChanged on {new IsoDate(change.Date)}: no visa was valid that day; the new visa is taken as issued");
                    else replaced.ReplacedOn = change.Date;
                    visas.Add(new VisaGrant(new VisaIssuedFact(change.Date, change.Category, change.Entries, change.ValidFrom, change.ValidTo, change.StayPerEntryDays, false),
                        catalogue.VisaCategory(change.Category)!));
                    break;
                case ResidencePermitIssuedFact p:
                    permits.Add(p);
                    break;
                case VisaExtendedFact x:
                    var extended = LastValidOn(visas, x.Date);
                    if (extended is null)
                        warnings.Add($"VisaExtended on {new IsoDate(x.Date)}: no visa was valid that day; ignored");
                    else if (x.ValidTo <= extended.ValidTo)
                        warnings.Add($"VisaExtended on {new IsoDate(x.Date)}: new validTo {new IsoDate(x.ValidTo)} does not extend {new IsoDate(extended.ValidTo)}; ignored");
                    else
                    {
                        extended.ValidTo = x.ValidTo;
                        extended.ExtendedOn = x.Date;
                    }
                    break;
                case VisaCancelledFact c:
                    var cancelled = LastValidOn(visas, c.Date);
                    if (cancelled is null) warnings.Add($"VisaCancelled on {new IsoDate(c.Date)}: no visa was valid that day; ignored");
                    else cancelled.CancelledOn = c.Date;
                    break;
                case PassportReplacedFact r:
                    foreach (var v in visas)
                    {
                        if (!v.Fact.EVisa || !v.ValidOn(r.Date)) continue;
                        v.PassportReplacedOn = r.Date;
                        warnings.Add($"e-Visa {v.Fact.Category} is no longer valid after the passport was replaced on {new IsoDate(r.Date)}: a new e-Visa is needed (EVISA-PASSPORT, 000_d0b006081fdc65c8.txt §4.4)");
                    }
                    break;
            }
        }

        var timeline = new StayTimeline { Stays = new List<Stay>(entries), Visas = visas, Permits = permits, Counted = new DayCounter(entries), Warnings = warnings, Facts = ordered };
        var visasInReach = new InReach<VisaGrant>(visas, v => v.Fact.ValidFrom, v => v.LastValidDay);
        var permitsInReach = new InReach<ResidencePermitIssuedFact>(permits, p => p.ValidFrom, p => p.ValidTo);
        LocalDate? openEntry = null;
        foreach (var (fact, _) in ordered)
        {
            if (fact is EnteredFact e)
            {
                if (openEntry is { } since) throw new FactsException("events", $"Entered on {new IsoDate(e.Date)} while already in the country since {new IsoDate(since)}");
                // No "entry before the previous exit" check: the facts are in date order here, so an entry never precedes an exit it follows.
                openEntry = e.Date;
            }
            else if (fact is ExitedFact x)
            {
                if (openEntry is not { } entry) throw new FactsException("events", $"Exited on {new IsoDate(x.Date)} without an entry before it");
                Fold(new Stay(entry, x.Date, x.Date));
                openEntry = null;
            }
        }
        if (openEntry is { } current) Fold(new Stay(current, null, asOf));
        return timeline;

        void Fold(Stay stay)
        {
            visasInReach.MoveTo(stay);
            permitsInReach.MoveTo(stay);
            timeline.Fold(catalogue, facts.Person.Nationality, stay, visasInReach, permitsInReach);
        }
    }

    /// <summary>The last visa recorded that is valid on <paramref name="date"/>.</summary>
    private static VisaGrant? LastValidOn(List<VisaGrant> visas, LocalDate date)
    {
        for (var i = visas.Count - 1; i >= 0; i--)
            if (visas[i].ValidOn(date)) return visas[i];
        return null;
    }

    private void Fold(RuleCatalogue catalogue, string nationality, Stay stay, InReach<VisaGrant> visas, InReach<ResidencePermitIssuedFact> permits)
    {
        Stays.Add(stay);
        var segment = EntryBasis(catalogue, nationality, stay, visas, permits);
        while (true)
        {
            segment = CutByCancellation(catalogue, stay, segment);
            stay.AddSegment(segment);
            if (segment.ExitRule is not null) break;
            var next = Continuation(stay, segment, visas, permits);
            if (next is null) break;
            if (next.Start <= segment.LawfulEnd)
                stay.ReplaceLastSegment(segment with { LawfulEnd = next.Start.PlusDays(-1) });
            segment = next;
        }

        // The days not covered by a visa or TRP count toward visa-free limits. Segments start in order and do not overlap.
        var uncovered = stay.Entry;
        for (var i = 0; i < stay.SegmentCount; i++)
        {
            var s = stay.SegmentAt(i);
            if (s.Basis is not (StayBasisKind.Visa or StayBasisKind.ResidencePermit) || s.LawfulEnd < uncovered) continue;
            if (s.Start > stay.End) break;
            if (s.Start > uncovered) Counted.Add(uncovered, s.Start.PlusDays(-1));
            if (s.LawfulEnd >= stay.End) return;
            uncovered = s.LawfulEnd.PlusDays(1);
        }
        Counted.Add(uncovered, stay.End);
    }

    private Segment EntryBasis(RuleCatalogue catalogue, string nationality, Stay stay, InReach<VisaGrant> visas, InReach<ResidencePermitIssuedFact> permits)
    {
        var e = stay.Entry;
        VisaGrant? visa = null;
        var usedSingle = false;
        for (var i = visas.Count - 1; i >= 0 && visa is null; i--)
        {
            var v = visas[i];
            if (!v.ValidOn(e)) continue;
            if (v.Fact.Date <= e && (v.Fact.Entries == VisaEntries.Multiple || !v.Used)) visa = v;
            else if (v.Used && v.Fact.Entries == VisaEntries.Single) usedSingle = true;
        }
        if (visa is not null) return VisaSegment(visa, e);
        if (usedSingle) Warnings.Add($"Entered on {new IsoDate(e)} on a single-entry visa already used for an earlier entry");

        ResidencePermitIssuedFact? permit = null;
        for (var i = permits.Count - 1; i >= 0 && permit is null; i--)
            if (permits[i].ValidFrom <= e && e <= permits[i].ValidTo) permit = permits[i];
        if (permit is not null) return new Segment(StayBasisKind.ResidencePermit, e, permit.ValidTo, "TRP-TERM", Permit: permit);

        var regime = catalogue.RegimeFor(nationality, e);
        if (regime is not null)
        {
            var (end, rule) = VisaFreeLawfulEnd(regime, e);
            return new Segment(StayBasisKind.VisaFree, e, end, rule, Regime: regime);
        }
        if (!pendingNamed)
        {
            // Named once per evaluation, not once per stay without a basis.
            pendingNamed = true;
            foreach (var pending in catalogue.PendingRegimesFor(nationality))
                Warnings.Add($"{pending.Id} is pending ratification and not applied ({pending.Citation})");
        }
        Warnings.Add($"Entered on {new IsoDate(e)} with no visa, TRP or visa-free regime for {nationality}: a visa was required");
        return new Segment(StayBasisKind.None, e, e.PlusDays(-1), "VISA-REQUIRED");
    }

    private static Segment VisaSegment(VisaGrant visa, LocalDate start)
    {
        visa.Used = true;
        var end = visa.LastValidDay;
        var rule = "VISA-VALIDITY";
        if (visa.StayDays is { } stayDays && start.PlusDays(stayDays - 1) < end)
        {
            end = start.PlusDays(stayDays - 1);
            rule = "VISA-STAY-PER-ENTRY";
        }
        return new Segment(StayBasisKind.Visa, start, end, rule, Visa: visa);
    }

    private static Segment CutByCancellation(RuleCatalogue catalogue, Stay stay, Segment segment)
    {
        if (segment.Visa?.CancelledOn is not { } c || c < segment.Start || c > segment.LawfulEnd.PlusDays(1) || c > stay.End) return segment;
        var rule = catalogue.ExitRuleFor(c) ?? throw new CatalogueException($"obligations.json: no exitAfterCancellation rule in force on {new IsoDate(c)}");
        var end = rule.WorkingDays is { } wd ? catalogue.Calendar.WithinWorkingDays(c, wd) : c.PlusDays(rule.CalendarDays!.Value - 1);
        return segment with { LawfulEnd = end, Rule = rule.Id, ExitRule = rule };
    }

    /// <summary>A visa or TRP that starts within the lawful period (or the day after) and runs past it.</summary>
    private static Segment? Continuation(Stay stay, Segment current, InReach<VisaGrant> visas, InReach<ResidencePermitIssuedFact> permits)
    {
        var limit = current.LawfulEnd.PlusDays(1);
        Segment? best = null;
        for (var i = 0; i < visas.Count; i++)
        {
            var v = visas[i];
            if (v == current.Visa || (v.Fact.Entries != VisaEntries.Multiple && v.Used)) continue;
            var start = Days.Max(Days.Max(v.Fact.ValidFrom, v.Fact.Date), current.Start.PlusDays(1));
            if (start > limit || start > stay.End || !v.ValidOn(start)) continue;
            var end = v.StayDays is { } s ? Days.Min(v.LastValidDay, start.PlusDays(s - 1)) : v.LastValidDay;
            if (end > current.LawfulEnd && (best is null || end > best.LawfulEnd)) best = new Segment(StayBasisKind.Visa, start, end, "", Visa: v);
        }
        for (var i = 0; i < permits.Count; i++)
        {
            var p = permits[i];
            if (p == current.Permit) continue;
            var start = Days.Max(Days.Max(p.ValidFrom, p.Date), current.Start.PlusDays(1));
            if (start > limit || start > stay.End || start > p.ValidTo) continue;
            if (p.ValidTo > current.LawfulEnd && (best is null || p.ValidTo > best.LawfulEnd))
                best = new Segment(StayBasisKind.ResidencePermit, start, p.ValidTo, "TRP-TERM", Permit: p);
        }
        return best is { Visa: { } visa } ? VisaSegment(visa, best.Start) : best;
    }
}
