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

/// <summary>The reader's whole message for each kind of bad input (docs/rules.md "Input"), and every event type it knows.</summary>
public class CaseFactsReaderMessageTests
{
    private const string De = """{"person":{"nationality":"DE"},"events":[""";

    [Theory]
    [InlineData("[]", "$: must be a JSON object")]
    [InlineData("""{"events":[]}""", "person: required")]
    [InlineData("""{"person":null,"events":[]}""", "person: required")]
    [InlineData("""{"person":"DE","events":[]}""", "person: must be an object")]
    [InlineData("""{"person":{"nationality":""},"events":[]}""", "person.nationality: must be a non-empty string")]
    [InlineData("""{"person":{"nationality":5},"events":[]}""", "person.nationality: must be a non-empty string")]
    [InlineData("""{"person":{"nationality":"XXXXXXXXXXXXXXXXXXXXXXXXX"},"events":[]}""", "person.nationality: 'XXXXXXXXXXXXXXXXXXXX…' is not an ISO 3166-1 alpha-2 country code")]
    [InlineData("""{"person":{"nationality":"kz"},"events":[]}""", "person.nationality: KZ: citizens of Kazakhstan are not foreigners")]
    [InlineData("""{"person":{"nationality":"DE","birthDate":"1899-12-31"},"events":[]}""", "person.birthDate: must be between 1900-01-01 and 2100-12-31")]
    [InlineData("""{"person":{"nationality":"DE","birthDate":"2101-01-01"},"events":[]}""", "person.birthDate: must be between 1900-01-01 and 2100-12-31")]
    [InlineData("""{"person":{"nationality":"DE"},"hostParty":"big","events":[]}""", "hostParty: must be an object")]
    [InlineData("""{"person":{"nationality":"DE"},"hostParty":{"size":"huge"},"events":[]}""", "hostParty.size: 'huge' is not one of small, medium, large")]
    [InlineData("""{"person":{"nationality":"DE"},"events":{}}""", "events: required: an array of events")]
    [InlineData(De + "5]}", "events[0]: must be an object")]
    [InlineData(De + """{"type":"Entered","date":"2024-01-01"},{"date":"2024-01-02"}]}""", "events[1].type: required")]
    [InlineData(De + """{"type":"Entered"}]}""", "events[0].date: required")]
    [InlineData(De + """{"type":"Entered","date":"2024-1-1"}]}""", "events[0].date: '2024-1-1' is not a date in the form YYYY-MM-DD")]
    [InlineData(De + """{"type":"VisaIssued","validFrom":"2024-01-01","validTo":"2024-02-01"}]}""", "events[0].category: required")]
    [InlineData(De + """{"type":"VisaIssued","category":"C3","validTo":"2024-02-01"}]}""", "events[0].validFrom: required")]
    [InlineData(De + """{"type":"VisaIssued","category":"C3","validFrom":"2024-01-01"}]}""", "events[0].validTo: required")]
    [InlineData(De + """{"type":"VisaIssued","category":"C3","entries":"twice","validFrom":"2024-01-01","validTo":"2024-02-01"}]}""", "events[0].entries: 'twice' is not single or multiple")]
    [InlineData(De + """{"type":"VisaIssued","category":"C3","validFrom":"2024-02-01","validTo":"2024-01-31"}]}""", "events[0].validTo: 2024-01-31 is before validFrom 2024-02-01")]
    [InlineData(De + """{"type":"VisaIssued","category":"C3","validFrom":"2024-01-01","validTo":"2024-02-01","stayPerEntryDays":0}]}""", "events[0].stayPerEntryDays: a whole number of days from 1 to 73414")]
    [InlineData(De + """{"type":"VisaIssued","category":"C3","validFrom":"2024-01-01","validTo":"2024-02-01","stayPerEntryDays":"30"}]}""", "events[0].stayPerEntryDays: a whole number of days from 1 to 73414")]
    [InlineData(De + """{"type":"VisaIssued","category":"C3","validFrom":"2024-01-01","validTo":"2024-02-01","stayPerEntryDays":73415}]}""", "events[0].stayPerEntryDays: a whole number of days from 1 to 73414")]
    [InlineData(De + """{"type":"VisaIssued","category":"C3","validFrom":"2024-01-01","validTo":"2024-02-01","stayPerEntryDays":2147483647}]}""", "events[0].stayPerEntryDays: a whole number of days from 1 to 73414")]
    [InlineData(De + """{"type":"CategoryChanged","date":"2024-01-05","category":"C3","validFrom":"2024-01-05","validTo":"2024-02-01"}]}""", "events[0].to: required")]
    [InlineData(De + """{"type":"CategoryChanged","date":"2024-01-05","to":"Q1","validFrom":"2024-01-05","validTo":"2024-02-01"}]}""", "events[0].to: unknown visa category 'Q1'")]
    [InlineData(De + """{"type":"ResidencePermitIssued","validTo":"2024-02-01"}]}""", "events[0].validFrom: required")]
    [InlineData(De + """{"type":"ResidencePermitIssued","validFrom":"2024-02-01","validTo":"2024-01-31"}]}""", "events[0].validTo: 2024-01-31 is before validFrom 2024-02-01")]
    [InlineData(De + """{"type":"VisaExtended","date":"2024-02-01"}]}""", "events[0].validTo: required")]
    [InlineData("""{"person":{"nationality":"DE"},"hostParty":{"size":5},"events":[]}""", "hostParty.size: must be a non-empty string")]
    [InlineData(De + """{"type":"VisaIssued","category":"C3","entries":1,"validFrom":"2024-01-01","validTo":"2024-02-01"}]}""", "events[0].entries: must be a non-empty string")]
    [InlineData(De + """{"type":"VisaIssued","date":"2024-13-01","category":"C3","validFrom":"2024-01-01","validTo":"2024-02-01"}]}""", "events[0].date: '2024-13-01' is not a date in the form YYYY-MM-DD")]
    [InlineData(De + """{"type":"ResidencePermitIssued","validFrom":"2024-02-01"}]}""", "events[0].validTo: required")]
    [InlineData(De + """{"type":"ResidencePermitIssued","date":"1899-12-31","validFrom":"2024-02-01","validTo":"2024-03-01"}]}""", "events[0].date: must be between 1900-01-01 and 2100-12-31")]
    public void BadInput_TheWholeMessage(string json, string message) =>
        Assert.Equal(message, Assert.Throws<FactsException>(() => CaseFactsReader.Read(json, RuleCatalogue.Default)).Message);

    [Fact]
    public void NotJson_SaysSo_WithTheParsersReason() =>
        Assert.StartsWith("$: not valid JSON (", Assert.Throws<FactsException>(() => CaseFactsReader.Read("{", RuleCatalogue.Default)).Message);

    [Fact]
    public void DateRange_BothEndsInclusive_AnEchoOf20CharactersIsWhole()
    {
        Assert.Equal(new NodaTime.LocalDate(1900, 1, 1), CaseFactsReader.Read("""{"person":{"nationality":"DE","birthDate":"1900-01-01"},"events":[]}""", RuleCatalogue.Default).Person.BirthDate);
        Assert.Equal(new NodaTime.LocalDate(2100, 12, 31), CaseFactsReader.Read(De + """{"type":"Entered","date":"2100-12-31"}]}""", RuleCatalogue.Default).Events[0].Date);
        Assert.Equal("person.nationality: 'XXXXXXXXXXXXXXXXXXXX' is not an ISO 3166-1 alpha-2 country code",
            Assert.Throws<FactsException>(() => CaseFactsReader.Read("""{"person":{"nationality":"XXXXXXXXXXXXXXXXXXXX"},"events":[]}""", RuleCatalogue.Default)).Message);
        Assert.Equal(2, CaseFactsReader.Read(De + """{"type":"VisaIssued","category":"C3","validFrom":"2024-01-01","validTo":"2024-01-01","stayPerEntryDays":1},{"type":"ResidencePermitIssued","validFrom":"2024-02-01","validTo":"2024-02-01"}]}""",
            RuleCatalogue.Default).Events.Count); // one-day validity: validTo equal to validFrom is fine, and 1 day per entry
    }

    [Theory]
    [InlineData(DeadlineStatus.Open, null, true)]
    [InlineData(DeadlineStatus.Missed, null, true)]
    [InlineData(DeadlineStatus.Missed, "2024-05-08", false)]
    [InlineData(DeadlineStatus.Met, null, false)]
    [InlineData(DeadlineStatus.NotApplicable, null, false)]
    public void Outstanding_OpenOrMissed_AndNotFulfilledLate(DeadlineStatus status, string? metOn, bool outstanding) =>
        Assert.Equal(outstanding, new Deadline(DeadlineKind.ArrivalNotification, new NodaTime.LocalDate(2024, 5, 6), status, "NOTIFY-3WD",
            metOn is null ? null : NodaTime.Text.LocalDatePattern.Iso.Parse(metOn).Value).Outstanding);

    [Fact]
    public void UnknownType_ListsTheKnownOnes()
    {
        var error = Assert.Throws<FactsException>(() => CaseFactsReader.Read(De + """{"type":"Teleported","date":"2024-01-01"}]}""", RuleCatalogue.Default));
        Assert.Equal(("events[0].type", "unknown event type 'Teleported'; known: Entered, Exited, Notified, AddressChanged, VisaIssued, VisaExtended, CategoryChanged, " +
            "VisaCancelled, ResidencePermitIssued, PassportReplaced, CaseOpened, CaseClosed, AlertRaised, AlertAcknowledged, AlertResolved, FineExposureAssessed"), (error.Field, error.Reason));
    }

    [Fact]
    public void EveryKnownType_ReadAsItsFact_HistoryOnlyTypesSkipped()
    {
        var facts = CaseFactsReader.Read(De + """
            {"type":"CaseOpened"},{"type":"Entered","date":"2024-01-01"},{"type":"Notified","date":"2024-01-02"},{"type":"AddressChanged","date":"2024-01-03"},
            {"type":"VisaIssued","category":"C3","entries":"multiple","validFrom":"2024-01-04","validTo":"2024-12-31","stayPerEntryDays":90,"eVisa":false},
            {"type":"VisaExtended","date":"2024-01-05","validTo":"2025-01-31"},
            {"type":"CategoryChanged","date":"2024-01-06","to":"B2","entries":"single","validFrom":"2024-01-06","validTo":"2024-02-06"},
            {"type":"VisaCancelled","date":"2024-01-07"},{"type":"ResidencePermitIssued","validFrom":"2024-01-08","validTo":"2024-12-31"},
            {"type":"PassportReplaced","date":"2024-01-09"},{"type":"Exited","date":"2024-01-10"},{"type":"AlertRaised"},{"type":"AlertAcknowledged"},
            {"type":"AlertResolved"},{"type":"FineExposureAssessed"},{"type":"CaseClosed"}]}
            """, RuleCatalogue.Default);
        Assert.Equal(
        [
            new EnteredFact(new(2024, 1, 1)), new NotifiedFact(new(2024, 1, 2)), new AddressChangedFact(new(2024, 1, 3)),
            new VisaIssuedFact(new(2024, 1, 4), "C3", VisaEntries.Multiple, new(2024, 1, 4), new(2024, 12, 31), 90, false),
            new VisaExtendedFact(new(2024, 1, 5), new(2025, 1, 31)),
            new CategoryChangedFact(new(2024, 1, 6), "B2", VisaEntries.Single, new(2024, 1, 6), new(2024, 2, 6), null),
            new VisaCancelledFact(new(2024, 1, 7)), new ResidencePermitIssuedFact(new(2024, 1, 8), new(2024, 1, 8), new(2024, 12, 31)),
            new PassportReplacedFact(new(2024, 1, 9)), new ExitedFact(new(2024, 1, 10)),
        ], facts.Events);
        var eVisa = (VisaIssuedFact)CaseFactsReader.Read(De + """{"type":"VisaIssued","date":"2024-01-02","category":"B12","validFrom":"2024-01-04","validTo":"2024-02-01","eVisa":true}]}""",
            RuleCatalogue.Default).Events[0];
        Assert.Equal((new NodaTime.LocalDate(2024, 1, 2), true, VisaEntries.Single), (eVisa.Date, eVisa.EVisa, eVisa.Entries));
        var permit = (ResidencePermitIssuedFact)CaseFactsReader.Read(De + """{"type":"ResidencePermitIssued","date":"2024-01-02","validFrom":"2024-01-04","validTo":"2024-02-01"}]}""",
            RuleCatalogue.Default).Events[0];
        Assert.Equal(new NodaTime.LocalDate(2024, 1, 2), permit.Date);
        Assert.Null(CaseFactsReader.Read("""{"person":{"nationality":"DE"},"hostParty":{},"events":[]}""", RuleCatalogue.Default).HostPartySize);
        Assert.Equal(HostPartySize.Medium, CaseFactsReader.Read("""{"person":{"nationality":"DE"},"hostParty":{"size":"medium"},"events":[]}""", RuleCatalogue.Default).HostPartySize);
        Assert.Equal(HostPartySize.Small, CaseFactsReader.Read("""{"person":{"nationality":"DE"},"hostParty":{"size":"SMALL"},"events":[]}""", RuleCatalogue.Default).HostPartySize);
        Assert.Equal(new NodaTime.LocalDate(1980, 2, 3), CaseFactsReader.Read("""{"person":{"nationality":"DE","birthDate":"1980-02-03"},"events":[]}""", RuleCatalogue.Default).Person.BirthDate);
    }
}
