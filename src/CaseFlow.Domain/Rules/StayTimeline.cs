using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>
/// Folds a person's facts (already cut at the as-of date) into stays with their lawful bases.
/// The basis of a stay is inferred at entry: a visa valid on the entry date, else a TRP, else the nationality's
/// visa-free regime in force on the entry date, else none (a visa was needed). A visa or TRP that starts while the
/// person is lawfully present (or the day after the lawful period ends) continues the stay on that basis; a cancelled
/// visa continues as the exit visa of the rule in force on the cancellation date.
/// </summary>
internal sealed class StayTimeline
{
    private const int SimulationCapDays = 3660;

    public required List<Stay> Stays { get; init; }
    public required List<VisaGrant> Visas { get; init; }
    public required List<ResidencePermitIssuedFact> Permits { get; init; }
    public required DayCounter Counted { get; init; }
    public required List<string> Warnings { get; init; }

    public static StayTimeline Build(RuleCatalogue catalogue, CaseFacts facts, LocalDate asOf)
    {
        var warnings = new List<string>();
        var ordered = facts.Events.Select((f, i) => (f, i)).Where(x => x.f.Date <= asOf)
            .OrderBy(x => x.f.Date).ThenBy(x => x.i).Select(x => x.f).ToList();

        var visas = new List<VisaGrant>();
        var permits = new List<ResidencePermitIssuedFact>();
        foreach (var fact in ordered)
        {
            switch (fact)
            {
                case VisaIssuedFact v:
                    visas.Add(new VisaGrant(v, catalogue.VisaCategory(v.Category)!));
                    break;
                case CategoryChangedFact change:
                    var replaced = visas.LastOrDefault(v => v.ValidOn(change.Date));
                    if (replaced is null) warnings.Add($"CategoryChanged on {change.Date:yyyy-MM-dd}: no visa was valid that day; the new visa is taken as issued");
                    else replaced.ReplacedOn = change.Date;
                    visas.Add(new VisaGrant(new VisaIssuedFact(change.Date, change.Category, change.Entries, change.ValidFrom, change.ValidTo, change.StayPerEntryDays, false),
                        catalogue.VisaCategory(change.Category)!));
                    break;
                case ResidencePermitIssuedFact p:
                    permits.Add(p);
                    break;
                case VisaExtendedFact x:
                    var extended = visas.LastOrDefault(v => v.ValidOn(x.Date));
                    if (extended is null)
                        warnings.Add($"VisaExtended on {x.Date:yyyy-MM-dd}: no visa was valid that day; ignored");
                    else if (x.ValidTo <= extended.ValidTo)
                        warnings.Add($"VisaExtended on {x.Date:yyyy-MM-dd}: new validTo {x.ValidTo:yyyy-MM-dd} does not extend {extended.ValidTo:yyyy-MM-dd}; ignored");
                    else
                    {
                        extended.ValidTo = x.ValidTo;
                        extended.ExtendedOn = x.Date;
                    }
                    break;
                case VisaCancelledFact c:
                    var cancelled = visas.LastOrDefault(v => v.ValidOn(c.Date));
                    if (cancelled is null) warnings.Add($"VisaCancelled on {c.Date:yyyy-MM-dd}: no visa was valid that day; ignored");
                    else cancelled.CancelledOn = c.Date;
                    break;
                case PassportReplacedFact r:
                    foreach (var v in visas.Where(v => v.Fact.EVisa && v.ValidOn(r.Date)))
                    {
                        v.PassportReplacedOn = r.Date;
                        warnings.Add($"e-Visa {v.Fact.Category} is no longer valid after the passport was replaced on {r.Date:yyyy-MM-dd}: a new e-Visa is needed (EVISA-PASSPORT, 000_d0b006081fdc65c8.txt §4.4)");
                    }
                    break;
            }
        }

        var raw = new List<(LocalDate Entry, LocalDate? Exit)>();
        LocalDate? openEntry = null;
        foreach (var fact in ordered)
        {
            if (fact is EnteredFact e)
            {
                if (openEntry is { } since) throw new FactsException("events", $"Entered on {e.Date:yyyy-MM-dd} while already in the country since {since:yyyy-MM-dd}");
                // No "entry before the previous exit" check: the facts are in date order here, so an entry never precedes an exit it follows.
                openEntry = e.Date;
            }
            else if (fact is ExitedFact x)
            {
                if (openEntry is not { } entry) throw new FactsException("events", $"Exited on {x.Date:yyyy-MM-dd} without an entry before it");
                raw.Add((entry, x.Date));
                openEntry = null;
            }
        }
        if (openEntry is { } current) raw.Add((current, null));

        var timeline = new StayTimeline { Stays = [], Visas = visas, Permits = permits, Counted = new DayCounter(), Warnings = warnings };
        foreach (var (entry, exit) in raw)
            timeline.Fold(catalogue, facts.Person.Nationality, new Stay(entry, exit, exit ?? asOf));
        return timeline;
    }

    private void Fold(RuleCatalogue catalogue, string nationality, Stay stay)
    {
        var segment = EntryBasis(catalogue, nationality, stay);
        while (true)
        {
            segment = CutByCancellation(catalogue, stay, segment);
            stay.Segments.Add(segment);
            if (segment.ExitRule is not null) break;
            var next = Continuation(stay, segment);
            if (next is null) break;
            if (next.Start <= segment.LawfulEnd)
                stay.Segments[^1] = segment with { LawfulEnd = next.Start.PlusDays(-1) };
            segment = next;
        }

        for (var d = stay.Entry; d <= stay.End; d = d.PlusDays(1))
        {
            var day = d;
            if (!stay.Segments.Any(s => s.Basis is StayBasisKind.Visa or StayBasisKind.ResidencePermit && s.Start <= day && day <= s.LawfulEnd))
                Counted.Add(d);
        }
        Stays.Add(stay);
    }

    private Segment EntryBasis(RuleCatalogue catalogue, string nationality, Stay stay)
    {
        var e = stay.Entry;
        var visa = Visas.LastOrDefault(v => v.ValidOn(e) && v.Fact.Date <= e && (v.Fact.Entries == VisaEntries.Multiple || !v.Used));
        if (visa is null && Visas.Any(v => v.ValidOn(e) && v.Used && v.Fact.Entries == VisaEntries.Single))
            Warnings.Add($"Entered on {e:yyyy-MM-dd} on a single-entry visa already used for an earlier entry");
        if (visa is not null) return VisaSegment(visa, e);

        var permit = Permits.LastOrDefault(p => p.ValidFrom <= e && e <= p.ValidTo);
        if (permit is not null) return new Segment(StayBasisKind.ResidencePermit, e, permit.ValidTo, "TRP-TERM", Permit: permit);

        var regime = catalogue.RegimeFor(nationality, e);
        if (regime is not null)
        {
            var (end, rule) = VisaFreeLawfulEnd(regime, e);
            return new Segment(StayBasisKind.VisaFree, e, end, rule, Regime: regime);
        }
        foreach (var pending in catalogue.PendingRegimesFor(nationality))
            Warnings.Add($"{pending.Id} is pending ratification and not applied ({pending.Citation})");
        Warnings.Add($"Entered on {e:yyyy-MM-dd} with no visa, TRP or visa-free regime for {nationality}: a visa was required");
        return new Segment(StayBasisKind.None, e, e.PlusDays(-1), "VISA-REQUIRED");
    }

    private Segment VisaSegment(VisaGrant visa, LocalDate start)
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
        var rule = catalogue.ExitRuleFor(c) ?? throw new CatalogueException($"obligations.json: no exitAfterCancellation rule in force on {c:yyyy-MM-dd}");
        var end = rule.WorkingDays is { } wd ? catalogue.Calendar.WithinWorkingDays(c, wd) : c.PlusDays(rule.CalendarDays!.Value - 1);
        return segment with { LawfulEnd = end, Rule = rule.Id, ExitRule = rule };
    }

    /// <summary>A visa or TRP that starts within the lawful period (or the day after) and runs past it.</summary>
    private Segment? Continuation(Stay stay, Segment current)
    {
        var limit = current.LawfulEnd.PlusDays(1);
        Segment? best = null;
        foreach (var v in Visas.Where(v => v != current.Visa && (v.Fact.Entries == VisaEntries.Multiple || !v.Used)))
        {
            var start = Days.Max(Days.Max(v.Fact.ValidFrom, v.Fact.Date), current.Start.PlusDays(1));
            if (start > limit || start > stay.End || !v.ValidOn(start)) continue;
            var end = v.StayDays is { } s ? Days.Min(v.LastValidDay, start.PlusDays(s - 1)) : v.LastValidDay;
            if (end > current.LawfulEnd && (best is null || end > best.LawfulEnd)) best = new Segment(StayBasisKind.Visa, start, end, "", Visa: v);
        }
        foreach (var p in Permits.Where(p => p != current.Permit))
        {
            var start = Days.Max(Days.Max(p.ValidFrom, p.Date), current.Start.PlusDays(1));
            if (start > limit || start > stay.End || start > p.ValidTo) continue;
            if (p.ValidTo > current.LawfulEnd && (best is null || p.ValidTo > best.LawfulEnd))
                best = new Segment(StayBasisKind.ResidencePermit, start, p.ValidTo, "TRP-TERM", Permit: p);
        }
        return best is { Visa: { } visa } ? VisaSegment(visa, best.Start) : best;
    }

    /// <summary>
    /// The last lawful day of a visa-free stay entering on <paramref name="entry"/>: the day before the first day on which a limit
    /// of the regime would be exceeded, counting days of earlier stays already folded (rolling windows end on the day judged).
    /// When several limits fail on the same day the first listed in the regime binds.
    /// </summary>
    public (LocalDate End, string Rule) VisaFreeLawfulEnd(Regime regime, LocalDate entry)
    {
        var beforeEntry = entry.PlusDays(-1);
        for (var k = 0; k < SimulationCapDays; k++)
        {
            var d = entry.PlusDays(k);
            foreach (var limit in regime.Limits)
            {
                var used = limit.Kind switch
                {
                    LimitKind.PerVisit => k + 1,
                    LimitKind.Rolling => CountWith(d.PlusDays(1 - limit.WindowDays!.Value), d),
                    LimitKind.CalendarYear => CountWith(new LocalDate(d.Year, 1, 1), d),
                    _ => 0,
                };
                if (used > limit.Days) return (d.PlusDays(-1), limit.Rule);
            }
        }
        return (entry.PlusDays(SimulationCapDays - 1), regime.Limits[0].Rule);

        int CountWith(LocalDate from, LocalDate to) =>
            Counted.Count(from, Days.Min(to, beforeEntry)) + Days.Between(Days.Max(from, entry), to) + 1;
    }
}
