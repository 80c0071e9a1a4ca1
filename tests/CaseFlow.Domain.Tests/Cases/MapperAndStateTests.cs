using System.Text.Json;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Json;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Domain.Tests.Cases;

/// <summary>The case's events as the engine's facts, the folded state's visa, and the NodaTime JSON converters.</summary>
public class MapperAndStateTests
{
    private static readonly CaseId Id = CaseId.New();
    private static readonly HostPartyId Host = new(Guid.NewGuid());
    private static LocalDate D(int m, int d) => new(2024, m, d);

    [Fact]
    public void EveryCaseEvent_BecomesItsFact_InOrder_WithTheHostSize()
    {
        var person = new Person("A", "B", "RU", new LocalDate(1980, 1, 1), "P1");
        CaseEvent[] events =
        [
            new CaseOpened(Id, person, Host, "u"), new Entered(Id, D(1, 1), "ALA", "u"), new Notified(Id, D(1, 2), NotificationChannel.EQonaq, null, "u"),
            new AddressChanged(Id, D(1, 3), "x", "u"), new VisaIssued(Id, D(1, 4), "C3", VisaEntries.Multiple, D(1, 4), D(12, 31), 90, true, false, Host, "u"),
            new VisaExtended(Id, D(1, 5), D(12, 31), D(12, 31).PlusDays(30), "u"),
            new CategoryChanged(Id, D(1, 6), "C3", "B2", VisaEntries.Single, D(1, 6), D(2, 6), 30, "CHG-B2", "u"),
            new VisaCancelled(Id, D(1, 7), "B2", D(2, 5), "EXIT", "u"), new ResidencePermitIssued(Id, D(1, 8), D(1, 8), D(12, 31), "u"),
            new PassportReplaced(Id, D(1, 9), "P2", null, false, true, "u"), new Exited(Id, D(1, 10), "u"), new CaseClosed(Id, D(1, 11), "x", "u"),
        ];
        var facts = CaseFactsMapper.From(events, HostPartySize.Large);
        Assert.Equal(new PersonFacts("RU", new LocalDate(1980, 1, 1)), facts.Person);
        Assert.Equal(HostPartySize.Large, facts.HostPartySize);
        Assert.Equal(
        [
            new EnteredFact(D(1, 1)), new NotifiedFact(D(1, 2)), new AddressChangedFact(D(1, 3)),
            new VisaIssuedFact(D(1, 4), "C3", VisaEntries.Multiple, D(1, 4), D(12, 31), 90, false), new VisaExtendedFact(D(1, 5), D(12, 31).PlusDays(30)),
            new CategoryChangedFact(D(1, 6), "B2", VisaEntries.Single, D(1, 6), D(2, 6), 30), new VisaCancelledFact(D(1, 7)),
            new ResidencePermitIssuedFact(D(1, 8), D(1, 8), D(12, 31)), new PassportReplacedFact(D(1, 9)), new ExitedFact(D(1, 10)),
        ], facts.Events);
        Assert.Null(CaseFactsMapper.From(events, null).HostPartySize);
        Assert.Equal("a case's facts need its CaseOpened event",
            Assert.Throws<InvalidOperationException>(() => CaseFactsMapper.From([new Entered(Id, D(1, 1), "ALA", "u")], null)).Message);
    }

    [Fact]
    public void VisaState_ValidFromTo_Inclusive_NotWhenCancelledOrInvalidated()
    {
        var visa = new VisaState("C3", VisaEntries.Multiple, D(1, 10), D(1, 20), null, Host, false);
        Assert.Equal([false, true, true, true, false], new[] { D(1, 9), D(1, 10), D(1, 15), D(1, 20), D(1, 21) }.Select(visa.ValidOn));
        Assert.False((visa with { CancelledOn = D(1, 12) }).ValidOn(D(1, 11)));
        Assert.False((visa with { EVisaInvalidated = true }).ValidOn(D(1, 11)));
    }

    [Fact]
    public void CategoryChange_KeepsTheInvitingHost_OrTheCasesHostWhenThereWasNoVisa_PassportReplacementMarksTheEVisa()
    {
        var opened = CaseState.Evolve(CaseState.Initial, new CaseOpened(Id, new Person("A", "B", "JO", D(1, 1), "P1"), Host, "u"));
        var other = new HostPartyId(Guid.NewGuid());
        var changed = CaseState.Evolve(opened, new CategoryChanged(Id, D(2, 1), null, "C9", VisaEntries.Multiple, D(2, 1), D(12, 31), null, "CHG-C9", "u"));
        Assert.Equal(("C9", Host, false), (changed.Visa!.Category, changed.Visa.InvitingHostParty, changed.Visa.EVisa));
        var withVisa = CaseState.Evolve(opened, new VisaIssued(Id, D(1, 1), "B12", VisaEntries.Single, D(1, 1), D(3, 1), null, false, true, other, "u"));
        Assert.Equal(other, CaseState.Evolve(withVisa, new CategoryChanged(Id, D(2, 1), "B12", "C3", VisaEntries.Multiple, D(2, 1), D(12, 31), null, "CHG-C3", "u")).Visa!.InvitingHostParty);
        var replaced = CaseState.Evolve(withVisa, new PassportReplaced(Id, D(2, 1), "P2", D(2, 2), true, false, "u"));
        Assert.Equal(("P2", D(2, 2), true), (replaced.Person!.PassportNumber, replaced.Person.PassportExpiry, replaced.Visa!.EVisaInvalidated));
        Assert.False(CaseState.Evolve(withVisa, new PassportReplaced(Id, D(2, 1), "P3", null, false, false, "u")).Visa!.EVisaInvalidated);
        Assert.Equal("unknown case event", Assert.Throws<ArgumentOutOfRangeException>(() => CaseState.Evolve(opened, new Unknown(Id))).Message.Split(" (")[0]);
    }

    private sealed record Unknown(CaseId Id) : CaseEvent(Id, "u");

    [Fact]
    public void LocalDateConverter_ItsFastPath_ReadsWhatNodaTimesPatternReads_OnEveryDayAndEveryOddShape()
    {
        static void Same(string text, bool fast)
        {
            var pattern = NodaTime.Text.LocalDatePattern.Iso.Parse(text);
            Assert.Equal(fast, LocalDateJsonConverter.TryIso(System.Text.Encoding.UTF8.GetBytes(text), out var date));
            if (fast) Assert.Equal(pattern.Value, date);
            var json = JsonSerializer.Serialize(text);
            if (pattern.Success) Assert.Equal(pattern.Value, JsonSerializer.Deserialize<LocalDate>(json, CaseFlowJson.Options));
            else Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<LocalDate>(json, CaseFlowJson.Options));
        }
        for (var day = new LocalDate(1899, 1, 1); day <= new LocalDate(2101, 12, 31); day = day.PlusDays(1))
            Same(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), fast: true);
        foreach (var edge in new[] { "0001-01-01", "9999-12-31", "2000-02-29", "2024-02-29" }) Same(edge, fast: true);
        foreach (var odd in new[] { "1900-02-29", "2023-02-29", "2024-02-30", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00", "0000-01-01",
                     "2024-1-01", "2024-01-1", "2024/01/01", "+2024-01-01", "-2024-01-01", "2024-01-01T00", " 2024-01-01", "2024-01-01 ", "20a4-01-01",
                     "2024-0a-01", "2024-01-0:", "２０２４-01-01", "", "2024-01-011" })
            Same(odd, fast: false);
        // A well-formed date is read from the UTF-8 text without allocating (no string, no pattern buckets).
        var converter = new LocalDateJsonConverter();
        var reader = new Utf8JsonReader("\"2024-02-29\""u8);
        reader.Read();
        converter.Read(ref reader, typeof(LocalDate), CaseFlowJson.Options); // once, so nothing is first-time work
        reader = new Utf8JsonReader("\"2024-02-29\""u8);
        reader.Read();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = converter.Read(ref reader, typeof(LocalDate), CaseFlowJson.Options);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal((new LocalDate(2024, 2, 29), 0L), (read, allocated));
        // An escaped text is not read by the fast path: the pattern reads it as it always did.
        Assert.Equal(new LocalDate(2024, 1, 1), JsonSerializer.Deserialize<LocalDate>("\"\\u0032024-01-01\"", CaseFlowJson.Options));
    }

    [Theory]
    [InlineData("\"2024-02-29\"", true)]
    [InlineData("\"2023-02-29\"", false)]
    [InlineData("20240229", false)]
    [InlineData("null", false)]
    public void LocalDateConverter_ReadsIsoDatesOnly(string json, bool ok)
    {
        if (ok) Assert.Equal(new LocalDate(2024, 2, 29), JsonSerializer.Deserialize<LocalDate>(json, CaseFlowJson.Options));
        else Assert.StartsWith("'", Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<LocalDate>(json, CaseFlowJson.Options)).Message);
    }

    [Fact]
    public void Converters_RoundTrip_AndNameTheBadValue()
    {
        var instant = Instant.FromUtc(2024, 5, 1, 9, 30, 15).PlusNanoseconds(123_000_000);
        Assert.Equal("\"2024-05-01T09:30:15.123Z\"", JsonSerializer.Serialize(instant, CaseFlowJson.Options));
        Assert.Equal(instant, JsonSerializer.Deserialize<Instant>("\"2024-05-01T09:30:15.123Z\"", CaseFlowJson.Options));
        Assert.Equal("'yesterday' is not an instant in the form 2024-01-31T10:00:00Z",
            Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Instant>("\"yesterday\"", CaseFlowJson.Options)).Message);
        Assert.Equal("'' is not an instant in the form 2024-01-31T10:00:00Z", Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Instant>("5", CaseFlowJson.Options)).Message);
        Assert.Equal("'2024-02-30' is not a date in the form YYYY-MM-DD", Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<LocalDate>("\"2024-02-30\"", CaseFlowJson.Options)).Message);
        Assert.Equal($"'{new string('b', 20)}' is not a date in the form YYYY-MM-DD", // 20 characters: echoed whole
            Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<LocalDate>($"\"{new string('b', 20)}\"", CaseFlowJson.Options)).Message);
        Assert.Equal("'aaaaaaaaaaaaaaaaaaaa…' is not a date in the form YYYY-MM-DD",
            Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<LocalDate>($"\"{new string('a', 50)}\"", CaseFlowJson.Options)).Message);
        // Enums as camelCase names, never numbers; readable non-ASCII; nulls written.
        Assert.Equal("{\"channel\":\"vmpGovKz\",\"name\":\"Қазақ +\",\"none\":null}",
            JsonSerializer.Serialize(new { channel = NotificationChannel.VmpGovKz, name = "Қазақ +", none = (string?)null }, CaseFlowJson.Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<NotificationChannel>("1", CaseFlowJson.Options));
    }
}
