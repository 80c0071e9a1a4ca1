using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Api.Rules;

/// <summary>
/// The facts document <c>/api/evaluate</c> and <c>/api/plan</c> read, as the OpenAPI document shows it (the reading itself is
/// <c>CaseFactsReader</c>, strict and bounded; docs/rules.md, "Input").
/// </summary>
/// <param name="Person">The person: nationality (ISO 3166-1 alpha-2) and, when known, the birth date (children under 16 need no TRP).</param>
/// <param name="Events">What happened, in any order: Entered, Exited, Notified, VisaIssued, VisaExtended, CategoryChanged, VisaCancelled, ResidencePermitIssued, AddressChanged, PassportReplaced.</param>
/// <param name="HostParty">The host party's size, which sets art. 518 amounts.</param>
public sealed record FactsDocument(FactsPerson Person, IReadOnlyList<FactsEvent> Events, FactsHostParty? HostParty = null);

public sealed record FactsPerson(string Nationality, LocalDate? BirthDate = null);

public sealed record FactsHostParty(HostPartySize Size);

/// <param name="Type">The event type, e.g. Entered.</param>
/// <param name="Date">The business date (Asia/Almaty).</param>
public sealed record FactsEvent(string Type, LocalDate Date, string? Category = null, VisaEntries? Entries = null, LocalDate? ValidFrom = null, LocalDate? ValidTo = null,
    int? StayPerEntryDays = null, bool? EVisa = null, string? To = null);

/// <summary>A query parameter an endpoint reads itself (a date that may also be in the body), shown in the OpenAPI document.</summary>
public sealed record QueryParameter(string Name, bool Required, string Description);
