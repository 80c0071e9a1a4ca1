using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Domain.Tests.Rules;

/// <summary>Properties over generated histories (seeded, so a failure reproduces): the invariants issue 3 names.</summary>
public class PropertyTests
{
    private static readonly string[] Nationalities = ["DE", "US", "IN", "UA", "KR", "RU", "UZ", "CN", "AD", "JO", "TR"];

    private static IEnumerable<(FactsBuilder Facts, LocalDate AsOf, LocalDate? VisaTo)> Histories(int count, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var facts = FactsBuilder.For(Nationalities[random.Next(Nationalities.Length)]);
            var day = new LocalDate(2023, 1, 1).PlusDays(random.Next(300));
            LocalDate? visaTo = null;
            if (random.Next(3) == 0)
            {
                var from = day.PlusDays(-random.Next(30));
                visaTo = from.PlusDays(30 + random.Next(400));
                facts.Visa("B2", Iso(from), Iso(visaTo.Value), stay: random.Next(2) == 0 ? null : 30 + random.Next(60));
            }
            for (var stays = random.Next(1, 8); stays > 0; stays--)
            {
                facts.Enter(Iso(day));
                if (random.Next(2) == 0) facts.Notify(Iso(day.PlusDays(random.Next(6))));
                day = day.PlusDays(random.Next(1, 120));
                facts.Exit(Iso(day));
                day = day.PlusDays(random.Next(1, 90));
            }
            yield return (facts, day.PlusDays(-random.Next(200)), visaTo);
        }
    }

    private static string Iso(LocalDate d) => d.ToString("yyyy-MM-dd", null);

    [Fact]
    public void PermittedUntil_NeverBeyondTheVisaValidTo()
    {
        foreach (var (facts, asOf, visaTo) in Histories(300, 1))
        {
            var e = RulesEngine.Evaluate(RuleCatalogue.Default, facts.Build(), asOf);
            if (e.Basis == StayBasisKind.Visa && visaTo is { } to)
                Assert.True(e.PermittedUntil <= to, $"{facts.Json()} as of {asOf}: {e.PermittedUntil} > {to}");
        }
    }

    [Fact]
    public void Used_NeverExceedsTheWindowLength()
    {
        foreach (var (facts, asOf, _) in Histories(300, 2))
            foreach (var limit in RulesEngine.Evaluate(RuleCatalogue.Default, facts.Build(), asOf).Limits)
                Assert.True(limit.Used <= Period.DaysBetween(limit.WindowStart, limit.WindowEnd) + 1, $"{facts.Json()} as of {asOf}: {limit}");
    }

    [Fact]
    public void AddingADayOfStay_NeverLowersACount()
    {
        foreach (var (facts, asOf, _) in Histories(200, 3))
        {
            var built = facts.Build();
            var lastExit = built.Events.OfType<ExitedFact>().Last();
            if (lastExit.Date >= asOf) continue;
            var longer = built with { Events = [.. built.Events.Where(f => f != lastExit), new ExitedFact(lastExit.Date.PlusDays(1))] };
            var before = RulesEngine.Evaluate(RuleCatalogue.Default, built, asOf);
            var after = RulesEngine.Evaluate(RuleCatalogue.Default, longer, asOf);
            foreach (var limit in before.Limits.Where(l => l.Kind is LimitKind.Rolling or LimitKind.CalendarYear))
            {
                var same = after.Limits.Single(l => l.Rule == limit.Rule);
                Assert.True(same.Used >= limit.Used, $"{facts.Json()} as of {asOf}: {limit.Rule} {limit.Used} -> {same.Used}");
            }
            Assert.True(after.OverstayDays >= before.OverstayDays);
        }
    }

    [Fact]
    public void Evaluate_IsDeterministic()
    {
        foreach (var (facts, asOf, _) in Histories(100, 4))
        {
            var a = System.Text.Json.JsonSerializer.Serialize(RulesEngine.Evaluate(RuleCatalogue.Default, facts.Build(), asOf), CaseFlow.Domain.Json.CaseFlowJson.Options);
            var b = System.Text.Json.JsonSerializer.Serialize(RulesEngine.Evaluate(RuleCatalogue.Default, facts.Build(), asOf), CaseFlow.Domain.Json.CaseFlowJson.Options);
            Assert.Equal(a, b);
        }
    }
}
