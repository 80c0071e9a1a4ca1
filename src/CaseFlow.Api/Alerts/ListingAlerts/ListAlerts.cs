using System.Text.RegularExpressions;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Security;
using CaseFlow.Domain.Cases;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Alerts;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Alerts.ListingAlerts;

/// <summary>An alert in the inbox: who it is about, what is due when, the fine at risk, and who did what when (by name).</summary>
public sealed record InboxAlert(Guid Id, Guid CaseId, string? PersonName, Guid HostPartyId, string Kind, string Level, LocalDate Due, LocalDate RaisedOn, string Message,
    string Rule, int? FineArticle, decimal? FineMci, decimal? FineTenge, string State, Instant RaisedAt, Instant? AcknowledgedAt, string? AcknowledgedBy,
    string? AcknowledgedByName, Instant? ResolvedAt, string? ResolvedBy, string? ResolvedByName, string? Resolution, string ETag);

public sealed record AlertPage(IReadOnlyList<InboxAlert> Items, int Page, int PageSize, long Total);

/// <summary>
/// <c>GET /api/alerts?hostParty=&amp;caseId=&amp;kind=&amp;level=&amp;state=&amp;sort=&amp;page=&amp;pageSize=</c>: the compliance inbox, the caller's
/// host parties only. <c>state</c> "open" is every alert not resolved; <c>sort</c> one of due, -due, raisedAt, -raisedAt (default),
/// fine, -fine, kind, level; pages from 1, 1 to 200 alerts each (default 50). An unknown filter value is 400, naming the parameter.
/// </summary>
public static partial class ListAlertsEndpoint
{
    /// <summary>The levels alerts are raised at: named ones, lead days before a date (<c>7d</c>) and days of overstay (<c>day4</c>).</summary>
    [GeneratedRegex("^(reminder|due|missed|opened|closingSoon|invalid|repeat|[1-9][0-9]{0,2}d|day[1-9][0-9]{0,2})$")]
    private static partial Regex Level();

    public static void MapListAlerts(this RouteGroupBuilder alerts) => alerts.MapGet("", async (
        HttpContext http, NpgsqlDataSource db, DataKeys keys, Guid? hostParty, Guid? caseId, string? kind, string? level, string? state, string? sort, int? page, int? pageSize,
        CancellationToken ct) =>
    {
        var principal = http.Principal()!;
        if (state is not null && !AlertProjection.States.Contains(state)) return Problems.Validation("state", $"one of {string.Join(", ", AlertProjection.States)}");
        if (kind is not null && !AlertRules.Kinds.Contains(kind)) return Problems.Validation("kind", $"one of {string.Join(", ", AlertRules.Kinds)}");
        if (level is not null && !Level().IsMatch(level))
            return Problems.Validation("level", "an alert level such as reminder, due, missed, 7d or day4");
        var order = sort ?? "-raisedAt";
        if (!AlertProjection.Sorts.ContainsKey(order)) return Problems.Validation("sort", $"one of {string.Join(", ", AlertProjection.Sorts.Keys)}");
        if (page is < 1 or > 100_000) return Problems.Validation("page", "a page number from 1 to 100000");
        if (pageSize is < 1 or > 200) return Problems.Validation("pageSize", "from 1 to 200");
        var hosts = hostParty is { } h ? (principal.HostParties.Contains(h) ? [h] : Array.Empty<Guid>()) : principal.HostParties.ToArray();

        var query = new AlertQuery(hosts, kind, state, level, caseId, order, page ?? 1, pageSize ?? 50);
        var (items, total) = await AlertProjection.ListAsync(db, query, ct);
        Guid[] cases = [.. items.Select(a => a.CaseId).Distinct()];
        var opened = await keys.LoadAsync(db, cases, ct); // one load: the names and the resolutions
        var people = await CaseStatusProjection.NamesAsync(db, opened, cases, hostParty: null, ct);
        await PersonalDataAccess.RecordAsync(http, [.. items.Select(a => a.CaseId).Distinct()]);
        var actors = await UserStore.ActorNamesAsync(db, items.SelectMany(a => new[] { a.AcknowledgedBy, a.ResolvedBy }), ct);
        return Results.Ok(new AlertPage([.. items.Select(a => new InboxAlert(a.Id, a.CaseId, people.GetValueOrDefault(a.CaseId), a.HostPartyId, a.Kind, a.Level, a.Due,
            a.RaisedOn, a.Message, a.Rule, a.FineArticle, a.FineMci, a.FineTenge, a.State, a.RaisedAt, a.AcknowledgedAt, a.AcknowledgedBy,
            a.AcknowledgedBy is null ? null : actors[a.AcknowledgedBy], a.ResolvedAt, a.ResolvedBy, a.ResolvedBy is null ? null : actors[a.ResolvedBy],
            a.Opened(opened).Resolution,
            ETags.Format(a.Version)))], query.Page, query.PageSize, total));
    })
    .RequireRoles(Role.Compliance, Role.Auditor)
    .WithName("ListAlerts")
    .Produces<AlertPage>()
    .ProducesValidationProblem();
}
