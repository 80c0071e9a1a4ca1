using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>Fines: art. 518 for the host party by size, art. 517 for the foreigner by overstay day, and the repeat tiers.</summary>
public static partial class RulesEngine
{
    /// <summary>Art. 518 for the host party: by its enterprise size on the offence's date; a repeat within the lookback after an earlier host
    /// offence is the repeat tier.</summary>
    private static FineExposure HostFine(RuleCatalogue catalogue, CaseFacts facts, LocalDate offence, OffenceDates earlier)
    {
        var art = catalogue.Fines.Art518;
        var size = facts.Sizes?.On(offence) ?? HostPartySize.Small;
        var repeat = earlier.AnyWithin(518, offence, art.Repeat.WithinDays ?? 0);
        var tiers = repeat ? art.Repeat : art.First;
        var tier = (size, repeat) switch
        {
            (HostPartySize.Small, false) => "small", (HostPartySize.Medium, false) => "medium", (HostPartySize.Large, false) => "large",
            (HostPartySize.Small, true) => "repeat-small", (HostPartySize.Medium, true) => "repeat-medium", (HostPartySize.Large, true) => "repeat-large",
            _ => throw new ArgumentOutOfRangeException(nameof(facts), size, "unknown host party size"),
        };
        var mci = tiers.For(size);
        return new FineExposure(518, FineParty.HostParty, tier, mci, Tenge(catalogue, mci, offence), tiers.Id, offence);
    }

    /// <summary>Art. 517 for the foreigner: the tier of the overstay day count (day 1 = first day after the last lawful day), or the repeat tier
    /// when an earlier overstay fell within the lookback and the repeat tier is heavier.</summary>
    private static FineExposure OverstayFine(RuleCatalogue catalogue, Stay stay, OffenceDates earlier)
    {
        var art = catalogue.Fines.Art517;
        var n = stay.OverstayDays;
        var offence = stay.PermittedUntil.PlusDays(1);
        OverstayTier? tier = null;
        foreach (var t in art.Overstay)
            if (n >= t.FromDay && (t.ToDay is null || n <= t.ToDay)) { tier = t; break; }
        if (tier is null) throw new CatalogueException($"fines.json: no art. 517 overstay tier for day {n}");
        var repeat = earlier.AnyWithin(517, offence, art.Repeat.WithinDays);
        if (repeat && art.Repeat.Mci > tier.Mci)
            return new FineExposure(517, FineParty.Foreigner, art.Repeat.Tier, art.Repeat.Mci, Tenge(catalogue, art.Repeat.Mci, offence), art.Repeat.Id, offence);
        return new FineExposure(517, FineParty.Foreigner, tier.Tier, tier.Mci, Tenge(catalogue, tier.Mci, offence), tier.Id, offence);
    }

    private static decimal? Tenge(RuleCatalogue catalogue, decimal mci, LocalDate offence) =>
        catalogue.MciFor(offence.Year) is { } value ? mci * value.Tenge : null;

    /// <summary>The offence dates found so far, by article, as day numbers, each list sorted: "an earlier offence within N days" by binary search.</summary>
    private sealed class OffenceDates
    {
        private List<int>? art517;
        private List<int>? art518;

        public FineExposure Add(FineExposure fine)
        {
            var dates = fine.Article == 517 ? art517 ??= [] : art518 ??= [];
            var day = Days.Number(fine.OffenceDate);
            var at = dates.BinarySearch(day);
            dates.Insert(at < 0 ? ~at : at, day);
            return fine;
        }

        /// <summary>An offence under <paramref name="article"/> dated before <paramref name="offence"/> and at most <paramref name="withinDays"/> days before it.</summary>
        public bool AnyWithin(int article, LocalDate offence, int withinDays)
        {
            var dates = article == 517 ? art517 : art518;
            if (dates is null || withinDays < 1) return false;
            var day = Days.Number(offence);
            var at = dates.BinarySearch(day - withinDays);
            var first = at < 0 ? ~at : at;
            return first < dates.Count && dates[first] < day;
        }
    }
}
