using System.Text.RegularExpressions;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Security;
using Npgsql;

namespace CaseFlow.Core.Delivery;

/// <summary>
/// A digest names people only on its way out: the stored payload holds <c>{{person:case id}}</c>, replaced by "family name, given
/// names" (opened with the case's key) when the dispatcher sends it, so the outbox table holds no names and an erased person is shown
/// as erased even in a digest queued before the erasure.
/// </summary>
public static partial class DigestNames
{
    public static string Placeholder(Guid caseId) => $"{{{{person:{caseId:D}}}}}";

    /// <summary>The payload with each placeholder replaced by the person's name, of <paramref name="hostParty"/>'s cases only ("(unknown)" for any other).</summary>
    public static async Task<string> FillAsync(NpgsqlDataSource db, DataKeys keys, Guid hostParty, string payload, CancellationToken ct)
    {
        var ids = Pattern().Matches(payload).Select(m => Guid.Parse(m.Groups[1].ValueSpan)).Distinct().ToList();
        if (ids.Count == 0) return payload;
        var names = await CaseStatusProjection.NamesAsync(db, keys, ids, hostParty, ct);
        return Pattern().Replace(payload, m => names.GetValueOrDefault(Guid.Parse(m.Groups[1].ValueSpan), "(unknown)"));
    }

    [GeneratedRegex(@"\{\{person:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}\}")]
    private static partial Regex Pattern();
}
