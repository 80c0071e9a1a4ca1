using CaseFlow.Domain.Rules;

namespace CaseFlow.Domain.Tests.Rules;

public class CaseFactsReaderTests
{
    [Theory]
    [InlineData("""{"person":{"nationality":"XX"},"events":[]}""", "person.nationality")]
    [InlineData("""{"person":{"nationality":"KZ"},"events":[]}""", "person.nationality")]
    [InlineData("""{"person":{},"events":[]}""", "person.nationality")]
    [InlineData("""{"person":{"nationality":"DE"}}""", "events")]
    [InlineData("""{"person":{"nationality":"DE"},"hostParty":{"size":"huge"},"events":[]}""", "hostParty.size")]
    [InlineData("""{"person":{"nationality":"DE"},"events":[{"type":"Entered","date":"2024-02-30"}]}""", "events[0].date")]
    [InlineData("""{"person":{"nationality":"DE"},"events":[{"type":"Teleported","date":"2024-02-01"}]}""", "events[0].type")]
    [InlineData("""{"person":{"nationality":"DE"},"events":[{"type":"VisaIssued","category":"Z9","validFrom":"2024-01-01","validTo":"2024-02-01"}]}""", "events[0].category")]
    [InlineData("""{"person":{"nationality":"DE"},"events":[{"type":"VisaIssued","category":"C3","validFrom":"2024-03-01","validTo":"2024-02-01"}]}""", "events[0].validTo")]
    [InlineData("""not json""", "$")]
    public void BadInput_NamesTheField(string json, string field)
    {
        var error = Assert.Throws<FactsException>(() => CaseFactsReader.Read(json, RuleCatalogue.Default));
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Names_AreReadWithoutRegardToCase()
    {
        var facts = CaseFactsReader.Read("""
            {"person":{"nationality":"de"},"hostParty":{"size":"Large"},"events":[{"type":"entered","date":"2024-01-01"},
             {"type":"VISAISSUED","category":"c3","entries":"Multiple","validFrom":"2024-01-01","validTo":"2024-12-31"}]}
            """, RuleCatalogue.Default);
        Assert.Equal(("DE", HostPartySize.Large), (facts.Person.Nationality, facts.HostPartySize));
        Assert.IsType<EnteredFact>(facts.Events[0]);
        Assert.Equal(("C3", VisaEntries.Multiple), (((VisaIssuedFact)facts.Events[1]).Category, ((VisaIssuedFact)facts.Events[1]).Entries));
    }

    [Fact]
    public void ImpossibleSequence_IsBadInput()
    {
        var facts = FactsBuilder.For("DE").Enter("2024-01-01").Enter("2024-01-05").Build();
        var error = Assert.Throws<FactsException>(() => RulesEngine.Evaluate(RuleCatalogue.Default, facts, new NodaTime.LocalDate(2024, 2, 1)));
        Assert.Contains("already in the country", error.Message, StringComparison.Ordinal);
    }
}
