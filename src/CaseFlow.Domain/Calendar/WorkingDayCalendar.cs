using System.Collections.Concurrent;
using NodaTime;

namespace CaseFlow.Domain.Calendar;

public sealed record FixedHoliday(string Id, int Month, int Day, bool CarryOver, LocalDate? From = null, LocalDate? To = null)
{
    public bool AppliesIn(int year) =>
        (From is null || From.Value.Year <= year) && (To is null || To.Value.Year >= year);
}

public sealed record MovableHoliday(LocalDate Date, bool Provisional);

public sealed record DayTransfer(LocalDate WorkingDay, LocalDate DayOff, string Citation);

public sealed record PublishedYear(int Year, bool Provisional, int WorkingDays, IReadOnlyList<LocalDate> NonWorkingWeekdays, IReadOnlyList<LocalDate> WorkingWeekendDays);

public sealed record CalendarData(
    string Citation,
    IReadOnlyList<FixedHoliday> FixedHolidays,
    IReadOnlyList<MovableHoliday> KurbanAit,
    IReadOnlyList<DayTransfer> Transfers,
    IReadOnlyList<PublishedYear> PublishedYears);

/// <summary>
/// Kazakhstan's five-day-week working-day calendar. A day is a working day when it is a Monday to Friday
/// that is not a non-working weekday of its year, or a Saturday/Sunday decreed a working day.
/// Published years (shared/domain/calendar.md) are authoritative. Any other year is computed from the fixed
/// rules (holidays law art. 5 carry-over; 7 Jan and Kurban Ait never carried; known transfers) and is
/// <em>provisional</em>: <see cref="IsProvisional"/> says so, and every deadline that touches it must say so too.
/// Thread-safe; years are computed once.
/// </summary>
public sealed class WorkingDayCalendar
{
    private readonly CalendarData data;
    private readonly ConcurrentDictionary<int, YearDays> years = new();

    public WorkingDayCalendar(CalendarData data) => this.data = data;

    /// <summary>A year's working days, one flag per day of the year (index day of year - 1).</summary>
    private sealed class YearDays(int year, bool[] working, bool provisional)
    {
        public int Year { get; } = year;
        public bool[] Working { get; } = working;
        public bool Provisional { get; } = provisional;
    }

    /// <summary>The year looked up last: deadlines fall in one or two years, so most lookups need no dictionary.</summary>
    private YearDays? recent;

    public bool IsWorkingDay(LocalDate date) => Year(date.Year).Working[date.DayOfYear - 1];

    /// <summary>True when the year's calendar is not published (computed from rules) or published as provisional.</summary>
    public bool IsProvisional(int year) => Year(year).Provisional;

    /// <summary>Provisional years among those of the dates from <paramref name="from"/> to <paramref name="to"/> inclusive.</summary>
    public IEnumerable<int> ProvisionalYears(LocalDate from, LocalDate to)
    {
        var (a, b) = from <= to ? (from.Year, to.Year) : (to.Year, from.Year);
        for (var year = a; year <= b; year++)
            if (IsProvisional(year)) yield return year;
    }

    /// <summary>
    /// "Within <paramref name="n"/> working days from <paramref name="trigger"/>": the trigger is day 1 when it is a working day,
    /// otherwise the next working day is; the result is the n-th working day (inclusive). Conservative: never later than any other reading.
    /// </summary>
    public LocalDate WithinWorkingDays(LocalDate trigger, int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "at least one working day");
        // Walks the years' flags by index (one date made at the end), not a LocalDate a day.
        var year = Year(trigger.Year);
        var i = trigger.DayOfYear - 1;
        var count = 0;
        for (var ahead = 0; ; ahead++, i++)
        {
            if (i == DaysIn(year.Year))
            {
                year = Year(year.Year + 1);
                i = 0;
            }
            if (year.Working[i] && ++count == n) return trigger.PlusDays(ahead);
        }
    }

    private static int DaysIn(int year) => DateTime.IsLeapYear(year) ? 366 : 365;

    /// <summary>
    /// The n-th working day before <paramref name="date"/>, counting backwards from the day before it (that day is day 1 when it is a working day).
    /// </summary>
    public LocalDate WorkingDaysBefore(LocalDate date, int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "at least one working day");
        var day = date;
        var count = 0;
        while (true)
        {
            day = day.PlusDays(-1);
            if (IsWorkingDay(day) && ++count == n) return day;
        }
    }

    /// <summary>Working days in a calendar year (for checks against published totals).</summary>
    public int WorkingDaysIn(int year)
    {
        var count = 0;
        for (var d = new LocalDate(year, 1, 1); d.Year == year; d = d.PlusDays(1))
            if (IsWorkingDay(d)) count++;
        return count;
    }

    private YearDays Year(int year)
    {
        if (recent is { } r && r.Year == year) return r;
        return recent = years.TryGetValue(year, out var days) ? days : years.GetOrAdd(year, Build);
    }

    private YearDays Build(int year)
    {
        var published = data.PublishedYears.FirstOrDefault(p => p.Year == year);
        var (nonWorking, working) = published is not null
            ? (published.NonWorkingWeekdays.ToHashSet(), published.WorkingWeekendDays.ToHashSet())
            : ComputeFromRules(year);
        var provisional = published?.Provisional ?? true;
        var flags = new bool[366]; // a common year leaves the last flag unused
        for (var d = new LocalDate(year, 1, 1); d.Year == year; d = d.PlusDays(1))
            flags[d.DayOfYear - 1] = IsWeekend(d) ? working.Contains(d) : !nonWorking.Contains(d);
        return new YearDays(year, flags, provisional);
    }


    /// <summary>
    /// The year as the fixed rules make it: holidays, carry-over of weekend holidays to the next working day
    /// (holidays law art. 5), Orthodox Christmas and Kurban Ait without carry-over (Labour Code art. 84 p.5),
    /// and any decreed transfers listed for the year. Public so tests can check it reproduces each published year.
    /// </summary>
    public (HashSet<LocalDate> NonWorkingWeekdays, HashSet<LocalDate> WorkingWeekendDays) ComputeFromRules(int year)
    {
        var nonWorking = new HashSet<LocalDate>();
        var working = new HashSet<LocalDate>();
        foreach (var t in data.Transfers.Where(t => t.WorkingDay.Year == year || t.DayOff.Year == year))
        {
            if (t.WorkingDay.Year == year) working.Add(t.WorkingDay);
            if (t.DayOff.Year == year) nonWorking.Add(t.DayOff);
        }

        var holidays = data.FixedHolidays.Where(h => h.AppliesIn(year))
            .Select(h => (Date: new LocalDate(year, h.Month, h.Day), h.CarryOver))
            .Concat(data.KurbanAit.Where(k => k.Date.Year == year).Select(k => (k.Date, CarryOver: false)))
            .OrderBy(h => h.Date)
            .ToList();
        var holidayDates = holidays.Select(h => h.Date).ToHashSet();

        foreach (var (date, _) in holidays.Where(h => !IsWeekend(h.Date)))
            nonWorking.Add(date);
        foreach (var (date, _) in holidays.Where(h => h.CarryOver && IsWeekend(h.Date)))
        {
            var next = date.PlusDays(1);
            while (IsWeekend(next) || holidayDates.Contains(next) || nonWorking.Contains(next)) next = next.PlusDays(1);
            nonWorking.Add(next);
        }
        return (nonWorking, working);
    }

    private static bool IsWeekend(LocalDate d) => d.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday;
}
