using CaseFlow.Domain.Rules;
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

/// <param name="Nationality">ISO 3166-1 alpha-2 (kept in clear: the rules need it, and alone it names no one).</param>
/// <param name="BirthDate">Null only once the person's data was erased.</param>
public sealed record Person(string FamilyName, string GivenNames, string Nationality, LocalDate? BirthDate, string PassportNumber, LocalDate? PassportExpiry = null)
{
    /// <summary>What a personal text field reads as once its case's data key was destroyed (crypto-shredding); personal dates read as null.</summary>
    public const string ErasedMark = "[erased]";

    /// <summary>Derived, never stored: the event keeps only the fields (erased ones read as <see cref="ErasedMark"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Erased => PassportNumber == ErasedMark;
}

public sealed record CaseOpened(CaseId CaseId, Person Person, HostPartyId HostPartyId, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

/// <summary>The person crossed the border into Kazakhstan on <see cref="Date"/> at <see cref="BorderPoint"/>.</summary>
public sealed record Entered(CaseId CaseId, LocalDate Date, string BorderPoint, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

public enum NotificationChannel { EQonaq, VmpGovKz, ExpatCentre }

/// <summary>The host party notified the migration service on <see cref="Date"/> of the arrival or of an address change (NOTIFY-3WD, NOTIFY-ADDR).</summary>
public sealed record Notified(CaseId CaseId, LocalDate Date, NotificationChannel Channel, string? Reference, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

/// <summary>The person moved to another place of residence (including a business trip to another region): a new notification is due (NOTIFY-ADDR).</summary>
public sealed record AddressChanged(CaseId CaseId, LocalDate Date, string Address, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

/// <summary>A visa. Validity is inclusive at both ends; <see cref="StayPerEntryDays"/> null = the whole validity.
/// <see cref="InCountry"/>: issued by the migration service in Kazakhstan rather than by a consulate.</summary>
public sealed record VisaIssued(
    CaseId CaseId, LocalDate Date, string Category, VisaEntries Entries, LocalDate ValidFrom, LocalDate ValidTo, int? StayPerEntryDays,
    bool InCountry, bool EVisa, HostPartyId InvitingHostParty, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

/// <summary>The current visa was extended in its window (EXT-WINDOW) by the same host party (EXT-SAME-HOST) to <see cref="ValidTo"/>.</summary>
public sealed record VisaExtended(CaseId CaseId, LocalDate Date, LocalDate PreviousValidTo, LocalDate ValidTo, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

/// <summary>In the country, the visa category changed along the matrix (000 §4.1): a new visa of <see cref="To"/> replaces the current one.</summary>
public sealed record CategoryChanged(
    CaseId CaseId, LocalDate Date, string? From, string To, VisaEntries Entries, LocalDate ValidFrom, LocalDate ValidTo, int? StayPerEntryDays,
    string MatrixRule, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

/// <summary>The visa was cancelled on <see cref="Date"/>; the person may stay on the exit visa until <see cref="ExitVisaUntil"/> (<see cref="ExitRule"/>).</summary>
public sealed record VisaCancelled(CaseId CaseId, LocalDate Date, string Category, LocalDate ExitVisaUntil, string ExitRule, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

/// <summary>A temporary residence permit, valid from/to inclusive (TRP-TERM, 000 §5).</summary>
public sealed record ResidencePermitIssued(CaseId CaseId, LocalDate Date, LocalDate ValidFrom, LocalDate ValidTo, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

/// <summary>The person has a new passport. An e-Visa in the old one is no longer valid (EVISA-PASSPORT); the IIN record must be updated (TRP-PASSPORT).</summary>
public sealed record PassportReplaced(CaseId CaseId, LocalDate Date, string PassportNumber, LocalDate? PassportExpiry, bool EVisaInvalidated, bool IinUpdateRequired, string RecordedBy)
    : CaseEvent(CaseId, RecordedBy);

/// <summary>The case is closed: the host party's responsibility ended. No further facts are recorded.</summary>
public sealed record CaseClosed(CaseId CaseId, LocalDate Date, string Reason, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

/// <summary>The person left Kazakhstan on <see cref="Date"/>; the exit day is a day of stay.</summary>
public sealed record Exited(CaseId CaseId, LocalDate Date, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

/// <summary>
/// The person's data was erased (crypto-shredded): the case's data key is destroyed, so every personal field of the stream reads as
/// <see cref="Person.ErasedMark"/>. <see cref="Basis"/>: <c>request</c> or <c>retention</c>. Not a business date: the rules ignore it.
/// </summary>
public sealed record PersonalDataErased(CaseId CaseId, Instant ErasedAt, string Basis, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

/// <summary>Stable stored names of the case events (never CLR names).</summary>
public static class CaseEventTypes
{
    public static readonly IReadOnlyDictionary<Type, string> Names = new Dictionary<Type, string>
    {
        [typeof(CaseOpened)] = "CaseOpened.v1",
        [typeof(Entered)] = "Entered.v1",
        [typeof(Notified)] = "Notified.v1",
        [typeof(Exited)] = "Exited.v1",
        [typeof(AddressChanged)] = "AddressChanged.v1",
        [typeof(VisaIssued)] = "VisaIssued.v1",
        [typeof(VisaExtended)] = "VisaExtended.v1",
        [typeof(CategoryChanged)] = "CategoryChanged.v1",
        [typeof(VisaCancelled)] = "VisaCancelled.v1",
        [typeof(ResidencePermitIssued)] = "ResidencePermitIssued.v1",
        [typeof(PassportReplaced)] = "PassportReplaced.v1",
        [typeof(CaseClosed)] = "CaseClosed.v1",
        [typeof(PersonalDataErased)] = "PersonalDataErased.v1",
        [typeof(AlertRaised)] = "AlertRaised.v1",
        [typeof(AlertAcknowledged)] = "AlertAcknowledged.v1",
        [typeof(AlertResolved)] = "AlertResolved.v1",
    };
}

public static class CaseEvents
{
    /// <summary>The business date of an event (the date the fact became true); null for <see cref="CaseOpened"/>.</summary>
    public static LocalDate? DateOf(CaseEvent e) => e switch
    {
        Entered x => x.Date,
        Notified x => x.Date,
        Exited x => x.Date,
        AddressChanged x => x.Date,
        VisaIssued x => x.Date,
        VisaExtended x => x.Date,
        CategoryChanged x => x.Date,
        VisaCancelled x => x.Date,
        ResidencePermitIssued x => x.Date,
        PassportReplaced x => x.Date,
        CaseClosed x => x.Date,
        AlertRaised x => x.RaisedOn,
        AlertAcknowledged x => x.Date,
        AlertResolved x => x.Date,
        _ => null,
    };
}

/// <summary>
/// A deadline alert was raised for the case on <see cref="RaisedOn"/> (the sweep's Asia/Almaty date). <see cref="Due"/> is the date the
/// alert is about (a deadline, the last lawful day); <see cref="Level"/> orders the alerts of one kind (reminder, due, missed; 7d, 3d, 1d;
/// day1, day4, ...). <see cref="FineMci"/>/<see cref="FineTenge"/>: the exposure the alert announces, with <see cref="FineRule"/>.
/// </summary>
public sealed record AlertRaised(
    CaseId CaseId, Guid AlertId, string Kind, string Level, LocalDate Due, LocalDate RaisedOn, string Message, string Rule,
    int? FineArticle, decimal? FineMci, decimal? FineTenge, string? FineRule, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

public sealed record AlertAcknowledged(CaseId CaseId, Guid AlertId, LocalDate Date, string RecordedBy) : CaseEvent(CaseId, RecordedBy);

/// <summary>The alert is closed: automatically when its condition cleared (<see cref="Automatic"/>), or by a user with a reason.</summary>
public sealed record AlertResolved(CaseId CaseId, Guid AlertId, LocalDate Date, string Reason, bool Automatic, string RecordedBy) : CaseEvent(CaseId, RecordedBy);
