using System.Text.Json.Nodes;
using CaseFlow.Domain.Alerts;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;
using static CaseFlow.Domain.Tests.FactsBuilder;

namespace CaseFlow.Domain.Tests.Rules;

/// <summary>The rare branches of the engine and the decider: facts outside the catalogue's reach, impossible sequences, ties between bases.</summary>
public class RareBranchTests
{
    private static Evaluation Evaluate(string json, string asOf) => RulesEngine.Evaluate(RuleCatalogue.Default, CaseFactsReader.Read(json, RuleCatalogue.Default), D(asOf));

    [Fact]
    public void CategoryChange_TheOldVisaEndsTheDayBefore_TheNewOneCounts_WithoutAValidVisaAWarning()
    {
        // 000 §4.1: C3 -> B2 on 5 May; the B2 ends 20 Jun, before the C3's 30 Jun: the last lawful day is the B2's.
        const string visas = """
            {"type":"VisaIssued","date":"2024-04-20","category":"C3","entries":"multiple","validFrom":"2024-04-20","validTo":"2024-06-30"},
            {"type":"Entered","date":"2024-04-25"},
            {"type":"CategoryChanged","date":"2024-05-05","to":"B2","entries":"single","validFrom":"2024-05-05","validTo":"2024-06-20"}
            """;
        var e = Evaluate($$"""{"person":{"nationality":"JO"},"events":[{{visas}}]}""", "2024-05-10");
        Assert.Equal((new LocalDate(2024, 6, 20), StayBasisKind.Visa), (e.PermittedUntil!.Value, e.Basis!.Value));
        Assert.Equal(new LocalDate(2024, 6, 20), e.Limits.Single(l => l.Rule == "VISA-VALIDITY").WindowEnd);
        var none = Evaluate("""{"person":{"nationality":"DE"},"events":[{"type":"Entered","date":"2024-04-25"},{"type":"CategoryChanged","date":"2024-05-05","to":"C9","entries":"multiple","validFrom":"2024-05-05","validTo":"2024-12-31"}]}""", "2024-05-10");
        Assert.Contains("CategoryChanged on 2024-05-05: no visa was valid that day; the new visa is taken as issued", none.Warnings);
        Assert.Equal(new LocalDate(2024, 12, 31), none.PermittedUntil);
    }

    [Fact]
    public void ImpossibleSequences_AreBadInput_NamingTheDates()
    {
        Assert.Equal("events: Exited on 2024-05-10 without an entry before it", Assert.Throws<FactsException>(() => For("DE").Exit("2024-05-10").EvaluateOn("2024-05-20")).Message);
        Assert.Equal("events: Entered on 2024-01-05 while already in the country since 2024-01-01", Assert.Throws<FactsException>(() =>
            For("DE").Enter("2024-01-01").Enter("2024-01-05").EvaluateOn("2024-02-01")).Message);
    }

    [Fact]
    public void ACancellationBeforeAnyExitVisaRule_IsACatalogueGap_NamedInTheError_AndNoCaseRecordsOne()
    {
        // obligations.json's exit rules start on 2020-01-01 (004).
        Assert.Equal("obligations.json: no exitAfterCancellation rule in force on 2019-06-01", Assert.Throws<CatalogueException>(() =>
            For("JO").Visa("C3", "2019-01-01", "2019-12-31").Enter("2019-01-10").Cancel("2019-06-01").EvaluateOn("2019-06-05")).Message);
        var id = CaseId.New();
        var state = CaseState.Fold([new CaseOpened(id, new Person("A", "B", "JO", new LocalDate(1980, 1, 1), "P1"), new HostPartyId(Guid.NewGuid()), "u"),
            new VisaIssued(id, new LocalDate(2019, 1, 1), "C3", VisaEntries.Multiple, new LocalDate(2019, 1, 1), new LocalDate(2019, 12, 31), null, false, false, new HostPartyId(Guid.NewGuid()), "u")]);
        // The decider refuses such a cancellation instead (it threw, and the API answered 500): no case records one.
        Assert.Equal("visa.cancellation-before-rules",
            CaseDecider.Decide(new CancelVisa(id, new LocalDate(2019, 6, 1), "u", new LocalDate(2019, 6, 2)), state, RuleCatalogue.Default).Rejection!.Code);
    }

    [Fact]
    public void AnEntryBeforeTheFirstNotificationRule_HasNoNotificationDeadline()
    {
        // NOTIFY-3WD is catalogued from 2016-01-27 (MIA order 83): an entry in 2015 owes none that CaseFlow can date.
        Assert.DoesNotContain(For("JO").Visa("C3", "2015-06-01", "2015-12-31").Enter("2015-06-01").EvaluateOn("2015-06-10").Deadlines, d => d.Kind == DeadlineKind.ArrivalNotification);
    }

    [Fact]
    public void ANoticeBeforeAnAddressChange_IsNotCountedForIt()
    {
        // Arrival met by the notice of 4 Feb; the notice of 5 Feb came before the move of 10 Feb, so the move's notification is missed (000 §1).
        var e = For("US").Enter("2025-02-03").Notify("2025-02-04").Notify("2025-02-05").AddressChange("2025-02-10").EvaluateOn("2025-02-20");
        Assert.Equal(DeadlineStatus.Missed, e.Deadlines.Single(d => d.Rule == "NOTIFY-ADDR").Status);
        Assert.Null(e.Deadlines.Single(d => d.Rule == "NOTIFY-ADDR").MetOn);
    }

    [Fact]
    public void Continuation_TheBasisLastingLongerWins_AVisaOnATie()
    {
        // Both start in the visa-free stay of a German entering 1 Mar 2024 (lawful to 30 Mar, VF-30-ENTRY).
        // B2 with 30 days per entry from 20 Mar lasts to 18 Apr; a C3 to 19 Apr lasts a day longer: the C3 binds.
        var perEntry = For("DE").Enter("2024-03-01").Visa("B2", "2024-03-20", "2024-06-30", stay: 30, issued: "2024-03-20").Visa("C3", "2024-03-20", "2024-04-19", issued: "2024-03-20").EvaluateOn("2024-03-25");
        Assert.Equal(new LocalDate(2024, 4, 19), perEntry.PermittedUntil);
        // A TRP lasting longer than the visa wins; one ending the same day as the visa does not.
        Assert.Equal(StayBasisKind.ResidencePermit, For("UZ").Enter("2024-03-01").Notify("2024-03-01").Visa("C3", "2024-03-20", "2024-06-30", issued: "2024-03-20")
            .Permit("2024-03-25", "2024-12-31", issued: "2024-03-25").EvaluateOn("2024-03-26").Basis);
        Assert.Equal(StayBasisKind.Visa, For("UZ").Enter("2024-03-01").Notify("2024-03-01").Visa("C3", "2024-03-20", "2024-06-30", issued: "2024-03-20")
            .Permit("2024-03-25", "2024-06-30", issued: "2024-03-25").EvaluateOn("2024-03-26").Basis);
    }

    [Fact]
    public void ARegimeThatNeverBinds_TheSimulationStopsAtTenYears_NamingTheFirstLimit()
    {
        var files = RuleCatalogue.ReadEmbeddedFiles().ToDictionary(kv => kv.Key, kv => JsonNode.Parse(kv.Value)!);
        var vf = files["regimes.json"]["regimes"]!.AsArray().Single(r => (string?)r!["id"] == "VF-53")!;
        vf["limits"] = new JsonArray(new JsonObject { ["rule"] = "VF-YEAR", ["kind"] = "calendarYear", ["days"] = 366, ["citation"] = "test" });
        var catalogue = RuleCatalogue.Load(files.ToDictionary(kv => kv.Key, kv => kv.Value.ToJsonString()));
        var e = RulesEngine.Evaluate(catalogue, For("DE").Enter("2024-03-01").Build(), D("2024-03-02"));
        Assert.Equal((new LocalDate(2024, 3, 1).PlusDays(3659), "VF-YEAR"), (e.PermittedUntil!.Value, e.BindingRule));
    }

    [Fact]
    public void DayCounter_DaysOutOfOrder_AreABug_NotSilentlyMiscounted()
    {
        var counter = new DayCounter();
        counter.Add(new LocalDate(2024, 3, 2));
        counter.Add(new LocalDate(2024, 3, 2));
        Assert.Equal(1, counter.Count(new LocalDate(2024, 3, 1), new LocalDate(2024, 3, 3)));
        Assert.Equal("days must be added in order", Assert.Throws<InvalidOperationException>(() => counter.Add(new LocalDate(2024, 3, 1))).Message);
        Assert.Equal(0, counter.Count(new LocalDate(2024, 3, 3), new LocalDate(2024, 3, 1)));
    }

    [Fact]
    public void UnknownCommand_IsABug()
    {
        var id = CaseId.New();
        var state = CaseState.Fold([new CaseOpened(id, new Person("A", "B", "DE", new LocalDate(1980, 1, 1), "P1"), new HostPartyId(Guid.NewGuid()), "u")]);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CaseDecider.Decide(new Unknown(id), state, RuleCatalogue.Default));
        Assert.StartsWith("unknown case command", error.Message, StringComparison.Ordinal);
    }

    private sealed record Unknown(CaseId Id) : CaseCommand(Id, "u", new LocalDate(2024, 1, 1));

    [Fact]
    public void CatalogueFilesMissingFromTheAssembly_Named() =>
        Assert.Equal("catalogue file manifest.json is missing from the assembly",
            Assert.Throws<CatalogueException>(() => RuleCatalogue.ReadEmbeddedFiles(typeof(RareBranchTests).Assembly)).Message);

    [Fact]
    public void StayEndingAlerts_NameTheLastLawfulDayAndTheBindingRule()
    {
        var id = CaseId.New();
        var state = CaseState.Fold([new CaseOpened(id, new Person("A", "B", "DE", new LocalDate(1980, 1, 1), "P1"), new HostPartyId(Guid.NewGuid()), "u"),
            new Entered(id, D("2024-01-01"), "ALA", "u"), new Notified(id, D("2024-01-02"), NotificationChannel.EQonaq, null, "u")]);
        var facts = For("DE").Enter("2024-01-01").Notify("2024-01-02");
        var spec = AlertRules.Due(RuleCatalogue.Default, state, facts.EvaluateOn("2024-01-23"), D("2024-01-23"), AlertSettings.Default).Single(s => s.Kind == AlertRules.StayEnding);
        Assert.Equal(("7d", "Last lawful day 2024-01-30: 7 day(s) left (VF-30-ENTRY)", "VF-30-ENTRY", D("2024-01-30")), (spec.Level, spec.Message, spec.Rule, spec.Due));
    }
}

/// <summary>The one fine total every reader shows: MCI summed; tenge summed only when every fine's tenge is known.</summary>
public class FineTotalTests
{
    private static FineExposure Fine(decimal mci, decimal? tenge) => new(518, FineParty.HostParty, "small", mci, tenge, "FINE518-1", new LocalDate(2024, 5, 7));

    [Fact]
    public void Sums_MciAlways_TengeOnlyWhenAllKnown()
    {
        Assert.Equal(new FineTotal(25m, 92_300m), FineTotal.Of([Fine(10m, 36_920m), Fine(15m, 55_380m)]));
        Assert.Equal(new FineTotal(25m, null), FineTotal.Of([Fine(10m, 36_920m), Fine(15m, null)]));
        Assert.Equal(new FineTotal(0m, 0m), FineTotal.Of([]));
        Assert.Equal(new FineTotal(10m, 36_920m), FineTotal.Of(new[] { Fine(10m, 36_920m) }.Where(_ => true))); // a lazy sequence, read once
    }
}

/// <summary>One-day validities are valid input; a move on the as-of day is judged that day.</summary>
public class OneDayTests
{
    private static readonly CaseId Id = CaseId.New();
    private static readonly HostPartyId Host = new(Guid.NewGuid());
    private static readonly LocalDate Today = new(2024, 6, 1);

    private static CaseState InCountry(string nationality) => CaseState.Fold([
        new CaseOpened(Id, new Person("A", "B", nationality, new LocalDate(1980, 1, 1), "P1"), Host, "u"), new Entered(Id, new LocalDate(2024, 5, 1), "ALA", "u"),
        new Notified(Id, new LocalDate(2024, 5, 1), NotificationChannel.EQonaq, null, "u"),
        new VisaIssued(Id, new LocalDate(2024, 4, 20), "C3", VisaEntries.Multiple, new LocalDate(2024, 4, 20), new LocalDate(2024, 12, 31), null, false, false, Host, "u")]);

    [Fact]
    public void OneDayVisa_TRP_AndCategoryChange_AreAccepted()
    {
        var day = new LocalDate(2024, 5, 20);
        Assert.Null(CaseDecider.Decide(new IssueVisa(Id, day, "C3", VisaEntries.Single, day, day, null, false, false, Host, "u", Today), InCountry("JO"), RuleCatalogue.Default).Rejection);
        Assert.Null(CaseDecider.Decide(new IssueResidencePermit(Id, day, day, day, "u", Today), InCountry("RU"), RuleCatalogue.Default).Rejection);
        Assert.Null(CaseDecider.Decide(new ChangeCategory(Id, day, "B2", VisaEntries.Single, day, day, null, "u", Today), InCountry("JO"), RuleCatalogue.Default).Rejection);
    }

    [Fact]
    public void AddressChangeOnTheAsOfDay_ItsNotificationIsDueFromThatDay()
    {
        var e = For("US").Enter("2025-02-03").Notify("2025-02-04").AddressChange("2025-02-10").EvaluateOn("2025-02-10");
        var move = Assert.Single(e.Deadlines, d => d.Rule == "NOTIFY-ADDR");
        Assert.Equal((D("2025-02-12"), DeadlineStatus.Open), (move.Due, move.Status));
    }

    /// <summary>The warnings' date writer gives the ISO text for every padding of year, month and day, and NodaTime's own text outside four-digit years.</summary>
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(9, 9, 9)]
    [InlineData(10, 10, 10)]
    [InlineData(99, 12, 31)]
    [InlineData(400, 2, 29)]
    [InlineData(999, 7, 15)]
    [InlineData(2024, 11, 22)]
    [InlineData(9999, 12, 31)]
    public void IsoDate_IsTheIsoText(int year, int month, int day)
    {
        var date = new LocalDate(year, month, day);
        Assert.Equal(date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), $"{new IsoDate(date)}");
        Assert.Equal(date.PlusYears(-year - 5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), $"{new IsoDate(date.PlusYears(-year - 5))}");
    }

    /// <summary>
    /// The engine's day numbers (counted days, visa-free windows, stay lengths) are its own count from year, month and day: equal to
    /// NodaTime's count every day of the engine's range and its edges, over leap years, century years and 400-year years.
    /// </summary>
    [Fact]
    public void DayNumbers_CountLikeNodaTime_OnEveryDayOfTheRangeAndAtTheCalendarsEdges()
    {
        var epoch = new LocalDate(1970, 1, 1);
        for (var d = new LocalDate(1899, 12, 1); d <= new LocalDate(2101, 1, 31); d = d.PlusDays(1))
            Assert.Equal(Period.DaysBetween(epoch, d), Days.Number(d));
        foreach (var d in new[] { new LocalDate(-400, 2, 29), new LocalDate(-1, 3, 1), new LocalDate(0, 2, 29), new LocalDate(1, 1, 1), new LocalDate(1600, 2, 29),
                     new LocalDate(1700, 3, 1), new LocalDate(9999, 12, 31) })
            Assert.Equal(Period.DaysBetween(epoch, d), Days.Number(d));
        Assert.Equal(366, Days.Between(new LocalDate(2024, 1, 1), new LocalDate(2025, 1, 1)));
        Assert.Equal(-365, Days.Between(new LocalDate(2100, 3, 1), new LocalDate(2099, 3, 1)));
    }
}
