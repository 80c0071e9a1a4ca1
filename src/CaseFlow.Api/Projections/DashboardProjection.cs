using CaseFlow.Api.Cases;
using CaseFlow.Domain.Rules;
using NpgsqlTypes;

namespace CaseFlow.Api.Projections;

/// <summary>
/// Per case, what the host-party dashboard adds up: status, next deadline, the day an in-country stay turns into an overstay,
/// and the fine exposure. "At risk in the next 7/30 days" and "overstaying today" are computed when the dashboard is read.
/// </summary>
public sealed class DashboardProjection(RuleCatalogue catalogue) : CaseProjection(catalogue)
{
    public const string TableName = "dashboard_cases";

    public override string Name => "dashboard";
    protected override string Table => TableName;

    protected override IReadOnlyList<Column> Columns { get; } =
    [
        new("case_id", NpgsqlDbType.Uuid), new("host_party_id", NpgsqlDbType.Uuid), new("status", NpgsqlDbType.Text), new("next_due", NpgsqlDbType.Date),
        new("overstay_from", NpgsqlDbType.Date), new("fine_mci", NpgsqlDbType.Numeric), new("fine_tenge", NpgsqlDbType.Numeric),
    ];

    protected override IEnumerable<object?[]> Rows(LoadedCase c, Evaluation? evaluation)
    {
        var status = CaseStatusProjection.StatusOf(c.State, evaluation);
        var next = evaluation is null || c.State.Closed ? null : CaseStatusProjection.NextDeadline(evaluation, c.State.InCountry);
        var overstayFrom = c.State.InCountry && evaluation?.PermittedUntil is { } until ? until.PlusDays(1).ToDateOnly() : (DateOnly?)null;
        var fines = FineTotal.Of(evaluation?.Fines ?? []);
        yield return [c.Id.Value, c.HostPartyId, status, next?.Due.ToDateOnly(), overstayFrom, fines.Mci, fines.Tenge];
    }
}
