using CaseFlow.Api.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore.Projections;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Api.Projections;

/// <summary>
/// Per case, what the host-party dashboard adds up: status, next deadline, the day an in-country stay turns into an overstay,
/// and the fine exposure. "At risk in the next 7/30 days" and "overstaying today" are computed when the dashboard is read.
/// </summary>
public sealed class DashboardProjection(RuleCatalogue catalogue) : CaseProjection(catalogue)
{
    public const string Table = "dashboard_cases";

    public override string Name => "dashboard";
    public override IReadOnlyList<string> Tables => [Table];

    public override string CreateSql(Func<string, string> table) => $"""
        CREATE TABLE IF NOT EXISTS {table(Table)} (
            case_id uuid PRIMARY KEY, host_party_id uuid NOT NULL, status text NOT NULL, next_due date, overstay_from date,
            fine_mci numeric NOT NULL, fine_tenge numeric);
        CREATE INDEX IF NOT EXISTS {table(Table)}_host ON {table(Table)} (host_party_id);
        """;

    protected override async Task ApplyCaseAsync(ProjectionContext context, LoadedCase c, Evaluation? evaluation, CancellationToken ct)
    {
        await DeleteCaseRowsAsync(context, Table, c.Id.Value, ct);
        var status = c.State.Closed ? "closed" : c.State.LastEntry is null ? "notArrived" : !c.State.InCountry ? "left"
            : evaluation?.OverstayDays > 0 ? "overstaying" : "inCountry";
        var next = evaluation is null || c.State.Closed ? null : CaseStatusProjection.NextDeadline(evaluation, c.State.InCountry);
        await using var insert = new NpgsqlCommand($"INSERT INTO {context.Table(Table)} VALUES ($1, $2, $3, $4, $5, $6, $7)", context.Connection, context.Transaction);
        insert.Parameters.Add(new() { Value = c.Id.Value });
        insert.Parameters.Add(new() { Value = c.HostPartyId });
        insert.Parameters.Add(new() { Value = status });
        insert.Parameters.Add(new() { Value = (object?)next?.Due.ToDateOnly() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
        insert.Parameters.Add(new() { Value = (object?)(c.State.InCountry && evaluation?.PermittedUntil is { } until ? until.PlusDays(1).ToDateOnly() : null) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
        insert.Parameters.Add(new() { Value = evaluation?.Fines.Sum(f => f.Mci) ?? 0m });
        insert.Parameters.Add(new() { Value = evaluation is null ? 0m : evaluation.Fines.Any(f => f.Tenge is null) ? DBNull.Value : evaluation.Fines.Sum(f => f.Tenge!.Value), NpgsqlDbType = NpgsqlDbType.Numeric });
        await insert.ExecuteNonQueryAsync(ct);
    }
}
