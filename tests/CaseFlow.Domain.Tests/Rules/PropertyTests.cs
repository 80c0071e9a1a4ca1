using System.Text.Json.Nodes;
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

    /// <summary>
    /// The order facts were recorded in does not change the answer (the engine sorts them by date, same-date facts in recorded order),
    /// for short histories and for histories of more than 256 facts (sorted with a pooled buffer instead of one on the stack); and the
    /// deadlines come by due date, then kind.
    /// </summary>
    [Theory]
    [InlineData(1, 60)]
    [InlineData(100, 8)]
    public void Evaluate_DoesNotDependOnTheOrderFactsWereRecordedIn(int repeats, int count)
    {
        var random = new Random(7);
        foreach (var (facts, asOf, _) in Histories(count, 5))
        {
            var built = facts.Build();
            // A longer history: the same facts again, each copy after the one before.
            var span = Period.DaysBetween(built.Events.Min(f => f.Date), Days.Max(asOf, built.Events.Max(f => f.Date))) + 10;
            var events = Enumerable.Range(0, repeats).SelectMany(k => built.Events.Select(f => Shifted(f, span * k))).ToList();
            var inOrder = built with { Events = [.. events.Select((f, i) => (f, i)).OrderBy(x => x.f.Date).ThenBy(x => x.i).Select(x => x.f)] };
            var shuffled = built with { Events = [.. events.OrderBy(_ => random.Next())] };
            // Same-date facts keep their recorded order in both: re-sort the shuffle's same-date facts into it.
            shuffled = shuffled with { Events = Restable(shuffled.Events, inOrder.Events) };
            var end = asOf.PlusDays(span * (repeats - 1));
            var expected = RulesEngine.Evaluate(RuleCatalogue.Default, inOrder, end);
            var actual = RulesEngine.Evaluate(RuleCatalogue.Default, shuffled, end);
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(expected, CaseFlow.Domain.Json.CaseFlowJson.Options),
                System.Text.Json.JsonSerializer.Serialize(actual, CaseFlow.Domain.Json.CaseFlowJson.Options));
            Assert.Equal([.. actual.Deadlines.OrderBy(d => d.Due).ThenBy(d => d.Kind)], actual.Deadlines);
        }
        if (repeats > 1) Assert.Contains(Histories(count, 5), h => h.Facts.Build().Events.Count * repeats > 256);

        static Fact Shifted(Fact f, int days) => f switch
        {
            EnteredFact e => new EnteredFact(e.Date.PlusDays(days)),
            ExitedFact x => new ExitedFact(x.Date.PlusDays(days)),
            NotifiedFact n => new NotifiedFact(n.Date.PlusDays(days)),
            VisaIssuedFact v => v with { Date = v.Date.PlusDays(days), ValidFrom = v.ValidFrom.PlusDays(days), ValidTo = v.ValidTo.PlusDays(days) },
            _ => throw new InvalidOperationException(f.GetType().Name),
        };

        // The shuffle, with each date's facts put back in their recorded order (only the order across dates is shuffled).
        static List<Fact> Restable(IReadOnlyList<Fact> shuffled, IReadOnlyList<Fact> inOrder)
        {
            var byDate = inOrder.GroupBy(f => f.Date).ToDictionary(g => g.Key, g => new Queue<Fact>(g));
            return [.. shuffled.Select(f => byDate[f.Date].Dequeue())];
        }
    }

    /// <summary>
    /// The visa-free lawful end found without walking the days agrees with walking them: for regimes with generated per-visit,
    /// rolling-window and calendar-year limits (000_d0b006081fdc65c8.txt §2 names all three), and generated histories of earlier
    /// stays, the last stay's permitted-until date and binding rule equal a day-by-day simulation over a plain set of counted days.
    /// </summary>
    [Fact]
    public void VisaFreeLawfulEnd_EqualsADayByDaySimulation()
    {
        var random = new Random(5);
        for (var c = 0; c < 40; c++)
        {
            var limits = new List<(string Rule, LimitKind Kind, int Days, int? Window)>();
            foreach (var kind in new[] { LimitKind.PerVisit, LimitKind.Rolling, LimitKind.CalendarYear }.OrderBy(_ => random.Next()).Take(random.Next(1, 4)))
            {
                var days = random.Next(1, kind == LimitKind.PerVisit ? 200 : 150);
                limits.Add(($"L{limits.Count}", kind, days, kind == LimitKind.Rolling ? days + random.Next(0, 300) : null));
            }
            var catalogue = WithVisaFreeLimits(limits);
            for (var h = 0; h < 25; h++)
            {
                var facts = FactsBuilder.For("DE");
                var counted = new HashSet<LocalDate>();
                var day = new LocalDate(2021, 1, 1).PlusDays(random.Next(400));
                for (var stays = random.Next(0, 12); stays > 0; stays--)
                {
                    var exit = day.PlusDays(random.Next(0, 60));
                    facts.Enter(Iso(day)).Exit(Iso(exit));
                    for (var d = day; d <= exit; d = d.PlusDays(1)) counted.Add(d);
                    day = exit.PlusDays(random.Next(0, 40));
                }
                facts.Enter(Iso(day));
                var e = RulesEngine.Evaluate(catalogue, facts.Build(), day);
                Assert.Equal(Simulate(limits, counted, day), (e.PermittedUntil!.Value, e.BindingRule!));
            }
        }

        static (LocalDate, string) Simulate(List<(string Rule, LimitKind Kind, int Days, int? Window)> limits, HashSet<LocalDate> earlier, LocalDate entry)
        {
            for (var k = 0; k < 3660; k++)
            {
                var d = entry.PlusDays(k);
                foreach (var (rule, kind, days, window) in limits)
                {
                    var from = kind switch { LimitKind.PerVisit => entry, LimitKind.Rolling => d.PlusDays(1 - window!.Value), _ => new LocalDate(d.Year, 1, 1) };
                    var used = 0;
                    for (var x = from; x <= d; x = x.PlusDays(1))
                        if (x >= entry || earlier.Contains(x)) used++;
                    if (used > days) return (d.PlusDays(-1), rule);
                }
            }
            return (entry.PlusDays(3659), limits[0].Rule);
        }
    }

    internal static RuleCatalogue WithVisaFreeLimits(List<(string Rule, LimitKind Kind, int Days, int? Window)> limits)
    {
        var files = RuleCatalogue.ReadEmbeddedFiles().ToDictionary(kv => kv.Key, kv => JsonNode.Parse(kv.Value)!);
        var vf = files["regimes.json"]["regimes"]!.AsArray().Single(r => (string?)r!["id"] == "VF-53")!;
        var array = new JsonArray();
        foreach (var (rule, kind, days, window) in limits)
        {
            var limit = new JsonObject
            {
                ["rule"] = rule, ["days"] = days, ["citation"] = "test",
                ["kind"] = kind switch { LimitKind.PerVisit => "perVisit", LimitKind.Rolling => "rolling", _ => "calendarYear" },
            };
            if (window is { } w) limit["windowDays"] = w;
            array.Add(limit);
        }
        vf["limits"] = array;
        return RuleCatalogue.Load(files.ToDictionary(kv => kv.Key, kv => kv.Value.ToJsonString()));
    }
}
