using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Core.Cases;

public sealed record NextDeadline(DeadlineKind Kind, LocalDate Due);

/// <summary>
/// What users ask of a case first: where the person is, on what basis, the last lawful day and the days left, the next deadline,
/// the open fine exposure and the catalogue version, plus the full evaluation as of today (Asia/Almaty).
/// </summary>
public sealed record CaseView(
    Guid Id,
    Guid HostPartyId,
    long Version,
    Person Person,
    string Status,
    bool InCountry,
    StayBasisKind? Basis,
    LocalDate? LastEntry,
    LocalDate? LastExit,
    NotificationStatus NotificationStatus,
    LocalDate? LastNotified,
    LocalDate? PermittedUntil,
    int? DaysLeft,
    NextDeadline? NextDeadline,
    FineTotal FineExposure,
    string CatalogueVersion,
    Evaluation Evaluation)
{
    /// <summary>The person's data was erased (crypto-shredded): names, passport and birth date read as erased.</summary>
    public bool PersonalDataErased => Person.Erased;

    public static CaseView From(LoadedCase c, RuleCatalogue catalogue, LocalDate today, HostPartySizes? sizes)
    {
        var evaluation = c.Evaluate(catalogue, sizes, today);
        var status = CaseStatusProjection.StatusOf(c.State, evaluation);
        var next = CaseStatusProjection.NextDeadline(evaluation, c.State.InCountry);
        // Lawful days left including today: 1 on the last lawful day, 0 once overstaying.
        int? daysLeft = c.State.InCountry && evaluation.PermittedUntil is { } until ? Math.Max(0, Period.DaysBetween(today, until) + 1) : null;
        return new CaseView(
            c.Id.Value, c.HostPartyId, c.Version, c.State.Person!, status, c.State.InCountry, c.State.LastEntry is null ? null : evaluation.Basis,
            c.State.LastEntry, c.State.LastExit, c.State.Notification, c.State.LastNotified, evaluation.PermittedUntil, daysLeft,
            c.State.Closed || next is null ? null : new NextDeadline(next.Kind, next.Due),
            FineTotal.Of(evaluation.Fines),
            evaluation.CatalogueVersion, evaluation);
    }
}
