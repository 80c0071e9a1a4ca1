using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>Fines: art. 518 for the host party by size, art. 517 for the foreigner by overstay day, and the repeat tiers.</summary>
public static partial class RulesEngine
{
    /// <summary>Art. 518 for the host party: by enterprise size; a repeat within the lookback after an earlier host offence is the repeat tier.</summary>
    private static FineExposure HostFine(RuleCatalogue catalogue, CaseFacts facts, LocalDate offence, OffenceDates earlier)
    {
        var art = catalogue.Fines.Art518;
        var size = facts.HostPartySize ?? HostPartySize.Small;
        var repeat = earlier.AnyWithin(518, offence, art.Repeat.WithinDays ?? 0);
        var tiers = repeat ? art.Repeat : art.First;
        var sizeName = size.ToString().ToLowerInvariant();
        var mci = tiers.For(size);
        return new FineExposure(518, FineParty.HostParty, repeat ? $"repeat-{sizeName}" : sizeName, mci, Tenge(catalogue, mci, offence), tiers.Id, offence);
    }

    /// <summary>Art. 517 for the foreigner: the tier of the overstay day count (day 1 = first day after the last lawful day), or the repeat tier
    /// when an earlier overstay fell within the lookback and the repeat tier is heavier.</summary>
    private static FineExposure OverstayFine(RuleCatalogue catalogue, Stay stay, OffenceDates earlier)
    {
        var art = catalogue.Fines.Art517;
        var n = stay.OverstayDays;
        var offence = stay.PermittedUntil.PlusDays(1);
        var tier = art.Overstay.First(t => n >= t.FromDay && (t.ToDay is null || n <= t.ToDay));
        var repeat = earlier.AnyWithin(517, offence, art.Repeat.WithinDays);
        if (repeat && art.Repeat.Mci > tier.Mci)
            return new FineExposure(517, FineParty.Foreigner, art.Repeat.Tier, art.Repeat.Mci, Tenge(catalogue, art.Repeat.Mci, offence), art.Repeat.Id, offence);
        return new FineExposure(517, FineParty.Foreigner, tier.Tier, tier.Mci, Tenge(catalogue, tier.Mci, offence), tier.Id, offence);
    }

    private static decimal? Tenge(RuleCatalogue catalogue, decimal mci, LocalDate offence) =>
        catalogue.MciFor(offence.Year) is { } value ? mci * value.Tenge : null;

    /// <summary>The offence dates found so far, by article: "an earlier offence within N days" in logarithmic time.</summary>
    private sealed class OffenceDates
    {
        private readonly Dictionary<int, SortedSet<LocalDate>> byArticle = [];

        public FineExposure Add(FineExposure fine)
        {
            if (!byArticle.TryGetValue(fine.Article, out var dates)) byArticle[fine.Article] = dates = [];
            dates.Add(fine.OffenceDate);
            return fine;
        }

        /// <summary>An offence under <paramref name="article"/> dated before <paramref name="offence"/> and at most <paramref name="withinDays"/> days before it.</summary>
        public bool AnyWithin(int article, LocalDate offence, int withinDays) =>
            byArticle.TryGetValue(article, out var dates) && withinDays >= 1 && dates.GetViewBetween(offence.PlusDays(-withinDays), offence.PlusDays(-1)).Any();
    }
}
