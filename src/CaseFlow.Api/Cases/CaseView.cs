using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Api.Cases;

/// <summary>What users ask of a case first: where the person is, the notification, and the live evaluation as of today (Asia/Almaty).</summary>
public sealed record CaseView(
    Guid Id,
    Guid HostPartyId,
    long Version,
    Person Person,
    bool InCountry,
    LocalDate? LastEntry,
    LocalDate? LastExit,
    NotificationStatus NotificationStatus,
    LocalDate? LastNotified,
    Evaluation Evaluation)
{
    public static CaseView From(LoadedCase c, RuleCatalogue catalogue, LocalDate today) => new(
        c.Id.Value, c.State.HostPartyId!.Value.Value, c.Version, c.State.Person!, c.State.InCountry, c.State.LastEntry, c.State.LastExit,
        c.State.Notification, c.State.LastNotified, RulesEngine.Evaluate(catalogue, CaseFactsMapper.From(c.Events), today));
}
