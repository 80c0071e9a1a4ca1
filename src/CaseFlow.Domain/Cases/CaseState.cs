using NodaTime;

namespace CaseFlow.Domain.Cases;

public enum NotificationStatus { NotDue, Pending, Notified }

/// <summary>
/// A case folded from its events. <see cref="LastEntry"/>/<see cref="LastExit"/> are the latest crossings; the person is in the
/// country when the last crossing is an entry. <see cref="Notification"/> is the arrival notification of the current or last stay.
/// </summary>
public sealed record CaseState(
    bool Opened,
    Person? Person,
    HostPartyId? HostPartyId,
    bool InCountry,
    LocalDate? LastEntry,
    LocalDate? LastExit,
    NotificationStatus Notification,
    LocalDate? LastNotified)
{
    public static CaseState Initial { get; } = new(false, null, null, false, null, null, NotificationStatus.NotDue, null);

    public static CaseState Evolve(CaseState state, CaseEvent @event) => @event switch
    {
        CaseOpened o => state with { Opened = true, Person = o.Person, HostPartyId = o.HostPartyId },
        Entered e => state with { InCountry = true, LastEntry = e.Date, Notification = NotificationStatus.Pending },
        Notified n => state with { Notification = NotificationStatus.Notified, LastNotified = n.Date },
        Exited x => state with { InCountry = false, LastExit = x.Date },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.GetType().Name, "unknown case event"),
    };

    public static CaseState Fold(IEnumerable<CaseEvent> events) => events.Aggregate(Initial, Evolve);
}
