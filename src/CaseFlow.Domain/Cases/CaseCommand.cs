using NodaTime;

namespace CaseFlow.Domain.Cases;

/// <summary>A request to change a case. <see cref="Today"/> is the Asia/Almaty date when the command is decided (commands carry "now").</summary>
public abstract record CaseCommand(CaseId CaseId, string Actor, LocalDate Today);

public sealed record OpenCase(CaseId CaseId, Person Person, HostPartyId HostPartyId, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

public sealed record RecordEntry(CaseId CaseId, LocalDate Date, string BorderPoint, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

public sealed record RecordNotification(CaseId CaseId, LocalDate Date, NotificationChannel Channel, string? Reference, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);

public sealed record RecordExit(CaseId CaseId, LocalDate Date, string Actor, LocalDate Today) : CaseCommand(CaseId, Actor, Today);
