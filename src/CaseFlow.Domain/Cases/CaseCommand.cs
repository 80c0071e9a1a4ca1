using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Domain.Cases;

/// <summary>A request to change a case. <see cref="Today"/> is the Asia/Almaty date when the command is decided (commands carry "now").</summary>
public abstract record CaseCommand(CaseId CaseId, string Actor, LocalDate Today);

public sealed record OpenCase(CaseId CaseId, Person Person, HostPartyId HostPartyId, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

public sealed record RecordEntry(CaseId CaseId, LocalDate Date, string BorderPoint, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

public sealed record RecordNotification(CaseId CaseId, LocalDate Date, NotificationChannel Channel, string? Reference, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

public sealed record RecordExit(CaseId CaseId, LocalDate Date, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

public sealed record RecordAddressChange(CaseId CaseId, LocalDate Date, string Address, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

public sealed record IssueVisa(CaseId CaseId, LocalDate Date, string Category, VisaEntries Entries, LocalDate ValidFrom, LocalDate ValidTo, int? StayPerEntryDays,
    bool InCountry, bool EVisa, HostPartyId InvitingHostParty, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

/// <param name="HostPartyId">The host party asking for the extension: it must be the one that invited the visa (EXT-SAME-HOST).</param>
public sealed record ExtendVisa(CaseId CaseId, LocalDate Date, LocalDate ValidTo, HostPartyId HostPartyId, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

public sealed record ChangeCategory(CaseId CaseId, LocalDate Date, string To, VisaEntries Entries, LocalDate ValidFrom, LocalDate ValidTo, int? StayPerEntryDays,
    string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

public sealed record CancelVisa(CaseId CaseId, LocalDate Date, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

public sealed record IssueResidencePermit(CaseId CaseId, LocalDate Date, LocalDate ValidFrom, LocalDate ValidTo, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

public sealed record ReplacePassport(CaseId CaseId, LocalDate Date, string PassportNumber, LocalDate? PassportExpiry, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

public sealed record CloseCase(CaseId CaseId, LocalDate Date, string Reason, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

/// <summary>The sweep raises an alert; deciding it again for the same id decides nothing (idempotent).</summary>
public sealed record RaiseAlert(CaseId CaseId, Guid AlertId, string Kind, string Level, LocalDate Due, string Message, string Rule,
    int? FineArticle, decimal? FineMci, decimal? FineTenge, string? FineRule, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

public sealed record AcknowledgeAlert(CaseId CaseId, Guid AlertId, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

public sealed record ResolveAlert(CaseId CaseId, Guid AlertId, string Reason, bool Automatic, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);
