using CaseFlow.Domain.Rules;
using NodaTime;
using static CaseFlow.Domain.Tests.FactsBuilder;

namespace CaseFlow.Domain.Tests.Rules;

/// <summary>
/// The edges of the engine's linear paths (issue 14), each found by a mutant that survived the rule tests: which visas a stay can
/// reach, days counted as runs, notices recorded out of order, and where the visa-free search starts and stops. JO needs a visa
/// (000_d0b006081fdc65c8.txt §3 lists no visa-free regime for it), so a visa the engine fails to reach shows as no basis at all.
/// </summary>
public class LinearEngineTests
{
    private static Evaluation Evaluate(FactsBuilder facts, string asOf, RuleCatalogue? catalogue = null) =>
        RulesEngine.Evaluate(catalogue ?? RuleCatalogue.Default, facts.Build(), D(asOf));

    [Fact]
    public void AVisaRecordedBeforeALaterOne_StillCoversTheEarlierStay()
    {
        var facts = For("JO").Visa("B2", "2024-01-01", "2024-03-01").Visa("B2", "2024-06-01", "2024-09-01", issued: "2024-01-15").Enter("2024-02-01");
        Assert.Equal((StayBasisKind.Visa, D("2024-03-01")), (Evaluate(facts, "2024-02-05").Basis, Evaluate(facts, "2024-02-05").PermittedUntil));
    }

    [Fact]
    public void AVisaWhoseLastDayIsTheEntryDay_CoversALaterStay()
    {
        var facts = For("JO").Visa("B2", "2024-01-01", "2024-03-01").Stay("2024-01-10", "2024-01-20").Enter("2024-03-01");
        var e = Evaluate(facts, "2024-03-01");
        Assert.Equal((StayBasisKind.Visa, D("2024-03-01")), (e.Basis, e.PermittedUntil));
    }

    [Fact]
    public void AVisaValidFromTheLastDayOfAOneDayStay_CoversIt()
    {
        var e = Evaluate(For("JO").Visa("B2", "2024-05-10", "2024-06-10").Stay("2024-05-10", "2024-05-10"), "2024-05-10");
        Assert.Equal(StayBasisKind.Visa, e.Basis);
    }

    [Fact]
    public void CountedDays_ASingleDayWindow_AndAnEmptyRun()
    {
        var counter = new DayCounter();
        counter.Add(D("2024-03-01"), D("2024-03-03"));
        counter.Add(D("2024-03-09"), D("2024-03-08")); // last before first: nothing
        Assert.Equal(1, counter.Count(D("2024-03-02"), D("2024-03-02")));
        Assert.Equal(3, counter.Count(D("2024-01-01"), D("2024-12-31")));
    }

    [Fact]
    public void NoticesAndAddressChangesRecordedOutOfOrder_MeetTheirOwnDeadlines()
    {
        // 000 §3 arrival and address-change notifications: each is met by the first notice on or after it, whatever the order recorded.
        var facts = For("DE").Enter("2024-06-03").AddressChange("2024-06-24").AddressChange("2024-06-10")
            .Notify("2024-06-25").Notify("2024-06-11").Notify("2024-06-04");
        var e = Evaluate(facts, "2024-06-26");
        Assert.Equal(new LocalDate?[] { D("2024-06-04"), D("2024-06-11"), D("2024-06-25") },
            e.Deadlines.Where(d => d.Kind == DeadlineKind.ArrivalNotification).Select(d => d.MetOn));
    }

    [Fact]
    public void ANotificationDueOnTheLastLawfulDay_IsOpen_OneDueAfterItIsNotApplicable()
    {
        // Entered Monday 3 June 2024: notification due within 3 working days, Wednesday 5 June (NOTIFY-3WD).
        var onTheDay = Evaluate(For("JO").Visa("B2", "2024-06-01", "2024-06-05").Enter("2024-06-03"), "2024-06-04");
        var afterIt = Evaluate(For("JO").Visa("B2", "2024-06-01", "2024-06-04").Enter("2024-06-03"), "2024-06-04");
        var arrival = (Evaluation e) => e.Deadlines.Single(d => d.Kind == DeadlineKind.ArrivalNotification);
        Assert.Equal((D("2024-06-05"), DeadlineStatus.Open), (arrival(onTheDay).Due, arrival(onTheDay).Status));
        Assert.Equal(DeadlineStatus.NotApplicable, arrival(afterIt).Status);
    }

    [Fact]
    public void ACalendarYearLimit_CountsTheBorderRunDayOnce()
    {
        // Ten days in a calendar year; 1-5 March, back in on the 5th: the 5th is one day of stay, so the 10th day is 10 March.
        var catalogue = PropertyTests.WithVisaFreeLimits([("Y10", LimitKind.CalendarYear, 10, null)]);
        var e = Evaluate(For("DE").Stay("2024-03-01", "2024-03-05").Enter("2024-03-05"), "2024-03-05", catalogue);
        Assert.Equal((D("2024-03-10"), "Y10"), (e.PermittedUntil!.Value, e.BindingRule));
    }

    [Fact]
    public void TheVisaFreeSearch_StopsAtTheCap_ALimitFailingOnItsLastDayBinds()
    {
        // The cap: 3,660 days from the entry. A rolling limit failing on day 3,660 binds; one failing after it binds nothing.
        var onTheLastDay = PropertyTests.WithVisaFreeLimits([("P", LimitKind.PerVisit, 5000, null), ("R", LimitKind.Rolling, 3659, 4000)]);
        var afterIt = PropertyTests.WithVisaFreeLimits([("P", LimitKind.PerVisit, 5000, null), ("R", LimitKind.Rolling, 3660, 4000)]);
        var entry = D("2024-03-01");
        Assert.Equal((entry.PlusDays(3658), "R"), Lawful(onTheLastDay));
        Assert.Equal((entry.PlusDays(3659), "P"), Lawful(afterIt));

        (LocalDate, string) Lawful(RuleCatalogue catalogue)
        {
            var e = Evaluate(For("DE").Enter("2024-03-01"), "2024-03-02", catalogue);
            return (e.PermittedUntil!.Value, e.BindingRule!);
        }
    }
}
