using System.Collections.Concurrent;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Input;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using Microsoft.Extensions.Logging;
using NodaTime;
using Npgsql;

namespace CaseFlow.Core.Imports;

public enum ImportOutcome { Created, Skipped, Rejected }

/// <summary>One CSV row's result. <see cref="Row"/> is the 1-based line number (the header is line 1).</summary>
public sealed record ImportRowResult(int Row, ImportOutcome Outcome, Guid? CaseId, string? Reason);

public sealed record ImportReport(int Created, int Skipped, int Rejected, IReadOnlyList<ImportRowResult> Rows);

/// <summary>
/// Imports a host party's existing caseload from CSV (docs/import-sample.csv): one row per person with its stays, visas and
/// notifications. Each row is decided by the case decider as a whole in memory, so a rejected row leaves nothing behind; the
/// accepted rows are stored <see cref="BatchRows"/> at a time, each batch in one transaction of a few round trips (a batch the
/// database refuses is stored row by row). A person the host party already has a case for (same nationality and passport) is
/// skipped, so re-importing the same file changes nothing. Columns: familyName, givenNames, nationality, birthDate, passportNumber, passportExpiry,
/// stays (<c>entry/exit;entry/</c>), visas (<c>category:single|multiple:validFrom:validTo[:stayPerEntryDays]</c>; ...),
/// notified (<c>date;date</c>).
/// </summary>
public sealed class CaseImporter(CaseRepository cases, RuleCatalogue catalogue, NpgsqlDataSource db, ILogger<CaseImporter> log)
{
    public static readonly string[] Columns = ["familyName", "givenNames", "nationality", "birthDate", "passportNumber", "passportExpiry", "stays", "visas", "notified"];

    /// <summary>Data rows one HTTP request may carry (the CLI streams any number through the same per-row path).</summary>
    public const int MaxRows = 10_000;

    public Task<ImportReport> ImportAsync(TextReader csv, HostPartyId host, string actor, LocalDate today, IProgress<int>? progress = null, CancellationToken ct = default) =>
        ImportAsync(Csv.Read(csv).ToList(), host, actor, today, progress, ct);

    public async Task<ImportReport> ImportAsync(IReadOnlyList<string[]> rows, HostPartyId host, string actor, LocalDate today, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var results = new List<ImportRowResult>();
        if (rows.Count == 0) return new ImportReport(0, 0, 0, results);
        var header = rows[0].Select(h => h.Trim()).ToArray();
        var missing = Columns.Take(5).Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
            return new ImportReport(0, 0, 1, [new ImportRowResult(1, ImportOutcome.Rejected, null, $"header lacks column(s): {string.Join(", ", missing)}")]);
        var metadata = new EventMetadata(actor, Guid.CreateVersion7(), null, catalogue.Version);
        var pending = new List<DecidedRow>();
        var imported = new ConcurrentDictionary<(string, string), Guid>(); // people this file has created a case for
        // A person repeated in the file waits for the end, when the first row for them is stored: batches can then go concurrently.
        var people = new HashSet<(string, string)>();
        var repeats = new List<DecidedRow>();
        var storing = new List<Task<IReadOnlyList<ImportRowResult>>>();
        var slots = new SemaphoreSlim(ConcurrentBatches); // not disposed: a batch still running releases it
        async Task<IReadOnlyList<ImportRowResult>> StoreInSlotAsync(List<DecidedRow> batch)
        {
            try
            {
                return await StoreAsync(batch, host, metadata, imported, ct);
            }
            finally
            {
                slots.Release();
            }
        }
        for (var i = 1; i < rows.Count; i++)
        {
            if (rows[i].All(string.IsNullOrWhiteSpace)) continue;
            var decided = Decide(i + 1, header, rows[i], host, actor, today);
            if (decided.Rejected is { } rejected) results.Add(rejected);
            else if (!people.Add(decided.Key)) repeats.Add(decided);
            else pending.Add(decided);
            if (pending.Count < BatchRows) continue;
            await slots.WaitAsync(ct);
            storing.Add(StoreInSlotAsync([.. pending]));
            pending.Clear();
            progress?.Report(i);
        }
        await slots.WaitAsync(ct);
        storing.Add(StoreInSlotAsync(pending));
        foreach (var batch in await Task.WhenAll(storing)) results.AddRange(batch);
        results.AddRange(await StoreAsync(repeats, host, metadata, imported, ct));
        progress?.Report(rows.Count - 1);
        results.Sort((x, y) => x.Row.CompareTo(y.Row));
        return new ImportReport(results.Count(r => r.Outcome == ImportOutcome.Created), results.Count(r => r.Outcome == ImportOutcome.Skipped),
            results.Count(r => r.Outcome == ImportOutcome.Rejected), results);
    }

    /// <summary>Rows stored per transaction: a batch costs the same few round trips whatever its size.</summary>
    public const int BatchRows = 500;

    /// <summary>Batches stored at once, each on its own connection: one batch's encoding and hashing overlaps another's writes.</summary>
    public const int ConcurrentBatches = 2;

    /// <summary>A row decided in memory: its events, or why it is rejected.</summary>
    private sealed record DecidedRow(int Line, CaseId Id, IReadOnlyList<CaseEvent> Events, Person? Person, ImportRowResult? Rejected)
    {
        public (string, string) Key => (Person!.Nationality, Person.PassportNumber);
    }

    private DecidedRow Decide(int line, string[] header, string[] row, HostPartyId host, string actor, LocalDate today)
    {
        string Field(string name) => Array.IndexOf(header, name) is var i and >= 0 && i < row.Length ? row[i].Trim() : "";
        var id = CaseId.New();
        DecidedRow Reject(string reason) => new(line, id, [], null, new ImportRowResult(line, ImportOutcome.Rejected, null, reason));
        List<CaseCommand> commands;
        try
        {
            commands = ImportRows.Commands(id, Field, host, actor, today);
        }
        catch (FormatException e)
        {
            return Reject(e.Message);
        }
        foreach (var (name, i) in header.Select((h, i) => (h, i)))
            if (i < row.Length && InputRules.StringProblem(name, row[i]) is { } problem)
                return Reject($"{name}: {problem}");

        var state = CaseState.Initial;
        var events = new List<CaseEvent>();
        foreach (var command in commands)
        {
            var decision = CaseDecider.Decide(command, state, catalogue);
            if (decision.Rejection is { } r) return Reject($"{r.Code}: {r.Message}");
            events.AddRange(decision.Events);
            state = decision.Events.Aggregate(state, CaseState.Evolve);
        }
        return new DecidedRow(line, id, events, state.Person, null);
    }

    /// <summary>
    /// Stores a batch of decided rows in one transaction: people the host party already has (one query) or this file already created
    /// are skipped; the rest are opened together (<see cref="CaseRepository.OpenManyAsync"/>). When the database refuses the batch (a
    /// concurrent import created one of its people, or a row it will not store), each row goes alone, so the report stays per row.
    /// </summary>
    private async Task<IReadOnlyList<ImportRowResult>> StoreAsync(IReadOnlyList<DecidedRow> batch, HostPartyId host, EventMetadata metadata,
        ConcurrentDictionary<(string, string), Guid> imported, CancellationToken ct)
    {
        if (batch.Count == 0) return [];
        var results = new List<ImportRowResult>();
        var fresh = new List<DecidedRow>();
        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            var existing = await CaseStatusProjection.FindPeopleAsync(connection, cases.DataKeys.Ring, host.Value, [.. batch.Select(b => b.Key)], ct);
            var inBatch = new Dictionary<(string, string), Guid>();
            for (var i = 0; i < batch.Count; i++)
            {
                var b = batch[i];
                if (existing.TryGetValue(i, out var known) || imported.TryGetValue(b.Key, out known) || inBatch.TryGetValue(b.Key, out known))
                    results.Add(AlreadyImported(b.Line, known));
                else
                {
                    inBatch[b.Key] = b.Id.Value;
                    fresh.Add(b);
                }
            }
            if (fresh.Count == 0) return results;
            await using var tx = await connection.BeginTransactionAsync(ct);
            try
            {
                await cases.OpenManyAsync(connection, tx, [.. fresh.Select(b => (b.Id, b.Events))], metadata, ct);
                await tx.CommitAsync(ct);
                foreach (var b in fresh) imported[b.Key] = b.Id.Value;
                results.AddRange(fresh.Select(b => new ImportRowResult(b.Line, ImportOutcome.Created, b.Id.Value, null)));
                return results;
            }
            catch (PostgresException e)
            {
                log.LogWarning("Import batch of {Rows} rows refused by the database ({SqlState}); storing its rows one by one", fresh.Count, e.SqlState);
                await tx.RollbackAsync(ct);
            }
        }
        results.Clear();
        foreach (var b in batch) results.Add(await StoreRowAsync(b, host, metadata, imported, ct));
        return results;
    }

    private static ImportRowResult AlreadyImported(int line, Guid? existing) =>
        new(line, ImportOutcome.Skipped, existing, $"already imported: the host party has case {existing} for this nationality and passport");

    /// <summary>One row in its own transaction: a row the database refuses is that row's problem, rolled back and reported.</summary>
    private async Task<ImportRowResult> StoreRowAsync(DecidedRow row, HostPartyId host, EventMetadata metadata, ConcurrentDictionary<(string, string), Guid> imported, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            await cases.AppendAsync(connection, tx, null, row.Id, row.Events, metadata, ct);
            await tx.CommitAsync(ct);
            imported[row.Key] = row.Id.Value;
            return new ImportRowResult(row.Line, ImportOutcome.Created, row.Id.Value, null);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == CaseStatusProjection.PersonConstraint)
        {
            await tx.RollbackAsync(ct);
            return AlreadyImported(row.Line, await CaseStatusProjection.FindPersonAsync(db, cases.DataKeys.Ring, host.Value, row.Person!.Nationality, row.Person.PassportNumber, ct));
        }
        catch (PostgresException e)
        {
            log.LogWarning("Import row {Line} refused by the database ({SqlState})", row.Line, e.SqlState);
            return new ImportRowResult(row.Line, ImportOutcome.Rejected, null, "the row could not be stored; nothing of it was kept");
        }
    }
}
