using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Domain.Tests.Cases;

/// <summary>Guards of the visa, TRP, passport and closing commands, each with its seed.</summary>
public class VisaCommandTests
{
    private static readonly CaseId Id = CaseId.New();
    private static readonly HostPartyId Host = new(Guid.NewGuid());
    private static readonly LocalDate Today = new(2025, 3, 3);

    private static CaseState State(string nationality = "JO", LocalDate? passportExpiry = null, params CaseEvent[] more) =>
        CaseState.Fold(new CaseEvent[] { new CaseOpened(Id, new Person("Haddad", "Omar", nationality, new LocalDate(1985, 1, 1), "N123", passportExpiry), Host, "u") }.Concat(more));

    private static Entered Entry(LocalDate d) => new(Id, d, "ALA", "u");

    private static VisaIssued C3(LocalDate from, LocalDate to) => new(Id, from, "C3", VisaEntries.Multiple, from, to, null, false, false, Host, "u");

    private static Decision Decide(CaseCommand c, CaseState s) => CaseDecider.Decide(c, s, RuleCatalogue.Default);

    [Fact]
    public void Extend_InTheWindow_SameHost_Accepted()
    {
        // 001: no earlier than 30 and no later than 5 working days before expiry. Visa to Mon 31 Mar 2025: counting back from 30 Mar (21, 24, 25 Mar are off) the window closes Wed 19 Mar; 3 Mar is inside.
        var s = State(more: [C3(new LocalDate(2024, 4, 1), new LocalDate(2025, 3, 31)), Entry(new LocalDate(2024, 4, 2))]);
        var d = Decide(new ExtendVisa(Id, Today, new LocalDate(2026, 3, 31), Host, "u", Today), s);
        var extended = Assert.IsType<VisaExtended>(Assert.Single(d.Events));
        Assert.Equal((new LocalDate(2025, 3, 31), new LocalDate(2026, 3, 31)), (extended.PreviousValidTo, extended.ValidTo));
    }

    [Fact]
    public void Extend_AfterTheWindowClosed_RejectedWithTheDates()
    {
        // Visa to Fri 7 Mar 2025; counting back from 6 Mar: 6, 5, 4, 3 Mar, 28 Feb: the window closed on 28 Feb.
        var s = State(more: [C3(new LocalDate(2024, 4, 1), new LocalDate(2025, 3, 7)), Entry(new LocalDate(2024, 4, 2))]);
        var d = Decide(new ExtendVisa(Id, Today, new LocalDate(2026, 3, 7), Host, "u", Today), s);
        Assert.Equal("visa.extension-outside-window", d.Rejection!.Code);
        Assert.Contains("4 working days before", d.Rejection.Message, StringComparison.Ordinal);
        Assert.Contains("closed on 2025-02-28", d.Rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extend_OnTheWindowsLastDay_Accepted_TheNextWorkingDay_Refused()
    {
        // 001 (EXT-WINDOW): "no later than 5 working days before expiry" includes the fifth working day. Visa to Mon 31 Mar 2025: 28, 27,
        // 26 Mar, then (21, 24, 25 Mar are off, 22-23 a weekend) 20 and 19 Mar: the window closes on Wed 19 Mar; Thu 20 Mar is too late.
        var s = State(more: [C3(new LocalDate(2024, 4, 1), new LocalDate(2025, 3, 31)), Entry(new LocalDate(2024, 4, 2))]);
        ExtendVisa On(LocalDate date) => new(Id, date, new LocalDate(2026, 3, 31), Host, "u", date);
        Assert.Equal(new LocalDate(2025, 3, 19), Assert.IsType<VisaExtended>(Assert.Single(Decide(On(new LocalDate(2025, 3, 19)), s).Events)).Date);
        var late = Decide(On(new LocalDate(2025, 3, 20)), s);
        Assert.Equal("visa.extension-outside-window", late.Rejection!.Code);
        Assert.Contains("4 working days before", late.Rejection.Message, StringComparison.Ordinal);
        Assert.Contains("the window closed on 2025-03-19", late.Rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_AMultipleEntryVisa_TakesTheMultipleEntryTerms()
    {
        // visas.json (000 §4): a B2 visa is valid for at most 90 days with 30 days a stay when single-entry, 180 days with 90
        // days a stay when multiple-entry.
        IssueVisa B2(VisaEntries entries, int? stayPerEntry = null) =>
            new(Id, Today, "B2", entries, Today, Today.PlusDays(179), stayPerEntry, false, false, Host, "u", Today);
        var multiple = Assert.IsType<VisaIssued>(Assert.Single(Decide(B2(VisaEntries.Multiple), State()).Events));
        Assert.Equal(90, multiple.StayPerEntryDays);
        var single = Decide(B2(VisaEntries.Single), State());
        Assert.Equal(("visa.validity-too-long", "validTo"), (single.Rejection!.Code, single.Rejection.Field));
        Assert.Contains("at most 90 days", single.Rejection.Message, StringComparison.Ordinal);
        // A stay of one day per entry is a positive number of days; none is not.
        Assert.Equal(1, Assert.IsType<VisaIssued>(Assert.Single(Decide(B2(VisaEntries.Multiple, 1), State()).Events)).StayPerEntryDays);
        Assert.Equal("stayPerEntryDays", Decide(B2(VisaEntries.Multiple, 0), State()).Rejection!.Field);
    }

    [Fact]
    public void Extend_ByAnotherHostParty_IsANewApplication()
    {
        var s = State(more: [C3(new LocalDate(2024, 4, 1), new LocalDate(2025, 3, 31)), Entry(new LocalDate(2024, 4, 2))]);
        Assert.Equal("visa.extension-other-host-party", Decide(new ExtendVisa(Id, Today, new LocalDate(2026, 3, 31), new HostPartyId(Guid.NewGuid()), "u", Today), s).Rejection!.Code);
    }

    [Fact]
    public void Extend_ExitVisaCategory_NotExtendable()
    {
        var b16 = new VisaIssued(Id, new LocalDate(2025, 2, 20), "B16", VisaEntries.Single, new LocalDate(2025, 2, 20), new LocalDate(2025, 3, 21), null, true, false, Host, "u");
        Assert.Equal("visa.not-extendable", Decide(new ExtendVisa(Id, Today, new LocalDate(2025, 4, 30), Host, "u", Today), State(more: [b16])).Rejection!.Code);
    }

    [Theory]
    // 000 §4.1: C3 may be issued in the country from B2; C5 is not a target of the matrix; C12 accepts visa-free arrivals; C3 does not.
    [InlineData("B2", "C3", null)]
    [InlineData("B2", "C5", "visa.category-change-not-allowed")]
    [InlineData("B20", "C3", "visa.category-change-not-allowed")]
    [InlineData(null, "C12", null)]
    [InlineData(null, "C3", "visa.category-change-not-allowed")]
    // CHG-C1 (000 §4.1): C1 from "all categories of visas"; unlike C9 and C12 not "and those arrived under the visa-free regime".
    [InlineData("B2", "C1", null)]
    [InlineData(null, "C1", "visa.category-change-not-allowed")]
    public void ChangeCategory_AlongTheMatrix(string? from, string to, string? code)
    {
        var events = new List<CaseEvent>();
        if (from is not null) events.Add(new VisaIssued(Id, new LocalDate(2025, 2, 1), from, VisaEntries.Single, new LocalDate(2025, 2, 1), new LocalDate(2025, 4, 30), 30, false, false, Host, "u"));
        events.Add(Entry(new LocalDate(2025, 2, 10)));
        var d = Decide(new ChangeCategory(Id, Today, to, VisaEntries.Multiple, Today, Today.PlusMonths(6), null, "u", Today), State("DE", more: [.. events]));
        Assert.Equal(code, d.Rejection?.Code);
        if (code is not null) Assert.Contains($"{from ?? "visa-free"} to {to} is not allowed", d.Rejection!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChangeCategory_ARowForVisaFreeArrivalsOnly_RefusesAHolderOfACategory()
    {
        // A catalogue edit may name no source category (only "fromVisaFree"): a holder of B2 is then refused, not a crash.
        var files = RuleCatalogue.ReadEmbeddedFiles().ToDictionary(kv => kv.Key, kv => System.Text.Json.Nodes.JsonNode.Parse(kv.Value)!);
        var row = files["category-changes.json"]["changes"]!.AsArray().Single(r => (string?)r!["target"] == "C3")!.AsObject();
        row.Remove("from");
        row["fromVisaFree"] = true;
        var catalogue = RuleCatalogue.Load(files.ToDictionary(kv => kv.Key, kv => kv.Value.ToJsonString()));
        var b2 = new VisaIssued(Id, new LocalDate(2025, 2, 1), "B2", VisaEntries.Single, new LocalDate(2025, 2, 1), new LocalDate(2025, 4, 30), 30, false, false, Host, "u");
        var change = new ChangeCategory(Id, Today, "C3", VisaEntries.Multiple, Today, Today.PlusMonths(6), null, "u", Today);
        Assert.Equal("visa.category-change-not-allowed", CaseDecider.Decide(change, State("DE", more: [b2, Entry(new LocalDate(2025, 2, 10))]), catalogue).Rejection?.Code);
        Assert.Empty(CaseDecider.Decide(change, State("DE", more: [Entry(new LocalDate(2025, 2, 10))]), catalogue).Rejection?.Code ?? "");
    }

    [Theory]
    // Conflict C1: 30 days (004, 2023) until 2024; 15 working days (001, 2025) after.
    [InlineData("2024-06-03", "2024-07-02", "EXIT-AFTER-CANCEL-30D")]
    [InlineData("2025-03-03", "2025-03-27", "EXIT-AFTER-CANCEL-15WD")]
    public void Cancel_GrantsTheExitVisaOfTheRuleInForce(string date, string until, string rule)
    {
        var day = FactsBuilder.D(date);
        var s = State(more: [C3(new LocalDate(2024, 1, 1), new LocalDate(2026, 1, 1)), Entry(new LocalDate(2024, 1, 5))]);
        var cancelled = Assert.IsType<VisaCancelled>(Assert.Single(Decide(new CancelVisa(Id, day, "u", day), s).Events));
        Assert.Equal((FactsBuilder.D(until), rule), (cancelled.ExitVisaUntil, cancelled.ExitRule));
    }

    [Fact]
    public void IssueVisa_PassportExpiringWithin3MonthsOfTheVisaEnd_Rejected() =>
        // 003 'Passport requirements' (7 Sep 2021): the passport must not expire earlier than 3 months after the visa.
        Assert.Equal("visa.passport-expires-too-soon", Decide(new IssueVisa(Id, Today, "C3", VisaEntries.Multiple, Today, new LocalDate(2025, 12, 31), null, false, false, Host, "u", Today),
            State(passportExpiry: new LocalDate(2026, 2, 15))).Rejection!.Code);

    [Fact]
    public void IssueVisa_LongerThanTheCategoryAllows_Rejected() =>
        // 000 §4: B2 multiple entry up to 180 days.
        Assert.Equal("visa.validity-too-long", Decide(new IssueVisa(Id, Today, "B2", VisaEntries.Multiple, Today, Today.PlusDays(200), null, false, false, Host, "u", Today), State()).Rejection!.Code);

    [Theory]
    // 000 §5: TRP for CIS citizens except GE, MD, UA; after the arrival notification (TRP-HOST); up to 1 year.
    [InlineData("RU", true, 364, null)]
    [InlineData("GE", true, 364, "permit.not-eligible")]
    [InlineData("RU", false, 364, "permit.notification-required")]
    [InlineData("RU", true, 365, "permit.term-over-one-year")]
    public void ResidencePermit_Guards(string nationality, bool notified, int days, string? code)
    {
        var events = new List<CaseEvent> { Entry(new LocalDate(2025, 2, 1)) };
        if (notified) events.Add(new Notified(Id, new LocalDate(2025, 2, 3), NotificationChannel.EQonaq, null, "u"));
        var d = Decide(new IssueResidencePermit(Id, Today, Today, Today.PlusDays(days), "u", Today), State(nationality, more: [.. events]));
        Assert.Equal(code, d.Rejection?.Code);
    }

    [Fact]
    public void PassportReplaced_WithAnEVisa_InvalidatesIt()
    {
        var eVisa = new VisaIssued(Id, new LocalDate(2025, 2, 1), "B12", VisaEntries.Single, new LocalDate(2025, 2, 1), new LocalDate(2025, 4, 30), 30, false, true, Host, "u");
        var replaced = Assert.IsType<PassportReplaced>(Assert.Single(Decide(new ReplacePassport(Id, Today, "n999", null, "u", Today), State(more: [eVisa, Entry(new LocalDate(2025, 2, 20))])).Events));
        Assert.True(replaced.EVisaInvalidated);
        Assert.Equal("N999", replaced.PassportNumber);
    }

    [Fact]
    public void Close_WhileInCountry_Rejected_AfterClosing_NothingMore()
    {
        Assert.Equal("case.close-while-in-country", Decide(new CloseCase(Id, Today, "done", "u", Today), State(more: [Entry(new LocalDate(2025, 2, 1))])).Rejection!.Code);
        var closed = State(more: [new CaseClosed(Id, Today, "done", "u")]);
        Assert.Equal("case.closed", Decide(new RecordEntry(Id, Today, "ALA", "u", Today), closed).Rejection!.Code);
    }
}
