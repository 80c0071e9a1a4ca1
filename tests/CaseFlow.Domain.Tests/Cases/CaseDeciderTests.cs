using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Domain.Tests.Cases;

/// <summary>One test per guard of the decider (no I/O).</summary>
public class CaseDeciderTests
{
    private static readonly CaseId Id = CaseId.New();
    private static readonly LocalDate Today = new(2024, 6, 1);
    private static readonly Person German = new("Müller", "Anna", "DE", new LocalDate(1990, 5, 1), "C01X00T47");

    private static CaseState Opened(params CaseEvent[] more) =>
        CaseState.Fold(new CaseEvent[] { new CaseOpened(Id, German, new HostPartyId(Guid.NewGuid()), "u") }.Concat(more));

    private static Decision Decide(CaseCommand c, CaseState s) => CaseDecider.Decide(c, s, RuleCatalogue.Default);

    [Fact]
    public void OpenCase_Accepted_RecordsTheActor()
    {
        var d = Decide(new OpenCase(Id, German, new HostPartyId(Guid.NewGuid()), "officer-7", Today), CaseState.Initial);
        var opened = Assert.IsType<CaseOpened>(Assert.Single(d.Events));
        Assert.Equal("officer-7", opened.RecordedBy);
    }

    [Theory]
    [InlineData("XX", "person.unknown-nationality")]
    [InlineData("KZ", "person.citizen-of-kazakhstan")]
    public void OpenCase_BadNationality_Rejected(string nationality, string code)
    {
        var d = Decide(new OpenCase(Id, German with { Nationality = nationality }, new HostPartyId(Guid.NewGuid()), "u", Today), CaseState.Initial);
        Assert.Empty(d.Events);
        Assert.Equal((RejectionKind.Validation, code, "person.nationality"), (d.Rejection!.Kind, d.Rejection.Code, d.Rejection.Field));
    }

    [Fact]
    public void OpenCase_Twice_Rejected() =>
        Assert.Equal("case.already-opened", Decide(new OpenCase(Id, German, new HostPartyId(Guid.NewGuid()), "u", Today), Opened()).Rejection!.Code);

    [Fact]
    public void Entry_InTheFuture_Rejected() =>
        Assert.Equal("date.in-future", Decide(new RecordEntry(Id, Today.PlusDays(1), "ALA", "u", Today), Opened()).Rejection!.Code);

    [Fact]
    public void Entry_WhileInCountry_Rejected() =>
        Assert.Equal("stay.entry-while-in-country", Decide(new RecordEntry(Id, Today, "ALA", "u", Today), Opened(new Entered(Id, Today.PlusDays(-3), "ALA", "u"))).Rejection!.Code);

    [Fact]
    public void Entry_BeforeLastExit_Rejected() =>
        Assert.Equal("stay.entry-before-last-exit", Decide(new RecordEntry(Id, Today.PlusDays(-10), "ALA", "u", Today),
            Opened(new Entered(Id, Today.PlusDays(-8), "ALA", "u"), new Exited(Id, Today.PlusDays(-5), "u"))).Rejection!.Code);

    [Fact]
    public void Exit_BeforeEntry_Rejected()
    {
        var d = Decide(new RecordExit(Id, Today.PlusDays(-5), "u", Today), Opened(new Entered(Id, Today.PlusDays(-3), "ALA", "u")));
        Assert.Equal((RejectionKind.Rule, "stay.exit-before-entry"), (d.Rejection!.Kind, d.Rejection.Code));
        Assert.Contains(Today.PlusDays(-3).ToString("yyyy-MM-dd", null), d.Rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exit_WhenNotInCountry_Rejected() =>
        Assert.Equal("stay.exit-while-not-in-country", Decide(new RecordExit(Id, Today, "u", Today), Opened()).Rejection!.Code);

    [Fact]
    public void Notification_BeforeEntry_Rejected()
    {
        Assert.Equal("notification.before-entry", Decide(new RecordNotification(Id, Today, NotificationChannel.EQonaq, null, "u", Today), Opened()).Rejection!.Code);
        Assert.Equal("notification.before-entry", Decide(new RecordNotification(Id, Today.PlusDays(-4), NotificationChannel.EQonaq, null, "u", Today),
            Opened(new Entered(Id, Today.PlusDays(-3), "ALA", "u"))).Rejection!.Code);
    }

    [Fact]
    public void Notification_AfterExit_Rejected() =>
        Assert.Equal("notification.after-exit", Decide(new RecordNotification(Id, Today, NotificationChannel.VmpGovKz, null, "u", Today),
            Opened(new Entered(Id, Today.PlusDays(-8), "ALA", "u"), new Exited(Id, Today.PlusDays(-5), "u"))).Rejection!.Code);

    [Fact]
    public void NotOpened_Rejected() =>
        Assert.Equal("case.not-opened", Decide(new RecordExit(Id, Today, "u", Today), CaseState.Initial).Rejection!.Code);

    [Fact]
    public void Lifecycle_EvolvesStatus()
    {
        var s = Opened(new Entered(Id, new LocalDate(2024, 5, 3), "ALA", "u"));
        Assert.Equal((true, NotificationStatus.Pending), (s.InCountry, s.Notification));
        s = CaseState.Evolve(s, new Notified(Id, new LocalDate(2024, 5, 6), NotificationChannel.EQonaq, "N-1", "u"));
        s = CaseState.Evolve(s, new Exited(Id, new LocalDate(2024, 5, 20), "u"));
        Assert.Equal((false, NotificationStatus.Notified, new LocalDate(2024, 5, 20)), (s.InCountry, s.Notification, s.LastExit!.Value));
    }
}
