using CaseFlow.Domain.Rules;
using NodaTime;
using static CaseFlow.Domain.Tests.FactsBuilder;

namespace CaseFlow.Domain.Tests.Rules;

/// <summary>
/// Art. 518's tiers by the host's category (000 offences section, art. 518: small 10, medium 15, large 20; repeat 40 / 70 / 100), the
/// category taken on the offence's date (CaseFlow's reading, docs/rules.md): a size recorded later re-prices no earlier offence, and a
/// state "as known at" an instant uses the sizes known then.
/// </summary>
public class HostPartySizesTests
{
    private static readonly Instant T0 = Instant.FromUtc(2024, 1, 10, 5, 0);

    private static SizeRecord R(string from, HostPartySize size, int hoursAfterT0 = 0) => new(D(from), size, T0.Plus(Duration.FromHours(hoursAfterT0)));

    // A US national hosted twice, neither arrival notified: the second late notification is a repeat within a year (000, art. 518).
    private static CaseFacts TwoLateNotifications(HostPartySizes sizes) =>
        For("US").Stay("2024-02-05", "2024-02-20").Enter("2024-06-03").Build() with { Sizes = sizes };

    private static FineExposure Fine(CaseFacts facts) => Assert.Single(RulesEngine.Evaluate(RuleCatalogue.Default, facts, D("2024-06-20")).Fines);

    [Fact]
    public void ASizeHolds_FromItsDayOn_TheFirstAlsoBefore_TheLastOfADay()
    {
        var sizes = new HostPartySizes([R("2024-03-01", HostPartySize.Small), R("2024-06-01", HostPartySize.Large, 1), R("2024-06-01", HostPartySize.Medium, 2)]);
        Assert.Equal(HostPartySize.Small, sizes.On(D("1990-01-01")));
        Assert.Equal(HostPartySize.Small, sizes.On(D("2024-05-31")));
        Assert.Equal(HostPartySize.Medium, sizes.On(D("2024-06-01")));
        Assert.Equal(HostPartySize.Medium, sizes.On(D("2030-01-01")));
        Assert.Equal(HostPartySize.Medium, sizes.Current);
        Assert.Equal("Small,2024-06-01:Large,2024-06-01:Medium", sizes.ToString());
    }

    [Fact]
    public void TheOffence_TakesTheSizeOfItsDay_NotTheSizeNow()
    {
        var offence = Fine(TwoLateNotifications(HostPartySize.Small)).OffenceDate;
        Assert.Equal(("repeat-small", 40m), (Fine(TwoLateNotifications(HostPartySize.Small)).Tier, Fine(TwoLateNotifications(HostPartySize.Small)).Mci));

        // Large from the offence's own day: the repeat tier of a large host (100 MCI).
        var fromThatDay = Fine(TwoLateNotifications(new([R("1900-01-01", HostPartySize.Small), new SizeRecord(offence, HostPartySize.Large, T0)])));
        Assert.Equal(("repeat-large", 100m), (fromThatDay.Tier, fromThatDay.Mci));

        // Large from the next day: the offence was a small host's (40 MCI), though the host is large now.
        var fromTheNextDay = TwoLateNotifications(new([R("1900-01-01", HostPartySize.Small), new SizeRecord(offence.PlusDays(1), HostPartySize.Large, T0)]));
        Assert.Equal(HostPartySize.Large, fromTheNextDay.HostPartySize);
        Assert.Equal(("repeat-small", 40m), (Fine(fromTheNextDay).Tier, Fine(fromTheNextDay).Mci));
        Assert.DoesNotContain(RulesEngine.Evaluate(RuleCatalogue.Default, fromTheNextDay, D("2024-06-20")).Warnings, w => w.StartsWith("Host party size", StringComparison.Ordinal));
    }

    [Fact]
    public void KnownAt_KeepsTheRecordsMadeByThen_OrTheFirstWhenNoneWas()
    {
        var sizes = new HostPartySizes([R("1900-01-01", HostPartySize.Small, 0), R("2024-06-01", HostPartySize.Large, 10)]);
        Assert.Same(sizes, sizes.KnownAt(T0.Plus(Duration.FromHours(10))));
        Assert.Equal(HostPartySize.Small, sizes.KnownAt(T0.Plus(Duration.FromHours(10) - Duration.Epsilon)).On(D("2024-06-20")));
        Assert.Equal(HostPartySize.Large, sizes.KnownAt(T0.Plus(Duration.FromHours(10))).On(D("2024-06-20")));
        var before = sizes.KnownAt(T0 - Duration.Epsilon);
        Assert.Equal([sizes.Records[0]], before.Records);

        var three = new HostPartySizes([R("1900-01-01", HostPartySize.Small, 0), R("2024-03-01", HostPartySize.Medium, 5), R("2024-06-01", HostPartySize.Large, 10)]);
        Assert.Equal([three.Records[0], three.Records[1]], three.KnownAt(T0.Plus(Duration.FromHours(7))).Records);
    }

    [Theory]
    // 000 offences section, art. 518: small 10, medium 15, large 20; a repeat within a year 40, 70, 100.
    [InlineData("small", "small", 10, "repeat-small", 40)]
    [InlineData("medium", "medium", 15, "repeat-medium", 70)]
    [InlineData("large", "large", 20, "repeat-large", 100)]
    public void EachSize_HasItsTier_FirstAndRepeat(string size, string first, int firstMci, string repeat, int repeatMci)
    {
        var once = Assert.Single(For("US").Host(size).Enter("2024-06-03").EvaluateOn("2024-06-20").Fines);
        Assert.Equal((first, (decimal)firstMci), (once.Tier, once.Mci));
        var again = Assert.Single(For("US").Host(size).Stay("2024-02-05", "2024-02-20").Enter("2024-06-03").EvaluateOn("2024-06-20").Fines);
        Assert.Equal((repeat, (decimal)repeatMci), (again.Tier, again.Mci));
    }

    [Fact]
    public void Sizes_AreNeverEmpty_NorOutOfOrder()
    {
        Assert.StartsWith("a host party has at least one recorded size", Assert.Throws<ArgumentException>(() => new HostPartySizes([])).Message, StringComparison.Ordinal);
        Assert.StartsWith("sizes are ordered by the date they hold from",
            Assert.Throws<ArgumentException>(() => new HostPartySizes([R("2024-06-02", HostPartySize.Small), R("2024-06-01", HostPartySize.Large)])).Message, StringComparison.Ordinal);
        Assert.Equal(2, new HostPartySizes([R("2024-06-01", HostPartySize.Small), R("2024-06-01", HostPartySize.Large)]).Records.Count);
    }
}
