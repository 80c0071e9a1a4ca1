using NodaTime;

namespace CaseFlow.Domain.Calendar;

/// <summary>
/// Legal dates are dates in Asia/Almaty (000 §1 counts days where the foreigner is): the one place the zone is named. "Today" is the
/// Almaty date of an instant, so at 20:00 UTC it is already tomorrow (UTC+5).
/// </summary>
public static class LegalTime
{
    /// <summary>The IANA id of the legal time zone (schedulers outside NodaTime name it by this id).</summary>
    public const string ZoneId = "Asia/Almaty";

    public static DateTimeZone Zone { get; } = DateTimeZoneProviders.Tzdb[ZoneId];

    /// <summary>The legal date of <paramref name="instant"/>.</summary>
    public static LocalDate DateOf(Instant instant) => instant.InZone(Zone).Date;

    /// <summary>Today's legal date by <paramref name="clock"/>.</summary>
    public static LocalDate Today(IClock clock) => DateOf(clock.GetCurrentInstant());
}
