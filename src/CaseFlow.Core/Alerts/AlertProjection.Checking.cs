using System.Security.Cryptography;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Projections;
using CaseFlow.Core.Security;
using CaseFlow.Domain.Alerts;
using CaseFlow.Domain.Cases;
using CaseFlow.EventStore;
using NodaTime;
using Npgsql;

namespace CaseFlow.Core.Alerts;

public sealed partial class AlertProjection
{
    /// <summary>An inbox row as the alert events say it, with the instants of the events that made it.</summary>
    private sealed record ExpectedAlert(Guid CaseId, Guid HostPartyId, AlertRaised Raised, Instant RaisedAt)
    {
        public string State { get; set; } = "raised";
        public string? AcknowledgedBy { get; set; }
        public Instant? AcknowledgedAt { get; set; }
        public string? ResolvedBy { get; set; }
        public string? Resolution { get; set; }
        public Instant? ResolvedAt { get; set; }
        public int Version { get; set; } = 1;

        /// <summary>The compared columns, in <see cref="Columns"/>' order (the resolution apart: it is sealed).</summary>
        public object?[] Values() =>
        [
            Raised.AlertId, CaseId, HostPartyId, Raised.Kind, Raised.Level, Raised.Due.ToDateOnly(), Raised.RaisedOn.ToDateOnly(), Raised.Message, Raised.Rule,
            Raised.FineArticle, Raised.FineMci, Raised.FineTenge, State, AcknowledgedBy, ResolvedBy,
            RaisedAt.ToDateTimeUtc(), AcknowledgedAt?.ToDateTimeUtc(), ResolvedAt?.ToDateTimeUtc(), Version,
        ];
    }

    private static readonly string[] Columns =
        ["id", "case_id", "host_party_id", "kind", "level", "due", "raised_on", "message", "rule", "fine_article", "fine_mci", "fine_tenge", "state", "acknowledged_by", "resolved_by",
         "raised_at", "acknowledged_at", "resolved_at", "version"];

    /// <summary>
    /// Compares every inbox row with the alert events of its case (ADR 26): an alert an insider resolved, acknowledged, re-dated or
    /// deleted in SQL, or one they made up, shows as drift (its alert id and columns). With <paramref name="repair"/> the drifted rows
    /// are written again from the events and made-up ones deleted, holding the cases' alert streams (a stream appended to meanwhile is
    /// left to its own append). The instants raised, acknowledged and resolved are compared with their events' (an acknowledgement
    /// back-dated to before its deadline is drift); the row's last change (<c>updated_at</c>) is not; a repair sets it from the events.
    /// </summary>
    public static Task<RowCheckResult> CheckAsync(NpgsqlDataSource db, DataKeys dataKeys, bool repair, CancellationToken ct, int page = 500) =>
        RowCheck.RunAsync(db, async (connection, ids, fix, token) =>
            {
                var (drifts, expected, versions) = await CompareAsync(connection, dataKeys, ids, [], token);
                return (drifts, fix && drifts.Count > 0 ? await RepairAsync(connection, drifts, expected, versions, token) : 0);
            },
            "SELECT id, case_id FROM alerts WHERE id > $1 ORDER BY id LIMIT $2",
            "DELETE FROM alerts WHERE id = ANY($1)",
            repair, page, ct,
            // A case's page read the rows in its order (ADR 28) and those its events raised; any other row of it is read here.
            (row, caseId) => IsInCaseOrder(row, caseId),
            async (connection, rows, fix, token) =>
            {
                var unread = rows.Select(r => r.Row).ToHashSet();
                var (drifts, expected, versions) = await CompareAsync(connection, dataKeys, [.. rows.Select(r => r.Case).Distinct()], unread, token);
                var madeUp = drifts.Where(d => unread.Contains(d.Id) && !expected.ContainsKey(d.Id)).ToList(); // the rest its case's page named
                return (madeUp, fix && madeUp.Count > 0 ? await RepairAsync(connection, madeUp, expected, versions, token) : 0);
            });

    private static bool IsInCaseOrder(Guid row, Guid caseId)
    {
        var (first, last) = AlertIds.RangeOf(new CaseId(caseId));
        return first.CompareTo(row) <= 0 && row.CompareTo(last) <= 0;
    }

    private static async Task<(List<RowDrift> Drifts, Dictionary<Guid, (ExpectedAlert Alert, CaseKeys Keys)> Expected, Dictionary<Guid, (Guid Stream, long Version)> Versions)>
        CompareAsync(NpgsqlConnection connection, DataKeys dataKeys, IReadOnlyList<Guid> ids, HashSet<Guid> alsoRows, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var alertStreams = await AlertRepository.StreamsForAsync(connection, tx, ids, ct);
        var streams = (await PostgresEventStore.ReadStreamsAsync(connection, tx, [.. ids, .. alertStreams.Values], ct)).GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => g.ToList());
        var keys = await dataKeys.LoadAsync(connection, tx, ids, ct);
        var expected = new Dictionary<Guid, (ExpectedAlert Alert, CaseKeys Keys)>();
        var versions = new Dictionary<Guid, (Guid Stream, long Version)>();
        foreach (var id in ids)
        {
            if (!streams.TryGetValue(id, out var caseEvents)) continue;
            var alertEvents = streams.GetValueOrDefault(alertStreams[id]) ?? [];
            versions[id] = (alertStreams[id], alertEvents.Count == 0 ? 0 : alertEvents[^1].Version);
            try
            {
                var host = LoadedCase.From(id, caseEvents, keys).HostPartyId;
                // Alerts recorded on the case stream before issue 11 first, then the alert stream's.
                foreach (var recorded in caseEvents.Where(e => AlertRepository.IsAlertEvent(e.Type)).Concat(alertEvents))
                    Fold(expected, keys, id, host, keys.Decode(recorded), recorded.RecordedAt);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                versions.Remove(id); // events no reader knows: verify names them; nothing here to compare with
            }
        }
        // Each case's rows in its order are read by its range; by id only the others its events raised (before ADR 28), and alsoRows.
        var stored = await StoredAsync(connection, tx, [.. expected.Where(e => !IsInCaseOrder(e.Key, e.Value.Alert.CaseId)).Select(e => e.Key), .. alsoRows], ids, ct);
        await tx.CommitAsync(ct);
        var drifts = new List<RowDrift>();
        foreach (var (alertId, (alert, caseKeys)) in expected.OrderBy(e => e.Key))
        {
            if (!stored.Remove(alertId, out var row)) { drifts.Add(new RowDrift(alertId, [RowCheck.WholeRow])); continue; }
            var values = alert.Values();
            var columns = Enumerable.Range(0, Columns.Length).Where(i => !RowCheck.Same(values[i], row.Values[i])).Select(i => Columns[i]).ToList();
            if (!SameResolution(caseKeys, alert, row.Resolution)) columns.Add("resolution");
            if (columns.Count > 0) drifts.Add(new RowDrift(alertId, columns));
        }
        // What is left was raised by no event of these cases: made up (kept in versions so a repair deletes it). One in another case's
        // range is named by the walk over every row, under the case it names.
        drifts.AddRange(stored.Where(s => versions.ContainsKey(s.Value.CaseId) && (IsInCaseOrder(s.Key, s.Value.CaseId) || alsoRows.Contains(s.Key)))
            .OrderBy(s => s.Key).Select(s => new RowDrift(s.Key, [RowCheck.WholeRow])));
        return (drifts, expected, versions);
    }

    private static void Fold(Dictionary<Guid, (ExpectedAlert Alert, CaseKeys Keys)> expected, CaseKeys keys, Guid caseId, Guid host, CaseEvent e, Instant at)
    {
        // As the inline projection applies them: an insert per raise, an update per acknowledgement or resolution, each moving the version.
        switch (e)
        {
            case AlertRaised r:
                expected.TryAdd(r.AlertId, (new ExpectedAlert(caseId, host, r, at), keys));
                break;
            case AlertAcknowledged a when expected.TryGetValue(a.AlertId, out var x):
                (x.Alert.State, x.Alert.AcknowledgedBy, x.Alert.AcknowledgedAt) = ("acknowledged", a.RecordedBy, at);
                x.Alert.Version++;
                break;
            case AlertResolved r when expected.TryGetValue(r.AlertId, out var x):
                (x.Alert.State, x.Alert.ResolvedBy, x.Alert.Resolution, x.Alert.ResolvedAt) = ("resolved", r.RecordedBy, r.Reason, at);
                x.Alert.Version++;
                break;
        }
    }

    private static bool SameResolution(CaseKeys keys, ExpectedAlert alert, byte[]? stored)
    {
        if (alert.Resolution is null || stored is null) return alert.Resolution is null && stored is null;
        if (keys.IsErased(alert.CaseId)) return true; // the key is gone: nothing can open it, nothing to compare
        try
        {
            return keys.Open(alert.CaseId, stored) == alert.Resolution;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private sealed record StoredAlert(Guid CaseId, object?[] Values, byte[]? Resolution);

    /// <summary>
    /// Every row in each case's id range (ADR 28: one range of the primary key a case) and the rows of <paramref name="alertIds"/> (by
    /// the primary key): a made-up alert in its case's order is found, open or resolved. A row of a case outside its range is read
    /// by the check's walk over all rows (<see cref="CheckAsync"/>).
    /// </summary>
    private static async Task<Dictionary<Guid, StoredAlert>> StoredAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] alertIds, IReadOnlyList<Guid> caseIds,
        CancellationToken ct)
    {
        var ranges = caseIds.Select(id => AlertIds.RangeOf(new CaseId(id))).ToArray();
        await using var command = new NpgsqlCommand($"""
            SELECT {string.Join(", ", Columns)}, resolution FROM alerts WHERE id = ANY($1)
            UNION ALL
            SELECT {string.Join(", ", Columns.Select(c => "a." + c))}, a.resolution FROM unnest($2::uuid[], $3::uuid[]) AS r(first, last) JOIN alerts a ON a.id BETWEEN r.first AND r.last
            """, connection, tx)
        {
            Parameters =
            {
                new() { Value = alertIds }, new() { Value = ranges.Select(r => r.First).ToArray() }, new() { Value = ranges.Select(r => r.Last).ToArray() },
            },
        };
        var rows = new Dictionary<Guid, StoredAlert>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
        {
            var values = new object?[Columns.Length];
            for (var i = 0; i < Columns.Length; i++)
                values[i] = row.IsDBNull(i) ? null : row.GetValue(i); // date as DateOnly, numeric as decimal: Npgsql's defaults
            rows[row.GetGuid(0)] = new StoredAlert(row.GetGuid(1), values, row.IsDBNull(Columns.Length) ? null : row.GetFieldValue<byte[]>(Columns.Length));
        }
        return rows;
    }

    private const string UpsertSql = """
        INSERT INTO alerts (id, case_id, host_party_id, kind, level, due, raised_on, raised_at, message, rule, fine_article, fine_mci, fine_tenge, state,
                            acknowledged_by, acknowledged_at, resolved_by, resolution, resolved_at, version, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
        ON CONFLICT (id) DO UPDATE SET (case_id, host_party_id, kind, level, due, raised_on, raised_at, message, rule, fine_article, fine_mci, fine_tenge, state,
                            acknowledged_by, acknowledged_at, resolved_by, resolution, resolved_at, version, updated_at)
            = (EXCLUDED.case_id, EXCLUDED.host_party_id, EXCLUDED.kind, EXCLUDED.level, EXCLUDED.due, EXCLUDED.raised_on, EXCLUDED.raised_at, EXCLUDED.message,
               EXCLUDED.rule, EXCLUDED.fine_article, EXCLUDED.fine_mci, EXCLUDED.fine_tenge, EXCLUDED.state, EXCLUDED.acknowledged_by, EXCLUDED.acknowledged_at,
               EXCLUDED.resolved_by, EXCLUDED.resolution, EXCLUDED.resolved_at, EXCLUDED.version, EXCLUDED.updated_at)
        """;

    /// <summary>Writes the drifted alerts again from the events and deletes the made-up ones, for the cases whose alert stream has not moved since it was read.</summary>
    private static async Task<long> RepairAsync(NpgsqlConnection connection, List<RowDrift> drifts, Dictionary<Guid, (ExpectedAlert Alert, CaseKeys Keys)> expected,
        Dictionary<Guid, (Guid Stream, long Version)> versions, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        var unmoved = await RowCheck.UnmovedAsync(connection, tx, versions.Values.ToDictionary(v => v.Stream, v => v.Version), ct);
        var cases = versions.Where(v => unmoved.Contains(v.Value.Stream)).Select(v => v.Key).ToArray();
        await using var batch = new NpgsqlBatch(connection, tx);
        foreach (var drift in drifts)
        {
            if (!expected.TryGetValue(drift.Id, out var x) || !cases.Contains(x.Alert.CaseId)) continue;
            var (a, r) = (x.Alert, x.Alert.Raised);
            var updated = new[] { a.RaisedAt, a.AcknowledgedAt ?? a.RaisedAt, a.ResolvedAt ?? a.RaisedAt }.Max();
            batch.BatchCommands.Add(Command(UpsertSql,
                r.AlertId, a.CaseId, a.HostPartyId, r.Kind, r.Level, r.Due.ToDateOnly(), r.RaisedOn.ToDateOnly(), a.RaisedAt.ToDateTimeUtc(), r.Message, r.Rule,
                r.FineArticle, r.FineMci, r.FineTenge, a.State, a.AcknowledgedBy, a.AcknowledgedAt?.ToDateTimeUtc(), a.ResolvedBy,
                a.Resolution is null ? null : x.Keys.Seal(a.CaseId, a.Resolution), a.ResolvedAt?.ToDateTimeUtc(), a.Version, updated.ToDateTimeUtc()));
        }
        var madeUp = drifts.Where(d => !expected.ContainsKey(d.Id)).Select(d => d.Id).ToArray();
        if (madeUp.Length > 0)
            batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM alerts WHERE id = ANY($1) AND case_id = ANY($2)") { Parameters = { new() { Value = madeUp }, new() { Value = cases } } });
        var written = batch.BatchCommands.Count == 0 ? 0 : await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return written;
    }
}
