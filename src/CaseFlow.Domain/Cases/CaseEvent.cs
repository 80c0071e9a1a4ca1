using NodaTime;

namespace CaseFlow.Domain.Cases;

/// <summary>
/// The facts of a case's stream: a closed hierarchy of past-tense business facts. Each carries the case id and who recorded
/// it; business dates are Asia/Almaty local dates. A shipped event is never reshaped: a new shape gets a new version name
/// and an upcaster (see <see cref="CaseEventTypes"/>).
/// </summary>
public abstract record CaseEvent
{
    private protected CaseEvent(CaseId caseId, string recordedBy)
    {
        CaseId = caseId;
        RecordedBy = recordedBy;
    }

    public CaseId CaseId { get; }

    /// <summary>The acting user's id.</summary>
    public string RecordedBy { get; }
}

/// <param name="Nationality">ISO 3166-1 alpha-2.</param>
public sealed record Person(string FamilyName, string GivenNames, string Nationality, LocalDate BirthDate, string PassportNumber, LocalDate? PassportExpiry = null);

public sealed record CaseOpened(CaseId CaseId, Person Person, HostPartyId HostPartyId, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

/// <summary>The person crossed the border into Kazakhstan on <see cref="Date"/> at <see cref="BorderPoint"/>.</summary>
public sealed record Entered(CaseId CaseId, LocalDate Date, string BorderPoint, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

public enum NotificationChannel { EQonaq, VmpGovKz, ExpatCentre }

/// <summary>The host party notified the migration service of the arrival on <see cref="Date"/> (NOTIFY-3WD).</summary>
public sealed record Notified(CaseId CaseId, LocalDate Date, NotificationChannel Channel, string? Reference, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

/// <summary>The person left Kazakhstan on <see cref="Date"/>; the exit day is a day of stay.</summary>
public sealed record Exited(CaseId CaseId, LocalDate Date, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

/// <summary>Stable stored names of the case events (never CLR names).</summary>
public static class CaseEventTypes
{
    public static readonly IReadOnlyDictionary<Type, string> Names = new Dictionary<Type, string>
    {
        [typeof(CaseOpened)] = "CaseOpened.v1",
        [typeof(Entered)] = "Entered.v1",
        [typeof(Notified)] = "Notified.v1",
        [typeof(Exited)] = "Exited.v1",
    };
}
