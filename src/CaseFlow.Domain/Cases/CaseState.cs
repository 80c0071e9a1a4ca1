using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Domain.Cases;

public enum NotificationStatus { NotDue, Pending, Notified }

/// <summary>The visa the case holds now: validity inclusive; <see cref="ExitVisaUntil"/> set once cancelled.</summary>
public sealed record VisaState(string Category, VisaEntries Entries, LocalDate ValidFrom, LocalDate ValidTo, int? StayPerEntryDays,
    HostPartyId InvitingHostParty, bool EVisa, bool EVisaInvalidated = false, LocalDate? CancelledOn = null, LocalDate? ExitVisaUntil = null)
{
    public bool ValidOn(LocalDate d) => CancelledOn is null && !EVisaInvalidated && ValidFrom <= d && d <= ValidTo;
}

public sealed record PermitState(LocalDate ValidFrom, LocalDate ValidTo);

public enum AlertStatus { Raised, Acknowledged, Resolved }

public sealed record AlertState(Guid Id, string Kind, string Level, LocalDate Due, AlertStatus Status);

/// <summary>
/// A case folded from its events. <see cref="LastEntry"/>/<see cref="LastExit"/> are the latest crossings; the person is in the
/// country when the last crossing is an entry. <see cref="Notification"/> is the state of the latest notification duty (arrival
/// or address change).
/// </summary>
public sealed record CaseState(
    bool Opened,
    Person? Person,
    HostPartyId? HostPartyId,
    bool InCountry,
    LocalDate? LastEntry,
    LocalDate? LastExit,
    NotificationStatus Notification,
    LocalDate? LastNotified,
    VisaState? Visa = null,
    PermitState? Permit = null,
    bool Closed = false,
    LocalDate? LastAddressChange = null,
    System.Collections.Immutable.ImmutableDictionary<Guid, AlertState>? Alerts = null,
    bool Erased = false)
{
    /// <summary>The case's alerts by id (never null).</summary>
    public System.Collections.Immutable.ImmutableDictionary<Guid, AlertState> AlertsById => Alerts ?? System.Collections.Immutable.ImmutableDictionary<Guid, AlertState>.Empty;

    public static CaseState Initial { get; } = new(false, null, null, false, null, null, NotificationStatus.NotDue, null);

    public static CaseState Evolve(CaseState state, CaseEvent @event) => @event switch
    {
        CaseOpened o => state with { Opened = true, Person = o.Person, HostPartyId = o.HostPartyId },
        Entered e => state with { InCountry = true, LastEntry = e.Date, Notification = NotificationStatus.Pending },
        Notified n => state with { Notification = NotificationStatus.Notified, LastNotified = n.Date },
        Exited x => state with { InCountry = false, LastExit = x.Date },
        AddressChanged a => state with { Notification = NotificationStatus.Pending, LastAddressChange = a.Date },
        VisaIssued v => state with { Visa = new VisaState(v.Category, v.Entries, v.ValidFrom, v.ValidTo, v.StayPerEntryDays, v.InvitingHostParty, v.EVisa) },
        VisaExtended x => state with { Visa = state.Visa! with { ValidTo = x.ValidTo } },
        CategoryChanged c => state with
        {
            Visa = new VisaState(c.To, c.Entries, c.ValidFrom, c.ValidTo, c.StayPerEntryDays, state.Visa?.InvitingHostParty ?? state.HostPartyId!.Value, false),
        },
        VisaCancelled c => state with { Visa = state.Visa! with { CancelledOn = c.Date, ExitVisaUntil = c.ExitVisaUntil } },
        ResidencePermitIssued p => state with { Permit = new PermitState(p.ValidFrom, p.ValidTo) },
        PassportReplaced p => state with
        {
            Person = state.Person! with { PassportNumber = p.PassportNumber, PassportExpiry = p.PassportExpiry },
            Visa = p.EVisaInvalidated ? state.Visa! with { EVisaInvalidated = true } : state.Visa,
        },
        CaseClosed => state with { Closed = true },
        PersonalDataErased => state with { Erased = true },
        AlertRaised a => state with { Alerts = state.AlertsById.SetItem(a.AlertId, new AlertState(a.AlertId, a.Kind, a.Level, a.Due, AlertStatus.Raised)) },
        AlertAcknowledged a => state with { Alerts = state.AlertsById.SetItem(a.AlertId, state.AlertsById[a.AlertId] with { Status = AlertStatus.Acknowledged }) },
        AlertResolved a => state with { Alerts = state.AlertsById.SetItem(a.AlertId, state.AlertsById[a.AlertId] with { Status = AlertStatus.Resolved }) },
        _ => throw new ArgumentOutOfRangeException(nameof(@event), @event.GetType().Name, "unknown case event"),
    };

    public static CaseState Fold(IEnumerable<CaseEvent> events) => events.Aggregate(Initial, Evolve);
}
