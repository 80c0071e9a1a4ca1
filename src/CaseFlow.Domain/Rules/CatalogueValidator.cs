using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>Checks a loaded catalogue for what JSON cannot express: unique ids, known codes, non-overlapping effective periods,
/// contiguous fine tiers, calendars that add up. The first problem found fails the load, naming the entry.</summary>
internal static class CatalogueValidator
{
    public static void Validate(RuleCatalogue c)
    {
        Check(c.Countries.Count > 0 && c.Countries.All(code => code.Length == 2 && code.All(char.IsAsciiLetterUpper)), "countries.json", "codes", "every code is two upper-case letters");

        foreach (var r in c.Regimes)
        {
            var where = $"regime {r.Id}";
            Check(r.Status is "inForce" or "pending", "regimes.json", where, $"status '{r.Status}' is neither inForce nor pending");
            Check(r.Status == "pending" || r.EffectiveFrom is not null, "regimes.json", where, "a regime in force needs effectiveFrom");
            Check(r.EffectiveFrom is null || r.EffectiveTo is null || r.EffectiveFrom <= r.EffectiveTo, "regimes.json", where, "effectiveFrom is after effectiveTo");
            Check(r.Limits.Count > 0, "regimes.json", where, "has no limits");
            Check(!string.IsNullOrWhiteSpace(r.Citation), "regimes.json", where, "has no citation");
            foreach (var country in r.Countries)
                Check(c.Countries.Contains(country), "regimes.json", where, $"country '{country}' is not an ISO 3166-1 alpha-2 code");
            foreach (var l in r.Limits)
            {
                Check(l.Days > 0, "regimes.json", $"{where} limit {l.Rule}", "days must be positive");
                Check(l.Kind is LimitKind.PerVisit or LimitKind.Rolling or LimitKind.CalendarYear, "regimes.json", $"{where} limit {l.Rule}", $"kind {l.Kind} is not a regime limit");
                Check(l.Kind != LimitKind.Rolling || (l.WindowDays is { } w && w >= l.Days), "regimes.json", $"{where} limit {l.Rule}", "a rolling limit needs windowDays >= days");
                Check(!string.IsNullOrWhiteSpace(l.Citation), "regimes.json", $"{where} limit {l.Rule}", "has no citation");
            }
            Check((r.ResidencePermitAfterDays is null) == (r.ResidencePermitRule is null), "regimes.json", where, "residencePermitAfterDays and residencePermitRule go together");
        }
        Unique(c.Regimes.Select(r => r.Id), "regimes.json", "regime id");
        var inForce = c.Regimes.Where(r => r.Status == "inForce").ToList();
        foreach (var a in inForce)
            foreach (var b in inForce.Where(b => string.CompareOrdinal(a.Id, b.Id) < 0))
                Check(!(a.Countries.Intersect(b.Countries).Any() && Overlap(a.EffectiveFrom, a.EffectiveTo, b.EffectiveFrom, b.EffectiveTo)),
                    "regimes.json", $"regimes {a.Id} and {b.Id}", $"both in force for {string.Join(",", a.Countries.Intersect(b.Countries))} on overlapping dates");

        Unique(c.Visas.Categories.Select(v => v.Code), "visas.json", "category code");
        foreach (var v in c.Visas.Categories)
            Check(!string.IsNullOrWhiteSpace(v.Citation), "visas.json", $"category {v.Code}", "has no citation");
        foreach (var code in c.Visas.EVisa.Categories)
            Check(c.VisaCategory(code) is not null, "visas.json", "eVisa", $"unknown category {code}");

        foreach (var change in c.CategoryChanges.Changes)
        {
            Check(c.VisaCategory(change.Target) is not null, "category-changes.json", change.Id, $"unknown target {change.Target}");
            foreach (var from in change.From ?? [])
                Check(c.VisaCategory(from) is not null, "category-changes.json", change.Id, $"unknown source {from}");
        }
        Unique(c.CategoryChanges.Changes.Select(x => x.Target), "category-changes.json", "target");

        foreach (var f in c.Fees.Fees)
            Check(f.Mci >= 0 && !string.IsNullOrWhiteSpace(f.Citation), "fees.json", f.Id, "needs a non-negative MCI amount and a citation");

        var notify = c.Obligations.ArrivalNotification;
        foreach (var n in notify)
            Check((n.WorkingDays is > 0) ^ (n.CalendarDaysAfter is > 0), "obligations.json", $"arrivalNotification {n.Id}", "exactly one of workingDays or calendarDaysAfter, positive");
        foreach (var basis in Enum.GetValues<StayBasisKind>())
        {
            var rules = notify.Where(n => n.Bases.Contains(basis)).ToList();
            for (var i = 0; i < rules.Count; i++)
                for (var j = i + 1; j < rules.Count; j++)
                    Check(!Overlap(rules[i].EffectiveFrom, rules[i].EffectiveTo, rules[j].EffectiveFrom, rules[j].EffectiveTo),
                        "obligations.json", $"arrivalNotification {rules[i].Id}/{rules[j].Id}", $"overlap for basis {basis}");
        }
        var window = c.Obligations.ExtensionWindow;
        Check(window.OpensWorkingDaysBefore > window.ClosesWorkingDaysBefore && window.ClosesWorkingDaysBefore > 0, "obligations.json", window.Id, "the window must open before it closes");
        foreach (var e in c.Obligations.ExitAfterCancellation)
            Check((e.CalendarDays is > 0) ^ (e.WorkingDays is > 0), "obligations.json", e.Id, "exactly one of calendarDays or workingDays, positive");

        var tiers = c.Fines.Art517.Overstay;
        Check(tiers.Count > 0 && tiers[0].FromDay == 1 && tiers[^1].ToDay is null, "fines.json", "art517.overstay", "tiers must start at day 1 and end open");
        for (var i = 1; i < tiers.Count; i++)
            Check(tiers[i - 1].ToDay + 1 == tiers[i].FromDay, "fines.json", $"art517.overstay {tiers[i].Id}", "tiers must be contiguous");

        Unique(c.Mci.Values.Select(m => m.Year.ToString(System.Globalization.CultureInfo.InvariantCulture)), "mci.json", "year");
        foreach (var m in c.Mci.Values)
            Check(m.Tenge > 0, "mci.json", m.Id, "tenge must be positive");

        foreach (var y in c.CalendarData.PublishedYears)
        {
            var where = $"publishedYears {y.Year}";
            foreach (var d in y.NonWorkingWeekdays)
                Check(d.Year == y.Year && d.DayOfWeek < IsoDayOfWeek.Saturday, "calendar.json", where, $"{d:yyyy-MM-dd} is not a weekday of {y.Year}");
            foreach (var d in y.WorkingWeekendDays)
                Check(d.Year == y.Year && d.DayOfWeek >= IsoDayOfWeek.Saturday, "calendar.json", where, $"{d:yyyy-MM-dd} is not a weekend day of {y.Year}");
            var counted = c.Calendar.WorkingDaysIn(y.Year);
            Check(counted == y.WorkingDays, "calendar.json", where, $"lists give {counted} working days, the year states {y.WorkingDays}");
        }
    }

    private static bool Overlap(LocalDate? aFrom, LocalDate? aTo, LocalDate? bFrom, LocalDate? bTo) =>
        (aFrom is null || bTo is null || aFrom <= bTo) && (bFrom is null || aTo is null || bFrom <= aTo);

    private static void Unique(IEnumerable<string> values, string file, string what)
    {
        var dup = values.GroupBy(v => v).FirstOrDefault(g => g.Count() > 1);
        Check(dup is null, file, what, $"'{dup?.Key}' appears more than once");
    }

    private static void Check(bool ok, string file, string entry, string problem)
    {
        if (!ok) throw new CatalogueException($"{file}: {entry}: {problem}");
    }
}
