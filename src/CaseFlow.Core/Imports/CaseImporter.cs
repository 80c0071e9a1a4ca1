using CaseFlow.Core.Cases;
using CaseFlow.Core.Input;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace CaseFlow.Core.Imports;

public enum ImportOutcome { Created, Skipped, Rejected }

/// <summary>One CSV row's result. <see cref="Row"/> is the 1-based line number (the header is line 1).</summary>
public sealed record ImportRowResult(int Row, ImportOutcome Outcome, Guid? CaseId, string? Reason);

public sealed record ImportReport(int Created, int Skipped, int Rejected, IReadOnlyList<ImportRowResult> Rows);

/// <summary>
/// Imports a host party's existing caseload from CSV (docs/import-sample.csv): one row per person with its stays, visas and
/// notifications. Each row is decided by the case decider as a whole and appended in one transaction, so a rejected row leaves
/// nothing behind; a person the host party already has a case for (same nationality and passport) is skipped, so re-importing
/// the same file changes nothing. Columns: familyName, givenNames, nationality, birthDate, passportNumber, passportExpiry,
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
        for (var i = 1; i < rows.Count; i++)
        {
            if (rows[i].All(string.IsNullOrWhiteSpace)) continue;
            results.Add(await ImportRowAsync(i + 1, header, rows[i], host, actor, today, metadata, ct));
            progress?.Report(i);
        }
        return new ImportReport(results.Count(r => r.Outcome == ImportOutcome.Created), results.Count(r => r.Outcome == ImportOutcome.Skipped),
            results.Count(r => r.Outcome == ImportOutcome.Rejected), results);
    }

    private async Task<ImportRowResult> ImportRowAsync(int line, string[] header, string[] row, HostPartyId host, string actor, LocalDate today, EventMetadata metadata, CancellationToken ct)
    {
        string Field(string name) => Array.IndexOf(header, name) is var i and >= 0 && i < row.Length ? row[i].Trim() : "";
        var id = CaseId.New();
        List<CaseCommand> commands;
        try
        {
            commands = Commands(id, Field, host, actor, today);
        }
        catch (FormatException e)
        {
            return new ImportRowResult(line, ImportOutcome.Rejected, null, e.Message);
        }
        foreach (var (name, i) in header.Select((h, i) => (h, i)))
            if (i < row.Length && InputRules.StringProblem(name, row[i]) is { } problem)
                return new ImportRowResult(line, ImportOutcome.Rejected, null, $"{name}: {problem}");

        var state = CaseState.Initial;
        var events = new List<CaseEvent>();
        foreach (var command in commands)
        {
            var decision = CaseDecider.Decide(command, state, catalogue);
            if (decision.Rejection is { } r) return new ImportRowResult(line, ImportOutcome.Rejected, null, $"{r.Code}: {r.Message}");
            events.AddRange(decision.Events);
            state = decision.Events.Aggregate(state, CaseState.Evolve);
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            await cases.AppendAsync(connection, tx, null, id, events, metadata, ct);
            await tx.CommitAsync(ct);
            return new ImportRowResult(line, ImportOutcome.Created, id.Value, null);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == CaseStatusProjection.PersonConstraint)
        {
            await tx.RollbackAsync(ct);
            var existing = await CaseStatusProjection.FindPersonAsync(db, host.Value, state.Person!.Nationality, state.Person.PassportNumber, ct);
            return new ImportRowResult(line, ImportOutcome.Skipped, existing, $"already imported: the host party has case {existing} for this nationality and passport");
        }
        catch (PostgresException e)
        {
            // One row the database refuses is that row's problem: it is rolled back and reported, the rest of the file goes on.
            log.LogWarning("Import row {Line} refused by the database ({SqlState})", line, e.SqlState);
            return new ImportRowResult(line, ImportOutcome.Rejected, null, "the row could not be stored; nothing of it was kept");
        }
    }

    private static List<CaseCommand> Commands(CaseId id, Func<string, string> field, HostPartyId host, string actor, LocalDate today)
    {
        foreach (var column in new[] { "birthDate", "passportExpiry" })
            if (field(column) is { Length: > 0 } text && InputRules.DateProblem(Date(text, column)) is { } problem) throw new FormatException($"{column}: {problem}");
        var person = new Person(Required(field, "familyName"), field("givenNames"), Required(field, "nationality").ToUpperInvariant(), Date(Required(field, "birthDate"), "birthDate"),
            Required(field, "passportNumber").ToUpperInvariant(), field("passportExpiry") is { Length: > 0 } exp ? Date(exp, "passportExpiry") : null);
        var dated = new List<(LocalDate Date, int Order, CaseCommand Command)>();
        foreach (var visa in Split(field("visas")))
        {
            var parts = visa.Split(':');
            if (parts.Length is < 4 or > 5) throw new FormatException($"visas: '{visa}' is not category:single|multiple:validFrom:validTo[:stayPerEntryDays]");
            var entries = parts[1] switch
            {
                "single" => VisaEntries.Single,
                "multiple" => VisaEntries.Multiple,
                _ => throw new FormatException($"visas: '{parts[1]}' is not single or multiple"),
            };
            var from = Date(parts[2], "visas");
            int? stay = parts.Length == 5 ? int.TryParse(parts[4], out var s) && s is >= 1 and <= 3660 ? s : throw new FormatException($"visas: '{parts[4]}' is not a number of days") : null;
            dated.Add((from, 0, new IssueVisa(id, from, parts[0].ToUpperInvariant(), entries, from, Date(parts[3], "visas"), stay, false, false, host, actor, today)));
        }
        foreach (var stay in Split(field("stays")))
        {
            var parts = stay.Split('/');
            if (parts.Length != 2) throw new FormatException($"stays: '{stay}' is not entry/exit (exit may be empty)");
            var entry = Date(parts[0], "stays");
            dated.Add((entry, 1, new RecordEntry(id, entry, "imported", actor, today)));
            if (parts[1].Length > 0)
            {
                var exit = Date(parts[1], "stays");
                // A pair's exit is decided right after its entry, even when it is dated earlier: the decider then names the fault.
                dated.Add((exit < entry ? entry : exit, 3, new RecordExit(id, exit, actor, today)));
            }
        }
        foreach (var notified in Split(field("notified")))
        {
            var date = Date(notified, "notified");
            dated.Add((date, 2, new RecordNotification(id, date, NotificationChannel.EQonaq, null, actor, today)));
        }
        return [new OpenCase(id, person, host, actor, today), .. dated.OrderBy(d => d.Date).ThenBy(d => d.Order).Select(d => d.Command)];
    }

    private static IEnumerable<string> Split(string value) => value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Required(Func<string, string> field, string name) =>
        field(name) is { Length: > 0 } value ? value : throw new FormatException($"{name}: required");

    private static LocalDate Date(string text, string column) =>
        LocalDatePattern.Iso.Parse(text.Trim()) is { Success: true } r && InputRules.DateProblem(r.Value) is null ? r.Value
        : throw new FormatException($"{column}: '{InputRules.Echo(text)}' is not a date from {InputRules.MinDate:yyyy-MM-dd} to {InputRules.MaxDate:yyyy-MM-dd} in the form YYYY-MM-DD");
}
