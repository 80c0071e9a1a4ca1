using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CaseFlow.Core.HostParties;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace CaseFlow.Core.Cases;

/// <summary>What the status row says of a case, from its events alone (deterministic: no clock).</summary>
public sealed record CaseStatusRow(string Status, StayBasisKind? Basis, LocalDate? PermittedUntil, DeadlineKind? NextDeadlineKind, LocalDate? NextDeadlineDue,
    decimal FineMci, decimal? FineTenge, string? CatalogueVersion);

/// <summary>
/// The inline case status read model and the owner of the case_status table (this class and its partial <c>.Listing.cs</c>), upserted in the append transaction. Its figures are evaluated as of
/// the latest business date in the stream, never the clock, so a rebuild gives the same rows; <c>GET /api/cases/{id}</c> adds
/// the live evaluation as of today. The next deadline is the earliest one not yet met; lists sort by it.
/// </summary>
public sealed partial class CaseStatusProjection(RuleCatalogue catalogue) : IInlineCaseProjection
{
    /// <summary>The unique index that allows one case per person (nationality, passport) and host party.</summary>
    public const string PersonConstraint = "case_status_person";

    public string StreamType => CaseRepository.StreamType;

    public Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LoadedCase updated, IReadOnlyList<CaseEvent> decided, Instant recordedAt, CancellationToken ct) =>
        ApplyAsync(connection, tx, updated, catalogue, recordedAt, ct);

    public static CaseStatusRow Compute(LoadedCase c, RuleCatalogue catalogue, HostPartySize? size)
    {
        if (c.LatestBusinessDate is not { } latest) return new CaseStatusRow(c.State.Closed ? "closed" : "notArrived", null, null, null, null, 0, 0, catalogue.Version);
        var e = c.Evaluate(catalogue, size, latest);
        var next = NextDeadline(e, c.State.InCountry);
        var status = StatusOf(c.State, e);
        var fines = FineTotal.Of(e.Fines);
        return new CaseStatusRow(status, c.State.LastEntry is null ? null : e.Basis, e.PermittedUntil, c.State.Closed ? null : next?.Kind, c.State.Closed ? null : next?.Due,
            fines.Mci, fines.Tenge, e.CatalogueVersion);
    }

    /// <summary>notArrived, inCountry, overstaying (judged by <paramref name="e"/>), left or closed.</summary>
    public static string StatusOf(CaseState state, Evaluation? e) =>
        state.Closed ? "closed" : state.LastEntry is null ? "notArrived" : !state.InCountry ? "left" : e?.OverstayDays > 0 ? "overstaying" : "inCountry";

    /// <summary>
    /// The deadline to act on next: while the person is in the country, the earliest not yet met (a missed notification still needs
    /// filing); after the exit, the earliest still open. The opening of the extension window is a date, not a deadline: skipped.
    /// </summary>
    public static Deadline? NextDeadline(Evaluation e, bool inCountry) => e.Deadlines
        .Where(d => d.Kind != DeadlineKind.ExtensionWindowOpens && d.Outstanding && (inCountry || d.Status == DeadlineStatus.Open))
        .OrderBy(d => d.Due).FirstOrDefault();

    public static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, LoadedCase c, RuleCatalogue catalogue, Instant recordedAt, CancellationToken ct)
    {
        var size = await HostPartyStore.SizeAsync(connection, tx, c.HostPartyId, ct);
        var row = Compute(c, catalogue, size);
        var state = c.State;
        var p = state.Person!;
        await using var command = new NpgsqlCommand("""
            INSERT INTO case_status (case_id, host_party_id, version, nationality, family_name, given_names, in_country, last_entry, last_exit,
                notification_status, last_notified, updated_at, status, basis, permitted_until, next_deadline_kind, next_deadline_due, fine_mci, fine_tenge,
                catalogue_version, passport_hash, passport_masked, search_name, passport_hashes)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
            ON CONFLICT (case_id) DO UPDATE SET
                version = EXCLUDED.version, in_country = EXCLUDED.in_country, last_entry = EXCLUDED.last_entry, last_exit = EXCLUDED.last_exit,
                notification_status = EXCLUDED.notification_status, last_notified = EXCLUDED.last_notified, updated_at = EXCLUDED.updated_at,
                status = EXCLUDED.status, basis = EXCLUDED.basis, permitted_until = EXCLUDED.permitted_until, next_deadline_kind = EXCLUDED.next_deadline_kind,
                next_deadline_due = EXCLUDED.next_deadline_due, fine_mci = EXCLUDED.fine_mci, fine_tenge = EXCLUDED.fine_tenge,
                catalogue_version = EXCLUDED.catalogue_version, passport_hash = EXCLUDED.passport_hash, passport_masked = EXCLUDED.passport_masked,
                search_name = EXCLUDED.search_name, passport_hashes = EXCLUDED.passport_hashes
            """, connection, tx);
        void Add(object? value, NpgsqlDbType type) => command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = type });
        Add(c.Id.Value, NpgsqlDbType.Uuid);
        Add(c.HostPartyId, NpgsqlDbType.Uuid);
        Add(c.Version, NpgsqlDbType.Bigint);
        Add(p.Nationality, NpgsqlDbType.Text);
        Add(p.FamilyName, NpgsqlDbType.Text);
        Add(p.GivenNames, NpgsqlDbType.Text);
        Add(state.InCountry, NpgsqlDbType.Boolean);
        Add(state.LastEntry?.ToDateOnly(), NpgsqlDbType.Date);
        Add(state.LastExit?.ToDateOnly(), NpgsqlDbType.Date);
        Add(Camel(state.Notification.ToString()), NpgsqlDbType.Text);
        Add(state.LastNotified?.ToDateOnly(), NpgsqlDbType.Date);
        Add(recordedAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz);
        Add(row.Status, NpgsqlDbType.Text);
        Add(row.Basis is { } b ? Camel(b.ToString()) : null, NpgsqlDbType.Text);
        Add(row.PermittedUntil?.ToDateOnly(), NpgsqlDbType.Date);
        Add(row.NextDeadlineKind is { } k ? Camel(k.ToString()) : null, NpgsqlDbType.Text);
        Add(row.NextDeadlineDue?.ToDateOnly(), NpgsqlDbType.Date);
        Add(row.FineMci, NpgsqlDbType.Numeric);
        Add(row.FineTenge, NpgsqlDbType.Numeric);
        Add(row.CatalogueVersion, NpgsqlDbType.Text);
        Add(PassportHash(p.PassportNumber), NpgsqlDbType.Bytea);
        Add(Mask(p.PassportNumber), NpgsqlDbType.Text);
        Add(SearchText.Fold($"{p.FamilyName} {p.GivenNames}"), NpgsqlDbType.Text);
        Add(PassportNumbers(c.Events).Select(PassportHash).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bytea);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Every passport number the case has had, the current one last: a replaced number still finds the case.</summary>
    public static IEnumerable<string> PassportNumbers(IEnumerable<CaseEvent> events) => events
        .Select(e => e switch { CaseOpened o => o.Person.PassportNumber, PassportReplaced r => r.PassportNumber, _ => null })
        .OfType<string>().Distinct();

    /// <summary>Passport numbers are searched by exact match on this hash and shown masked in lists.</summary>
    public static byte[] PassportHash(string passport) => SHA256.HashData(Encoding.UTF8.GetBytes(passport.Trim().ToUpperInvariant()));

    public static string Mask(string passport) => passport.Length <= 4 ? "****" : $"{passport[..2]}{new string('*', passport.Length - 4)}{passport[^2..]}";

    private static string Camel(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);
}
