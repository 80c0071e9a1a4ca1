using System.Text.Json.Nodes;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Domain.Tests.Rules;

/// <summary>
/// Facts documents no sane client sends but an anonymous caller of <c>POST /api/evaluate</c> and <c>/api/plan</c> can (seeded, so a
/// failure reproduces): events in any order and of any kind, dates at the ends of the accepted range (1900-01-01, 2100-12-31), visas
/// valid for two centuries, a stay per entry of int.MaxValue days. The engine answers, or refuses with a <see cref="FactsException"/> or
/// <see cref="CatalogueException"/> (the endpoints' 400); any other exception is the endpoints' 500.
/// </summary>
public class ChaosTests
{
    private static readonly string[] Types =
        ["Entered", "Exited", "Notified", "AddressChanged", "VisaIssued", "VisaExtended", "CategoryChanged", "VisaCancelled", "ResidencePermitIssued", "PassportReplaced"];

    private static readonly LocalDate Min = CaseFactsReader.MinDate, Max = CaseFactsReader.MaxDate;

    private static LocalDate Day(Random random) => random.Next(6) switch
    {
        0 => Min.PlusDays(random.Next(30)),
        1 => Max.PlusDays(-random.Next(30)),
        2 => Min,
        3 => Max,
        _ => new LocalDate(2026, 1, 1).PlusDays(random.Next(-800, 800)),
    };

    private static string Iso(LocalDate d) => d.ToString("yyyy-MM-dd", null);

    private static JsonObject Document(Random random, RuleCatalogue catalogue)
    {
        var categories = catalogue.Visas.Categories.Select(c => c.Code).ToArray();
        var events = new JsonArray();
        for (var n = random.Next(0, 25); n > 0; n--)
        {
            var type = Types[random.Next(Types.Length)];
            var e = new JsonObject { ["type"] = type, ["date"] = Iso(Day(random)) };
            if (type is "VisaIssued" or "CategoryChanged" or "ResidencePermitIssued")
            {
                var from = Day(random);
                var to = random.Next(3) == 0 ? Max : from.PlusDays(random.Next(0, 400)) is var t && t <= Max ? t : Max;
                e["validFrom"] = Iso(from);
                e["validTo"] = Iso(to);
            }
            if (type is "VisaIssued" or "CategoryChanged")
            {
                e[type == "VisaIssued" ? "category" : "to"] = categories[random.Next(categories.Length)];
                e["entries"] = random.Next(2) == 0 ? "single" : "multiple";
                if (random.Next(3) == 0) e["stayPerEntryDays"] = random.Next(3) switch { 0 => int.MaxValue, 1 => 1, _ => random.Next(1, 100_000) };
                if (random.Next(4) == 0) e["eVisa"] = true;
            }
            if (type == "VisaExtended") e["validTo"] = Iso(Day(random));
            events.Add(e);
        }
        if (random.Next(2) == 0) // half the histories in date order, as a real case's are
            events = new JsonArray([.. events.OrderBy(e => e!["date"]!.GetValue<string>(), StringComparer.Ordinal).Select(e => e!.DeepClone())]);
        var countries = catalogue.Countries.Where(c => c != "KZ").Order().ToArray();
        return new JsonObject
        {
            ["person"] = new JsonObject { ["nationality"] = countries[random.Next(countries.Length)], ["birthDate"] = Iso(Day(random)) },
            ["hostParty"] = new JsonObject { ["size"] = new[] { "small", "medium", "large" }[random.Next(3)] },
            ["events"] = events,
        };
    }

    [Fact]
    public void AnyFactsDocument_IsEvaluatedAndPlanned_OrRefusedAsInvalidFacts_NeverAnotherException()
    {
        var catalogue = RuleCatalogue.Default;
        var random = new Random(20261123);
        var failures = new List<string>();
        var answered = 0;
        var planned = 0;
        var refusals = new Dictionary<string, int>();
        for (var i = 0; i < 3_000 && failures.Count < 10; i++)
        {
            var document = Document(random, catalogue);
            var asOf = Day(random);
            var entry = Day(random);
            LocalDate? exit = random.Next(2) == 0 ? null : Day(random);
            try
            {
                var facts = CaseFactsReader.Read(document.ToJsonString(), catalogue);
                RulesEngine.Evaluate(catalogue, facts, asOf);
                answered++;
                RulesEngine.Plan(catalogue, facts, entry, exit);
                planned++;
            }
            catch (Exception e) when (e is FactsException or CatalogueException)
            {
                refusals[e.Message[..Math.Min(50, e.Message.Length)]] = refusals.GetValueOrDefault(e.Message[..Math.Min(50, e.Message.Length)]) + 1;
            }
            catch (Exception e)
            {
                failures.Add($"{e.GetType().Name}: {e.Message} (asOf {asOf}, plan {entry}..{exit})\n{document.ToJsonString()}\n{e.StackTrace?.Split('\n').FirstOrDefault()}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(3)));
        Assert.True(planned > 500, $"only {planned} plans answered");
        Assert.True(answered > 1_000, $"only {answered} documents answered: the generator makes too few valid ones to test the engine; " + string.Join("; ", refusals.OrderByDescending(r => r.Value).Take(8).Select(r => $"{r.Value}x {r.Key}")));
    }

    [Theory]
    [InlineData(int.MaxValue, "2024-12-31")] // longer than any range of dates: the whole validity
    [InlineData(-3, "2024-01-10")] // a recorded 0 or less (no command takes it any more) reads as one day per entry
    public void AStayPerEntryBeyondTheBound_InAnEventAlreadyRecorded_IsHeldToIt_AndTheCaseStillEvaluates(int stay, string permittedUntil)
    {
        var catalogue = RuleCatalogue.Default;
        var visa = new VisaIssuedFact(new LocalDate(2024, 1, 1), "C3", VisaEntries.Multiple, new LocalDate(2024, 1, 1), new LocalDate(2024, 12, 31), stay, false);
        var facts = new CaseFacts(new PersonFacts("DE", null), HostPartySize.Small, [visa, new EnteredFact(new LocalDate(2024, 1, 10))]);
        Assert.Equal(permittedUntil, RulesEngine.Evaluate(catalogue, facts, new LocalDate(2024, 2, 1)).PermittedUntil?.ToString("yyyy-MM-dd", null));
    }
}
