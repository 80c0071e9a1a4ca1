using NodaTime;

namespace CaseFlow.Domain.Rules;

/// <summary>Notification deadlines: the arrival and each address change of a stay, met by the notices recorded (NOTIFY-3WD, NOTIFY-ADDR).</summary>
public static partial class RulesEngine
{
    /// <summary>
    /// Arrival notification for the stay, and one more for each address change during it (NOTIFY-3WD, NOTIFY-ADDR), added to
    /// <paramref name="into"/>. Each trigger is met by the first notice on or after it, within the stay, not used by an earlier
    /// trigger. <paramref name="facts"/> are the timeline's (cut at the as-of date, in date order) and stays come in date order, so
    /// <paramref name="from"/> (where the last stay's facts began) only moves forward: every fact is passed over a bounded number of
    /// times in a whole evaluation, and no list of notices or address changes is made.
    /// </summary>
    private static void NotificationDeadlines(RuleCatalogue catalogue, Stay stay, LocalDate asOf, List<Dated> facts, ref int from, List<Due> into)
    {
        int entry = Days.Number(stay.Entry), end = Days.Number(stay.End);
        while (from < facts.Count && facts[from].Day < entry) from++;
        var stayEnd = from;
        while (stayEnd < facts.Count && facts[stayEnd].Day <= end) stayEnd++;
        var next = from;
        Trigger(stay.Entry, entry, address: false);
        for (var c = from; c < stayEnd; c++)
            if (facts[c].Day > entry && facts[c].Fact is AddressChangedFact)
                Trigger(facts[c].Fact.Date, facts[c].Day, address: true);

        void Trigger(LocalDate date, int day, bool address)
        {
            var rule = catalogue.NotificationRuleFor(date, BasisOn(stay, date));
            if (rule is null) return;
            var due = rule.WorkingDays is { } wd ? catalogue.Calendar.WithinWorkingDays(date, wd) : date.PlusDays(rule.CalendarDaysAfter!.Value);
            while (next < stayEnd && (facts[next].Day < day || facts[next].Fact is not NotifiedFact)) next++;
            LocalDate? notice = next < stayEnd ? facts[next++].Fact.Date : null;
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
}
