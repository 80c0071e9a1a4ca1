using CaseFlow.Core.Input;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;
using NodaTime.Text;

namespace CaseFlow.Core.Imports;

/// <summary>One CSV row of the import (docs/import-sample.csv) as the commands that record it: the person, visas, stays and notifications in date order.</summary>
internal static class ImportRows
{
    /// <summary>The row's commands; a <see cref="FormatException"/> names the column a value is wrong in.</summary>
    public static List<CaseCommand> Commands(CaseId id, Func<string, string> field, HostPartyId host, string actor, LocalDate today)
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
