using CaseFlow.Domain.Rules;
using static CaseFlow.Domain.Tests.FactsBuilder;

namespace CaseFlow.Domain.Tests.Calendar;

/// <summary>Source: shared/domain/calendar.md (Law on holidays art. 5, Labour Code art. 84 p.5 and 85 p.3, MTSZN transfer orders).</summary>
public class WorkingDayCalendarTests
{
    private static readonly CaseFlow.Domain.Calendar.WorkingDayCalendar Cal = RuleCatalogue.Default.Calendar;

    [Theory]
    // 2024: Nauryz 23 Mar (Sat) carried to Mon 25 Mar; 6 Jul (Sat) carried to Mon 8 Jul; transfer: Sat 4 May works, Wed 8 May off.
    [InlineData("2024-03-25", false)]
    [InlineData("2024-07-08", false)]
    [InlineData("2024-05-04", true)]
    [InlineData("2024-05-08", false)]
    // 2024: 7 Jan and Kurban Ait (16 Jun) fell on Sundays: nothing carried, so the Mondays after are working days.
    [InlineData("2024-01-08", true)]
    [InlineData("2024-06-17", true)]
    // 2025: transfer Sun 5 Jan works, Fri 3 Jan off; 8 Mar (Sat) to Mon 10 Mar; 22-23 Mar to 24-25 Mar; 6 Jul to 7 Jul; 30 Aug to 1 Sep; 25 Oct to 27 Oct.
    [InlineData("2025-01-05", true)]
    [InlineData("2025-01-03", false)]
    [InlineData("2025-03-10", false)]
    [InlineData("2025-03-24", false)]
    [InlineData("2025-03-25", false)]
    [InlineData("2025-07-07", false)]
    [InlineData("2025-09-01", false)]
    [InlineData("2025-10-27", false)]
    [InlineData("2025-06-06", false)]
    // 2026: 8 Mar (Sun) to 9 Mar; 21-22 Mar carried past the 23 Mar holiday to 24-25 Mar; 9 May (Sat) to 11 May; 25 Oct (Sun) to 26 Oct; 31 Aug works (no Constitution Day).
    [InlineData("2026-03-09", false)]
    [InlineData("2026-03-23", false)]
    [InlineData("2026-03-24", false)]
    [InlineData("2026-03-25", false)]
    [InlineData("2026-05-11", false)]
    [InlineData("2026-10-26", false)]
    [InlineData("2026-08-31", true)]
    [InlineData("2026-05-27", false)]
    [InlineData("2026-03-26", true)]
    public void PublishedYears_TransfersAndCarryOvers(string date, bool working) =>
        Assert.Equal(working, Cal.IsWorkingDay(D(date)));

    [Theory]
    [InlineData(2024, 249)]
    [InlineData(2025, 246)]
    [InlineData(2026, 247)]
    [InlineData(2027, 247)]
    public void WorkingDayTotals_MatchPublishedCalendar(int year, int expected) =>
        Assert.Equal(expected, Cal.WorkingDaysIn(year));

    [Theory]
    [InlineData(2024)]
    [InlineData(2025)]
    [InlineData(2026)]
    [InlineData(2027)]
    public void FixedRules_ReproduceEachPublishedYear(int year)
    {
        var published = RuleCatalogue.Default.CalendarData.PublishedYears.Single(p => p.Year == year);
        var (nonWorking, working) = Cal.ComputeFromRules(year);
        Assert.Equal(published.NonWorkingWeekdays.Order(), nonWorking.Order());
        Assert.Equal(published.WorkingWeekendDays.Order(), working.Order());
    }

    [Theory]
    [InlineData(2024, false)]
    [InlineData(2026, false)]
    [InlineData(2027, true)] // calendar.md: 2027 provisional (Kurban Ait estimated)
    [InlineData(2028, true)] // no data: computed from the fixed rules, never silently
    [InlineData(2023, true)]
    public void Provisional_YearsWithoutConfirmedData(int year, bool provisional) =>
        Assert.Equal(provisional, Cal.IsProvisional(year));

    [Fact]
    public void UnpublishedYear_ComputedFromFixedRules_CarriesWeekendHoliday()
    {
        // 2028: 1 Jan is a Saturday, 2 Jan a Sunday: carried to Mon 3 and Tue 4 Jan (law art. 5); 7 Jan (Fri) is off.
        Assert.False(Cal.IsWorkingDay(D("2028-01-03")));
        Assert.False(Cal.IsWorkingDay(D("2028-01-04")));
        Assert.True(Cal.IsWorkingDay(D("2028-01-05")));
        Assert.False(Cal.IsWorkingDay(D("2028-01-07")));
    }

    [Theory]
    // Issue 6 story: Friday 3 May 2024, Saturday 4 May was a working day: day 1, 2, 3 = Fri 3, Sat 4, Mon 6.
    [InlineData("2024-05-03", 3, "2024-05-06")]
    // Entry on the working Saturday: Sat 4 (1), Mon 6 (2); 7, 8, 9 May are off; Fri 10 (3).
    [InlineData("2024-05-04", 3, "2024-05-10")]
    // Entry on a holiday (21 Mar 2025): the next working day is day 1: Wed 26, Thu 27, Fri 28.
    [InlineData("2025-03-21", 3, "2025-03-28")]
    // Entry on a Sunday: Mon is day 1.
    [InlineData("2026-11-22", 3, "2026-11-25")]
    public void WithinWorkingDays_TriggerIsDayOneWhenWorking(string trigger, int n, string due) =>
        Assert.Equal(D(due), Cal.WithinWorkingDays(D(trigger), n));

    /// <summary>
    /// The walk over the years' flags agrees with walking dates one by one (calendar.md: the trigger is day 1 when working), for every
    /// trigger from 2023 to 2029 and 1 to 10 working days: year ends, the leap years 2024 and 2028, and the provisional years after.
    /// </summary>
    [Fact]
    public void WithinWorkingDays_EqualsADayByDayWalk_AcrossYearEndsAndLeapYears()
    {
        for (var trigger = D("2023-01-01"); trigger <= D("2029-12-31"); trigger = trigger.PlusDays(1))
            for (var n = 1; n <= 10; n++)
            {
                var day = trigger;
                for (var count = Cal.IsWorkingDay(day) ? 1 : 0; count < n; count += Cal.IsWorkingDay(day) ? 1 : 0) day = day.PlusDays(1);
                Assert.Equal(day, Cal.WithinWorkingDays(trigger, n));
            }
    }

    [Theory]
    // Counting back from 30 Dec 2024: 30, 27, 26, 25, 24 Dec are working days 1-5; 16 Dec is a holiday.
    [InlineData("2024-12-31", 5, "2024-12-24")]
    [InlineData("2024-12-31", 30, "2024-11-18")]
    public void WorkingDaysBefore_CountsFromTheDayBefore(string date, int n, string expected) =>
        Assert.Equal(D(expected), Cal.WorkingDaysBefore(D(date), n));

    [Fact]
    public void ProvisionalYears_OfADateRange_InEitherOrder()
    {
        // 2024-2026 are published and confirmed; 2027 is provisional; later years are computed (calendar.md).
        Assert.Equal([2027, 2028], Cal.ProvisionalYears(D("2026-12-01"), D("2028-01-10")));
        Assert.Equal([2027, 2028], Cal.ProvisionalYears(D("2028-01-10"), D("2026-12-01")));
        Assert.Empty(Cal.ProvisionalYears(D("2024-01-01"), D("2024-12-31")));
    }

    [Fact]
    public void WorkingDayCounts_BelowOne_Refused()
    {
        Assert.StartsWith("at least one working day", Assert.Throws<ArgumentOutOfRangeException>(() => Cal.WithinWorkingDays(D("2024-05-03"), 0)).Message, StringComparison.Ordinal);
        Assert.StartsWith("at least one working day", Assert.Throws<ArgumentOutOfRangeException>(() => Cal.WorkingDaysBefore(D("2024-05-03"), 0)).Message, StringComparison.Ordinal);
        Assert.Equal(D("2024-05-03"), Cal.WithinWorkingDays(D("2024-05-03"), 1));
        Assert.Equal(D("2024-05-02"), Cal.WorkingDaysBefore(D("2024-05-03"), 1));
    }

    [Fact]
    public void ADecreedTransferAcrossNewYear_CountsInEachYearForItsOwnDay()
    {
        // Labour Code art. 85 p.3 transfers can move a day off into the next year: Sat 29 Dec 2029 worked for Thu 3 Jan 2030.
        var files = RuleCatalogue.ReadEmbeddedFiles().ToDictionary();
        files["calendar.json"] = files["calendar.json"].Replace("\"transfers\": [", "\"transfers\": [ { \"workingDay\": \"2029-12-29\", \"dayOff\": \"2030-01-03\", \"citation\": \"test\" },", StringComparison.Ordinal);
        var cal = RuleCatalogue.Load(files).Calendar;
        Assert.Contains(D("2029-12-29"), cal.ComputeFromRules(2029).WorkingWeekendDays);
        Assert.DoesNotContain(D("2030-01-03"), cal.ComputeFromRules(2029).NonWorkingWeekdays);
        Assert.Contains(D("2030-01-03"), cal.ComputeFromRules(2030).NonWorkingWeekdays);
        Assert.DoesNotContain(D("2029-12-29"), cal.ComputeFromRules(2030).WorkingWeekendDays);
        Assert.True(cal.IsWorkingDay(D("2029-12-29")));
        Assert.False(cal.IsWorkingDay(D("2030-01-03")));
    }
}
