using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>Notification deadlines: the arrival and each address change of a stay, met by the notices recorded (NOTIFY-3WD, NOTIFY-ADDR).</summary>
public static partial class RulesEngine
{
    /// <summary>The dates of address changes and of notices among the timeline's facts (cut at the as-of date and in date order), each sorted.</summary>
    private static (List<LocalDate> AddressChanges, List<LocalDate> Notices) NoticeDates(StayTimeline timeline)
    {
        List<LocalDate> addressChanges = [], notices = [];
        foreach (var f in timeline.Facts)
        {
            if (f is NotifiedFact) notices.Add(f.Date);
            else if (f is AddressChangedFact) addressChanges.Add(f.Date);
        }
        return (addressChanges, notices);
    }

    /// <summary>
    /// Arrival notification for the stay, and one more for each address change during it (NOTIFY-3WD, NOTIFY-ADDR), added to
    /// <paramref name="into"/>. Each trigger is met by the first notice on or after it not used by an earlier trigger.
    /// <paramref name="addressChanges"/> and <paramref name="notices"/> are sorted and already cut at the as-of date.
    /// </summary>
    private static void NotificationDeadlines(RuleCatalogue catalogue, Stay stay, LocalDate asOf, List<LocalDate> addressChanges, List<LocalDate> notices, List<Due> into)
    {
        var next = LowerBound(notices, stay.Entry);
        var noticesEnd = LowerBound(notices, stay.End.PlusDays(1));
        Trigger(stay.Entry, address: false);
        for (var c = LowerBound(addressChanges, stay.Entry.PlusDays(1)); c < addressChanges.Count && addressChanges[c] <= stay.End; c++)
            Trigger(addressChanges[c], address: true);

        void Trigger(LocalDate date, bool address)
        {
            var rule = catalogue.NotificationRuleFor(date, BasisOn(stay, date));
            if (rule is null) return;
            var due = rule.WorkingDays is { } wd ? catalogue.Calendar.WithinWorkingDays(date, wd) : date.PlusDays(rule.CalendarDaysAfter!.Value);
            while (next < noticesEnd && notices[next] < date) next++;
            LocalDate? notice = next < noticesEnd ? notices[next++] : null;
            var status = notice <= due ? DeadlineStatus.Met
                : notice is not null ? DeadlineStatus.Missed
                : stay.Exit is { } left && left <= due ? DeadlineStatus.NotApplicable
                : asOf > due ? DeadlineStatus.Missed
                : due > stay.PermittedUntil ? DeadlineStatus.NotApplicable
                : DeadlineStatus.Open;
            into.Add(new Due(DeadlineKind.ArrivalNotification, due, status, address ? catalogue.Obligations.AddressChangeNotification.Id : rule.Id, notice));
        }
    }

    /// <summary>The basis of the stay on <paramref name="date"/>: its last segment started by then (the first when none).</summary>
    private static StayBasisKind BasisOn(Stay stay, LocalDate date)
    {
        for (var i = stay.SegmentCount - 1; i > 0; i--)
            if (stay.SegmentAt(i).Start <= date) return stay.SegmentAt(i).Basis;
        return stay.First.Basis;
    }

    /// <summary>A deadline of a stay before it is known whether it is listed (the latest stay's) or only judged for offences (earlier stays').</summary>
    private readonly record struct Due(DeadlineKind Kind, LocalDate Date, DeadlineStatus Status, string Rule, LocalDate? MetOn);

    private static int LowerBound(List<LocalDate> sorted, LocalDate value)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
