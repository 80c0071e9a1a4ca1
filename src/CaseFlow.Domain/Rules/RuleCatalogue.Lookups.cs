using System.Collections.Frozen;
using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>
/// The catalogue's lookups by date, nationality and code: plain loops or one hash lookup, no allocation per call, since the rules engine
/// asks them per stay (the pending regimes, named at most once an evaluation, are the one enumeration).
/// </summary>
public sealed partial class RuleCatalogue
{
    private FrozenDictionary<string, Regime[]>? regimesByCountry;

    /// <summary>Each nationality's regimes in catalogue order, indexed once (the catalogue is immutable): one hash lookup a stay, not a scan of every regime's countries.</summary>
    private FrozenDictionary<string, Regime[]> RegimesByCountry => regimesByCountry ??=
        Regimes.SelectMany(r => r.Countries.Select(country => (country, r))).GroupBy(x => x.country, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(x => x.r).Distinct().ToArray(), StringComparer.Ordinal);

    /// <summary>Regimes for a nationality in force on a date (at most one, checked at load).</summary>
    public Regime? RegimeFor(string nationality, LocalDate date)
    {
        if (!RegimesByCountry.TryGetValue(nationality, out var regimes)) return null;
        foreach (var r in regimes)
            if (r.InForceOn(date)) return r;
        return null;
    }

    public IEnumerable<Regime> PendingRegimesFor(string nationality) =>
        RegimesByCountry.TryGetValue(nationality, out var regimes) ? regimes.Where(r => r.Status == "pending") : [];

    public VisaCategory? VisaCategory(string code)
    {
        for (var i = 0; i < Visas.Categories.Count; i++)
            if (Visas.Categories[i].Code == code) return Visas.Categories[i];
        return null;
    }

    public MciValue? MciFor(int year)
    {
        for (var i = 0; i < Mci.Values.Count; i++)
        {
            var m = Mci.Values[i];
            if (m.Year == year) return m;
        }
        return null;
    }

    public NotificationRule? NotificationRuleFor(LocalDate trigger, StayBasisKind basis)
    {
        for (var i = 0; i < Obligations.ArrivalNotification.Count; i++)
        {
            var r = Obligations.ArrivalNotification[i];
            if (Effective.Covers(r.EffectiveFrom, r.EffectiveTo, trigger) && Contains(r.Bases, basis)) return r;
        }
        return null;
    }

    private static bool Contains(IReadOnlyList<StayBasisKind> bases, StayBasisKind basis)
    {
        for (var i = 0; i < bases.Count; i++)
            if (bases[i] == basis) return true;
        return false;
    }

    public ExitAfterCancellationRule? ExitRuleFor(LocalDate cancelled) =>
        Obligations.ExitAfterCancellation.FirstOrDefault(r => Effective.Covers(r.EffectiveFrom, r.EffectiveTo, cancelled));
}
