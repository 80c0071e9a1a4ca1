using NodaTime;

namespace CaseFlow.Domain.Rules;

public enum DeadlineKind { ArrivalNotification, ExtensionWindowOpens, ExtensionWindowCloses, Exit, ExitVisaExpiry, ResidencePermitRequired }

/// <summary>
/// Open: can still be met. Met: met in time. Missed: its day passed unmet (or it was met late). NotApplicable: it can never fall due
/// while the person is lawfully here, because the stay ends first (the exit deadline binds) or the person left before it fell due.
/// </summary>
public enum DeadlineStatus { Open, Met, Missed, NotApplicable }

public enum FineParty { Foreigner, HostParty }

/// <summary>Use of one limit. The window is inclusive at both ends; <see cref="Used"/> counts days of stay inside it up to the as-of date
/// (entry and exit days both count) and never exceeds the window's length.</summary>
public sealed record LimitUsage(string Rule, LimitKind Kind, LocalDate WindowStart, LocalDate WindowEnd, int Used, int Max);

/// <summary>A dated obligation. <see cref="Due"/> is the last day on which it can be met (inclusive). <see cref="MetOn"/> is the date of
/// the fact that fulfilled it, also when that was late (status missed): a deadline with <see cref="MetOn"/> needs no more action.</summary>
public sealed record Deadline(DeadlineKind Kind, LocalDate Due, DeadlineStatus Status, string Rule, LocalDate? MetOn = null)
{
    /// <summary>Still calls for action: open or missed, and not fulfilled late either.</summary>
    public bool Outstanding => Status is DeadlineStatus.Open or DeadlineStatus.Missed && MetOn is null;
}

/// <summary>A fine a party is exposed to. <see cref="Tenge"/> = <see cref="Mci"/> × the MCI of the offence date's year (null when that MCI is unknown).</summary>
public sealed record FineExposure(int Article, FineParty Party, string Tier, decimal Mci, decimal? Tenge, string Rule, LocalDate OffenceDate);

/// <summary>The sum of some fines: MCI always; tenge only when every fine's tenge is known (null otherwise).</summary>
public sealed record FineTotal(decimal Mci, decimal? Tenge)
{
    public static FineTotal Of(IEnumerable<FineExposure> fines)
    {
        var list = fines as IReadOnlyCollection<FineExposure> ?? [.. fines];
        return new FineTotal(list.Sum(f => f.Mci), list.Any(f => f.Tenge is null) ? null : list.Sum(f => f.Tenge!.Value));
    }
}

/// <summary>What was true on <see cref="AsOf"/>, judged from facts dated on or before it, with the rule behind every figure.</summary>
public sealed record Evaluation(
    LocalDate AsOf,
    string CatalogueVersion,
    bool InCountry,
    StayBasisKind? Basis,
    string? Regime,
    LocalDate? PermittedUntil,
    string? BindingRule,
    IReadOnlyList<LimitUsage> Limits,
    int OverstayDays,
    IReadOnlyList<Deadline> Deadlines,
    IReadOnlyList<FineExposure> Fines,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Every offence of every stay up to the as-of date (the offence register; <see cref="Fines"/> are the latest stay's).</summary>
    public IReadOnlyList<FineExposure> Offences { get; init; } = [];
}

/// <summary>The answer of <see cref="RulesEngine.Plan"/>: the longest lawful stay entering on <see cref="Entry"/>
/// (<see cref="MaxDays"/> days, last lawful day <see cref="LastDay"/>, null when none), and for a planned exit whether it complies.</summary>
public sealed record PlanResult(
    LocalDate Entry,
    string CatalogueVersion,
    int MaxDays,
    LocalDate? LastDay,
    string? BindingRule,
    LocalDate? Exit,
    bool? Compliant,
    LocalDate? FirstViolation,
    IReadOnlyList<string> Warnings);
