using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Domain.Tests.Cases;

/// <summary>
/// Every guard of the decider and its visa rules, asserting the whole rejection (kind, code, field and message with its values), and
/// every accepted command's event field by field. Sources: 000 §1 (notification), §4 (visas), §4.1 (category matrix), §4.4
/// (e-Visa), §5 (TRP); 001 (extension window, same host); 003 (passport validity).
/// </summary>
public class DeciderGuardTests
{
    private static readonly CaseId Id = new(Guid.Parse("01900000-0000-7000-8000-000000000001"));
    private static readonly HostPartyId Host = new(Guid.Parse("01900000-0000-7000-8000-0000000000aa"));
    private static readonly HostPartyId Other = new(Guid.Parse("01900000-0000-7000-8000-0000000000bb"));
    private static readonly LocalDate Today = new(2024, 6, 1);
    private static readonly Person Jordanian = new("Haddad", "Omar", "JO", new LocalDate(1988, 3, 14), "N999", new LocalDate(2030, 1, 1));

    private static LocalDate D(string iso) => NodaTime.Text.LocalDatePattern.Iso.Parse(iso).Value;

    private static CaseState State(Person? person = null, params CaseEvent[] more) =>
        CaseState.Fold(new CaseEvent[] { new CaseOpened(Id, person ?? Jordanian, Host, "u") }.Concat(more));

    private static CaseState InCountry(params CaseEvent[] more) => State(null, [new Entered(Id, D("2024-05-01"), "ALA", "u"), .. more]);

    private static VisaIssued C3(string from = "2024-04-20", string to = "2024-06-30", bool eVisa = false, string category = "C3", HostPartyId? host = null) =>
        new(Id, D(from), category, VisaEntries.Multiple, D(from), D(to), null, false, eVisa, host ?? Host, "u");

    private static CaseRejection Rejected(CaseCommand c, CaseState s)
    {
        var d = CaseDecider.Decide(c, s, RuleCatalogue.Default);
        Assert.Empty(d.Events);
        return d.Rejection!;
    }

    private static T Accepted<T>(CaseCommand c, CaseState s) where T : CaseEvent
    {
        var d = CaseDecider.Decide(c, s, RuleCatalogue.Default);
        Assert.Null(d.Rejection);
        return Assert.IsType<T>(Assert.Single(d.Events));
    }

    private static void Is(CaseRejection r, RejectionKind kind, string code, string field, string message) =>
        Assert.Equal((kind, code, field, message), (r.Kind, r.Code, r.Field, r.Message));

    [Fact]
    public void AnyCommand_OnAClosedCase_Refused_ButAlertsMayStillBeHandled()
    {
        var closed = State(null, new CaseClosed(Id, D("2024-05-01"), "done", "u"));
        Is(Rejected(new RecordExit(Id, Today, "u", Today), closed), RejectionKind.Rule, "case.closed", "caseId", $"case {Id} is closed");
        Is(Rejected(new AcknowledgeAlert(Id, Guid.Empty, "u", Today), closed), RejectionKind.Rule, "alert.not-found", "alertId", $"case {Id} has no alert {Guid.Empty}");
        Is(Rejected(new RecordExit(Id, Today, "u", Today), CaseState.Initial), RejectionKind.Rule, "case.not-opened", "caseId", $"case {Id} has not been opened");
    }

    [Fact]
    public void OpenCase_BirthInTheFuture_Refused_TodayAccepted()
    {
        Is(Rejected(new OpenCase(Id, Jordanian with { BirthDate = Today.PlusDays(1) }, Host, "u", Today), CaseState.Initial),
            RejectionKind.Validation, "date.in-future", "person.birthDate", "2024-06-02 is after today (2024-06-01)");
        var opened = Accepted<CaseOpened>(new OpenCase(Id, Jordanian with { BirthDate = Today }, Host, "u", Today), CaseState.Initial);
        Assert.Equal((Id, Host, Today), (opened.CaseId, opened.HostPartyId, opened.Person.BirthDate));
        Is(Rejected(new OpenCase(Id, Jordanian, Host, "u", Today), State()), RejectionKind.Rule, "case.already-opened", "caseId", $"case {Id} is already open");
    }

    [Fact]
    public void Entry_Guards_AndTheEventItRecords()
    {
        Is(Rejected(new RecordEntry(Id, Today.PlusDays(1), "ALA", "u", Today), State()), RejectionKind.Validation, "date.in-future", "date",
            "2024-06-02 is after today (2024-06-01, Asia/Almaty)");
        Is(Rejected(new RecordEntry(Id, Today, " ", "u", Today), State()), RejectionKind.Validation, "validation", "borderPoint", "required");
        Is(Rejected(new RecordEntry(Id, Today, "ALA", "u", Today), InCountry()), RejectionKind.Rule, "stay.entry-while-in-country", "date",
            "entry on 2024-06-01: the person is already in the country since 2024-05-01");
        Is(Rejected(new RecordEntry(Id, D("2024-05-09"), "ALA", "u", Today), InCountry(new Exited(Id, D("2024-05-10"), "u"))), RejectionKind.Rule,
            "stay.entry-before-last-exit", "date", "entry on 2024-05-09 is before the last exit on 2024-05-10");
        var entered = Accepted<Entered>(new RecordEntry(Id, D("2024-05-10"), "ALA", "officer", Today), InCountry(new Exited(Id, D("2024-05-10"), "u")));
        Assert.Equal((D("2024-05-10"), "ALA", "officer"), (entered.Date, entered.BorderPoint, entered.RecordedBy)); // re-entry on the exit day
        Assert.Equal(Today, Accepted<Entered>(new RecordEntry(Id, Today, "ALA", "u", Today), State()).Date);
    }

    [Fact]
    public void Notification_Guards_AndTheEventItRecords()
    {
        Is(Rejected(new RecordNotification(Id, Today.PlusDays(1), NotificationChannel.EQonaq, null, "u", Today), InCountry()), RejectionKind.Validation, "date.in-future", "date",
            "2024-06-02 is after today (2024-06-01, Asia/Almaty)");
        Is(Rejected(new RecordNotification(Id, Today, NotificationChannel.EQonaq, null, "u", Today), State()), RejectionKind.Rule, "notification.before-entry", "date",
            "notification on 2024-06-01: no entry has been recorded");
        Is(Rejected(new RecordNotification(Id, D("2024-04-30"), NotificationChannel.EQonaq, null, "u", Today), InCountry()), RejectionKind.Rule, "notification.before-entry", "date",
            "notification on 2024-04-30 is before the entry on 2024-05-01");
        Is(Rejected(new RecordNotification(Id, D("2024-05-11"), NotificationChannel.EQonaq, null, "u", Today), InCountry(new Exited(Id, D("2024-05-10"), "u"))),
            RejectionKind.Rule, "notification.after-exit", "date", "notification on 2024-05-11 is after the exit on 2024-05-10");
        var onExitDay = Accepted<Notified>(new RecordNotification(Id, D("2024-05-10"), NotificationChannel.ExpatCentre, "R-1", "u", Today), InCountry(new Exited(Id, D("2024-05-10"), "u")));
        Assert.Equal((D("2024-05-10"), NotificationChannel.ExpatCentre, "R-1"), (onExitDay.Date, onExitDay.Channel, onExitDay.Reference));
        Assert.Equal(D("2024-05-01"), Accepted<Notified>(new RecordNotification(Id, D("2024-05-01"), NotificationChannel.EQonaq, null, "u", Today), InCountry()).Date);
    }

    [Fact]
    public void Exit_Guards_AndTheEventItRecords()
    {
        Is(Rejected(new RecordExit(Id, Today.PlusDays(1), "u", Today), InCountry()), RejectionKind.Validation, "date.in-future", "date", "2024-06-02 is after today (2024-06-01, Asia/Almaty)");
        Is(Rejected(new RecordExit(Id, Today, "u", Today), State()), RejectionKind.Rule, "stay.exit-while-not-in-country", "date", "exit on 2024-06-01: the person is not in the country");
        Is(Rejected(new RecordExit(Id, D("2024-04-30"), "u", Today), InCountry()), RejectionKind.Rule, "stay.exit-before-entry", "date", "exit on 2024-04-30 is before the entry on 2024-05-01");
        Assert.Equal(D("2024-05-01"), Accepted<Exited>(new RecordExit(Id, D("2024-05-01"), "u", Today), InCountry()).Date); // same-day exit
    }

    [Fact]
    public void AddressChange_Guards_AndTheEventItRecords()
    {
        Is(Rejected(new RecordAddressChange(Id, Today.PlusDays(1), "Abay 1", "u", Today), InCountry()), RejectionKind.Validation, "date.in-future", "date",
            "2024-06-02 is after today (2024-06-01, Asia/Almaty)");
        Is(Rejected(new RecordAddressChange(Id, Today, "  ", "u", Today), InCountry()), RejectionKind.Validation, "validation", "address", "required");
        Is(Rejected(new RecordAddressChange(Id, Today, "Abay 1", "u", Today), State()), RejectionKind.Rule, "stay.not-in-country", "date",
            "address change on 2024-06-01: the person is not in the country then");
        Is(Rejected(new RecordAddressChange(Id, D("2024-04-30"), "Abay 1", "u", Today), InCountry()), RejectionKind.Rule, "stay.not-in-country", "date",
            "address change on 2024-04-30: the person is not in the country then");
        var moved = Accepted<AddressChanged>(new RecordAddressChange(Id, D("2024-05-01"), "  Abay 1 ", "u", Today), InCountry());
        Assert.Equal((D("2024-05-01"), "Abay 1"), (moved.Date, moved.Address));
    }

    [Fact]
    public void IssueVisa_Guards()
    {
        IssueVisa Visa(string category = "C3", VisaEntries entries = VisaEntries.Multiple, string from = "2024-05-01", string to = "2025-04-30", int? stay = null, bool eVisa = false,
            string date = "2024-05-01") => new(Id, D(date), category, entries, D(from), D(to), stay, false, eVisa, Host, "u", Today);
        Is(Rejected(Visa(date: "2024-06-02"), State()), RejectionKind.Validation, "date.in-future", "date", "2024-06-02 is after today (2024-06-01, Asia/Almaty)");
        Is(Rejected(Visa("Q9"), State()), RejectionKind.Validation, "visa.unknown-category", "category", "'Q9' is not a visa category of the catalogue");
        Is(Rejected(Visa(from: "2024-05-02", to: "2024-05-01"), State()), RejectionKind.Validation, "validation", "validTo", "2024-05-01 is before validFrom 2024-05-02");
        Is(Rejected(Visa(stay: 0), State()), RejectionKind.Validation, "validation", "stayPerEntryDays", "a whole number of days from 1 to 73414");
        // The longest stay is every day of the dates CaseFlow judges (1900-01-01 to 2100-12-31); one day more once overflowed every
        // later evaluation of the case (int.MaxValue days: 500 on each read).
        Is(Rejected(Visa(stay: 73_415), State()), RejectionKind.Validation, "validation", "stayPerEntryDays", "a whole number of days from 1 to 73414");
        Is(Rejected(Visa(stay: int.MaxValue), State()), RejectionKind.Validation, "validation", "stayPerEntryDays", "a whole number of days from 1 to 73414");
        Assert.Null(CaseDecider.Decide(Visa(stay: 73_414), State(), RuleCatalogue.Default).Rejection);
        Is(Rejected(Visa("B2", VisaEntries.Multiple, eVisa: true, to: "2024-05-30"), State()), RejectionKind.Rule, "visa.not-an-evisa-category", "category",
            $"e-Visas are single-entry B1, B2, B3, B12, C12 ({RuleCatalogue.Default.Visas.EVisa.Citation})");
        Is(Rejected(Visa("C3", VisaEntries.Single, eVisa: true, to: "2024-05-30"), State()), RejectionKind.Rule, "visa.not-an-evisa-category", "category",
            $"e-Visas are single-entry B1, B2, B3, B12, C12 ({RuleCatalogue.Default.Visas.EVisa.Citation})");
        // B2 single-entry: 90 days of validity at most (000 §4).
        var b2 = RuleCatalogue.Default.VisaCategory("B2")!;
        Is(Rejected(Visa("B2", VisaEntries.Single, to: "2024-07-30"), State()), RejectionKind.Rule, "visa.validity-too-long", "validTo",
            $"a single-entry B2 visa is valid for at most 90 days ({b2.Citation}); 91 requested");
        var ninety = Accepted<VisaIssued>(Visa("B2", VisaEntries.Single, to: "2024-07-29"), State());
        Assert.Equal((30, Host, "B2"), (ninety.StayPerEntryDays!.Value, ninety.InvitingHostParty, ninety.Category)); // the category's stay per entry
        Assert.Equal(45, Accepted<VisaIssued>(Visa("B2", VisaEntries.Single, to: "2024-07-29", stay: 45), State()).StayPerEntryDays);
        // Passport valid to 2030-01-01: the visa may end on 2029-10-01 at the latest (3 months, 003).
        Assert.Equal(D("2029-10-01"), Accepted<VisaIssued>(Visa("A5", from: "2026-10-02", to: "2029-10-01", date: "2024-05-01"), State()).ValidTo);
        Is(Rejected(Visa("A5", from: "2026-10-03", to: "2029-10-02"), State()), RejectionKind.Rule, "visa.passport-expires-too-soon", "validTo",
            "the passport (valid to 2030-01-01) must not expire earlier than 3 months after the visa's end 2029-10-02 (PASS-VALID-3M, 003 'Passport requirements')");
        Assert.True(Accepted<VisaIssued>(Visa("B12", VisaEntries.Single, eVisa: true, to: "2024-05-30"), State()).EVisa);
    }

    [Fact]
    public void ExtendVisa_Guards()
    {
        ExtendVisa Extend(string date, string to = "2025-06-30", HostPartyId? host = null) => new(Id, D(date), D(to), host ?? Host, "u", Today);
        var withVisa = InCountry(C3());
        Is(Rejected(Extend("2024-06-02"), withVisa), RejectionKind.Validation, "date.in-future", "date", "2024-06-02 is after today (2024-06-01, Asia/Almaty)");
        Is(Rejected(Extend("2024-05-20"), InCountry()), RejectionKind.Rule, "visa.none-to-extend", "date", "no visa is valid on 2024-05-20");
        Is(Rejected(Extend("2024-04-19"), withVisa), RejectionKind.Rule, "visa.none-to-extend", "date", "no visa is valid on 2024-04-19");
        Is(Rejected(Extend("2024-05-20"), InCountry(C3(eVisa: true, category: "B12"))), RejectionKind.Rule, "visa.not-extendable", "category", "a e-Visa is not extendable in the country");
        Is(Rejected(Extend("2024-05-20"), InCountry(C3(category: "B16"))), RejectionKind.Rule, "visa.not-extendable", "category", "a B16 visa is not extendable in the country");
        Is(Rejected(Extend("2024-05-20", host: Other), withVisa), RejectionKind.Rule, "visa.extension-other-host-party", "hostPartyId",
            $"the visa was issued on the invitation of host party {Host}: with another host party this is a new visa application, not an extension (EXT-SAME-HOST, 001 'Виза мерзімін ұзарту')");
        Is(Rejected(Extend("2024-05-20", "2024-06-30"), withVisa), RejectionKind.Validation, "validation", "validTo", "2024-06-30 does not extend the visa's end 2024-06-30");
        // Window for 30 Jun 2024: opens Mon 20 May, closes Mon 24 Jun (001; VisaCommandTests has the arithmetic).
        Is(Rejected(Extend("2024-05-17"), withVisa), RejectionKind.Rule, "visa.extension-outside-window", "date",
            "extension requested on 2024-05-17, 31 working days before the visa expires on 2024-06-30: the window opens on 2024-05-20 " +
            "(no earlier than 30 and no later than 5 working days before expiry, EXT-WINDOW, 001)");
        var opens = Accepted<VisaExtended>(Extend("2024-05-20"), withVisa);
        Assert.Equal((D("2024-06-30"), D("2025-06-30"), D("2024-05-20")), (opens.PreviousValidTo, opens.ValidTo, opens.Date));
    }

    [Fact]
    public void ChangeCategory_Guards()
    {
        ChangeCategory Change(string to, string date = "2024-05-20", string from = "2024-05-20", string until = "2024-12-31", int? stay = null) =>
            new(Id, D(date), to, VisaEntries.Multiple, D(from), D(until), stay, "u", Today);
        Is(Rejected(Change("C3", "2024-06-02"), InCountry(C3())), RejectionKind.Validation, "date.in-future", "date", "2024-06-02 is after today (2024-06-01, Asia/Almaty)");
        Is(Rejected(Change("Q9"), InCountry(C3())), RejectionKind.Validation, "visa.unknown-category", "to", "'Q9' is not a visa category of the catalogue");
        Is(Rejected(Change("C3", from: "2024-05-21", until: "2024-05-20"), InCountry(C3())), RejectionKind.Validation, "validation", "validTo", "2024-05-20 is before validFrom 2024-05-21");
        // The stay per entry as a visa's (a category change took any number, 0 and negative ones too, before the twelfth session).
        foreach (var stay in new[] { 0, -5, 73_415, int.MaxValue })
            Is(Rejected(Change("C1", stay: stay), InCountry(C3())), RejectionKind.Validation, "validation", "stayPerEntryDays", "a whole number of days from 1 to 73414");
        Assert.Equal(73_414, Accepted<CategoryChanged>(Change("C1", stay: 73_414), InCountry(C3())).StayPerEntryDays);
        Is(Rejected(Change("C3"), State(null, C3())), RejectionKind.Rule, "stay.not-in-country", "date",
            "a category change happens in the country; the person is not in the country on 2024-05-20");
        Is(Rejected(Change("C4"), InCountry(C3())), RejectionKind.Rule, "visa.category-change-not-allowed", "to",
            "category change C3 to C4 is not allowed in the country (CHG-C4; 000_d0b006081fdc65c8.txt §4.1)");
        Is(Rejected(Change("C3"), InCountry()), RejectionKind.Rule, "visa.category-change-not-allowed", "to",
            "category change visa-free to C3 is not allowed in the country (CHG-C3; 000_d0b006081fdc65c8.txt §4.1)");
        Is(Rejected(Change("B12"), InCountry(C3())), RejectionKind.Rule, "visa.category-change-not-allowed", "to",
            "category change C3 to B12 is not allowed in the country (no CHG-B12 row; 000_d0b006081fdc65c8.txt §4.1)");
        Is(Rejected(Change("C1"), InCountry(C3(category: "B16"))), RejectionKind.Rule, "visa.category-change-not-allowed", "to",
            "category change B16 to C1 is not allowed in the country (CHG-C1; 000_d0b006081fdc65c8.txt §4.1)");
        Assert.Equal(("C3", "C1", "CHG-C1"), Changed(Accepted<CategoryChanged>(Change("C1"), InCountry(C3()))));
        Assert.Equal(((string?)null, "C9", "CHG-C9"), Changed(Accepted<CategoryChanged>(Change("C9"), InCountry())));
        Assert.Equal(("C3", "B2", "CHG-B2"), Changed(Accepted<CategoryChanged>(Change("B2"), InCountry(C3()))));
        // After the C3 ended (30 Jun), the person is judged as visa-free for the matrix.
        Assert.Equal(((string?)null, "C9", "CHG-C9"), Changed(Accepted<CategoryChanged>(Change("C9", "2024-05-20"), InCountry(C3(to: "2024-05-19")))));

        static (string?, string, string) Changed(CategoryChanged c) => (c.From, c.To, c.MatrixRule);
    }

    [Fact]
    public void CancelVisa_Guards()
    {
        Is(Rejected(new CancelVisa(Id, Today.PlusDays(1), "u", Today), InCountry(C3())), RejectionKind.Validation, "date.in-future", "date", "2024-06-02 is after today (2024-06-01, Asia/Almaty)");
        Is(Rejected(new CancelVisa(Id, D("2024-05-20"), "u", Today), InCountry()), RejectionKind.Rule, "visa.none-to-cancel", "date", "no visa is valid on 2024-05-20");
        Is(Rejected(new CancelVisa(Id, D("2024-07-01"), "u", new LocalDate(2024, 7, 2)), InCountry(C3())), RejectionKind.Rule, "visa.none-to-cancel", "date", "no visa is valid on 2024-07-01");
        var cancelled = Accepted<VisaCancelled>(new CancelVisa(Id, D("2024-05-20"), "u", Today), InCountry(C3()));
        Assert.Equal(("C3", D("2024-06-18"), "EXIT-AFTER-CANCEL-30D"), (cancelled.Category, cancelled.ExitVisaUntil, cancelled.ExitRule)); // 30 days counting the 20th
        // Before the first exit rule (EXIT-AFTER-CANCEL-30D from 2020-01-01, 004 'Cancellation of a work visa...') there is nothing to
        // judge the exit by: a clear refusal naming the date (it threw, and the API answered 500); the rule's first day is taken.
        var old = InCountry(C3(from: "2019-06-01", to: "2020-06-30"));
        Is(Rejected(new CancelVisa(Id, D("2019-12-31"), "u", Today), old), RejectionKind.Validation, "visa.cancellation-before-rules", "date",
            "no exit rule after a cancellation is in force on 2019-12-31 (the catalogue's rules start on 2020-01-01, obligations.json)");
        Assert.Equal("EXIT-AFTER-CANCEL-30D", Accepted<VisaCancelled>(new CancelVisa(Id, D("2020-01-01"), "u", Today), old).ExitRule);
    }

    [Fact]
    public void ResidencePermit_Guards()
    {
        var russian = Jordanian with { Nationality = "RU" };
        IssueResidencePermit Permit(string date = "2024-05-20", string from = "2024-05-20", string to = "2025-05-19") => new(Id, D(date), D(from), D(to), "u", Today);
        var notified = State(russian, new Entered(Id, D("2024-05-01"), "ALA", "u"), new Notified(Id, D("2024-05-02"), NotificationChannel.EQonaq, null, "u"));
        Is(Rejected(Permit("2024-06-02"), notified), RejectionKind.Validation, "date.in-future", "date", "2024-06-02 is after today (2024-06-01, Asia/Almaty)");
        Is(Rejected(Permit(to: "2024-05-19"), notified), RejectionKind.Validation, "validation", "validTo", "2024-05-19 is before validFrom 2024-05-20");
        Is(Rejected(Permit(to: "2025-05-20"), notified), RejectionKind.Rule, "permit.term-over-one-year", "validTo",
            "a TRP is issued for up to 1 year (TRP-TERM, 000 §5): 2024-05-20 to 2025-05-20 is longer");
        Is(Rejected(Permit(), InCountry()), RejectionKind.Rule, "permit.not-eligible", "person.nationality",
            "a TRP is issued to citizens of CIS countries except Georgia, Moldova and Ukraine (000 §5); JO needs a visa");
        Is(Rejected(Permit(), State(russian)), RejectionKind.Rule, "stay.not-in-country", "date", "TRP on 2024-05-20: the person is not in the country");
        Is(Rejected(Permit(), State(russian, new Entered(Id, D("2024-05-01"), "ALA", "u"))), RejectionKind.Rule, "permit.notification-required", "date",
            "a TRP is processed once the arrival notification is filed (TRP-HOST, 000 §5); none is recorded since the entry on 2024-05-01");
        // A notification of an earlier stay does not count for this one.
        var earlier = State(russian, new Entered(Id, D("2024-03-01"), "ALA", "u"), new Notified(Id, D("2024-03-02"), NotificationChannel.EQonaq, null, "u"),
            new Exited(Id, D("2024-03-10"), "u"), new Entered(Id, D("2024-05-01"), "ALA", "u"));
        Assert.Equal("permit.notification-required", Rejected(Permit(), earlier).Code);
        var issued = Accepted<ResidencePermitIssued>(Permit(to: "2025-05-19"), notified);
        Assert.Equal((D("2024-05-20"), D("2025-05-19")), (issued.ValidFrom, issued.ValidTo));
    }

    [Fact]
    public void PassportAndClosing_Guards()
    {
        Is(Rejected(new ReplacePassport(Id, Today.PlusDays(1), "X1", null, "u", Today), State()), RejectionKind.Validation, "date.in-future", "date", "2024-06-02 is after today (2024-06-01, Asia/Almaty)");
        Is(Rejected(new ReplacePassport(Id, Today, " ", null, "u", Today), State()), RejectionKind.Validation, "validation", "passportNumber", "required");
        var replaced = Accepted<PassportReplaced>(new ReplacePassport(Id, Today, " n77 ", D("2034-01-01"), "u", Today), InCountry(C3()));
        Assert.Equal(("N77", D("2034-01-01"), false, false), (replaced.PassportNumber, replaced.PassportExpiry, replaced.EVisaInvalidated, replaced.IinUpdateRequired));
        var withPermit = CaseState.Evolve(InCountry(), new ResidencePermitIssued(Id, D("2024-05-20"), D("2024-05-20"), D("2025-05-19"), "u"));
        Assert.True(Accepted<PassportReplaced>(new ReplacePassport(Id, Today, "N78", null, "u", Today), withPermit).IinUpdateRequired);
        Assert.True(Accepted<PassportReplaced>(new ReplacePassport(Id, Today, "N79", null, "u", Today), InCountry(C3(eVisa: true, category: "B12", from: "2024-05-01", to: "2024-06-15"))).EVisaInvalidated);
        Assert.False(Accepted<PassportReplaced>(new ReplacePassport(Id, Today, "N80", null, "u", Today), InCountry(C3(eVisa: true, category: "B12", from: "2024-04-01", to: "2024-05-15"))).EVisaInvalidated);

        Is(Rejected(new CloseCase(Id, Today.PlusDays(1), "gone", "u", Today), State()), RejectionKind.Validation, "date.in-future", "date", "2024-06-02 is after today (2024-06-01, Asia/Almaty)");
        Is(Rejected(new CloseCase(Id, Today, "gone", "u", Today), InCountry()), RejectionKind.Rule, "case.close-while-in-country", "date",
            "the person is in the country since 2024-05-01: record the exit first");
        Assert.Equal("closed", Accepted<CaseClosed>(new CloseCase(Id, Today, " ", "u", Today), State()).Reason);
        Assert.Equal("moved away", Accepted<CaseClosed>(new CloseCase(Id, Today, " moved away ", "u", Today), State()).Reason);
    }

    [Fact]
    public void Alerts_RaiseOnce_AcknowledgeAndResolve()
    {
        var alert = Guid.Parse("01900000-0000-7000-8000-00000000a1e7");
        var raise = new RaiseAlert(Id, alert, "overstay", "day1", Today, "m", "r", 517, 0m, 0m, "FINE", "sweep", Today);
        var raised = Accepted<AlertRaised>(raise, State());
        Assert.Equal((alert, "overstay", "day1", Today, 517), (raised.AlertId, raised.Kind, raised.Level, raised.Due, raised.FineArticle!.Value));
        var s = CaseState.Evolve(State(), raised);
        AcceptedWithNothingToRecord(raise, s); // the same id again: nothing
        Assert.Equal(Today, Accepted<AlertAcknowledged>(new AcknowledgeAlert(Id, alert, "u", Today), s).Date);
        var acknowledged = CaseState.Evolve(s, new AlertAcknowledged(Id, alert, Today, "u"));
        AcceptedWithNothingToRecord(new AcknowledgeAlert(Id, alert, "u", Today), acknowledged); // acknowledged twice: accepted, not refused
        Is(Rejected(new ResolveAlert(Id, alert, " ", false, "u", Today), acknowledged), RejectionKind.Validation, "validation", "reason", "required");
        Is(Rejected(new ResolveAlert(Id, Guid.Empty, "x", false, "u", Today), acknowledged), RejectionKind.Rule, "alert.not-found", "alertId", $"case {Id} has no alert {Guid.Empty}");
        var resolved = Accepted<AlertResolved>(new ResolveAlert(Id, alert, " filed ", true, "u", Today), acknowledged);
        Assert.Equal(("filed", true), (resolved.Reason, resolved.Automatic));
        var done = CaseState.Evolve(acknowledged, resolved);
        AcceptedWithNothingToRecord(new ResolveAlert(Id, alert, "again", false, "u", Today), done);
        Is(Rejected(new AcknowledgeAlert(Id, alert, "u", Today), done), RejectionKind.Rule, "alert.resolved", "alertId", $"alert {alert} is already resolved");
    }

    /// <summary>A repeat that changes nothing: accepted (a client's retry succeeds) with no event to record.</summary>
    private static void AcceptedWithNothingToRecord(CaseCommand command, CaseState state)
    {
        var decision = CaseDecider.Decide(command, state, RuleCatalogue.Default);
        Assert.Null(decision.Rejection);
        Assert.Empty(decision.Events);
    }
}
