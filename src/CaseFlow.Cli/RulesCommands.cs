using System.CommandLine;
using System.Text.Json;
using CaseFlow.Domain.Json;
using CaseFlow.Domain.Rules;
using NodaTime;
using NodaTime.Text;

namespace CaseFlow.Cli;

/// <summary><c>caseflow evaluate FILE [--as-of]</c> and <c>caseflow plan FILE --entry [--exit]</c>: the rules engine on a facts file, JSON to stdout.</summary>
internal static class RulesCommands
{
    private static readonly JsonSerializerOptions Pretty = new(CaseFlowJson.Options) { WriteIndented = true };

    public static Command Evaluate(TextWriter stdout, IClock clock)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "Case facts as JSON (see docs/rules.md)" };
        var asOf = new Option<string?>("--as-of") { Description = "Judge what was true on this date (YYYY-MM-DD); default: today in Asia/Almaty" };
        var command = new Command("evaluate", "Evaluate a case's facts: status, limits, deadlines and fines on a date") { file, asOf };
        command.SetAction(async parse =>
        {
            var path = parse.GetRequiredValue(file);
            var facts = ReadFacts(path);
            // Like POST /api/evaluate: the date may also be the document's top-level "asOf"; the option wins.
            var date = parse.GetValue(asOf) is { } text ? ParseDate(text, "--as-of")
                : DocumentDate(path, "asOf") is { } inFile ? ParseDate(inFile, "asOf") : TodayInAlmaty(clock);
            var result = Run(() => RulesEngine.Evaluate(RuleCatalogue.Default, facts, date));
            await stdout.WriteLineAsync(JsonSerializer.Serialize(result, Pretty));
            return 0;
        });
        return command;
    }

    public static Command Plan(TextWriter stdout)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "Case facts as JSON (see docs/rules.md)" };
        var entry = new Option<string>("--entry") { Description = "Planned entry date (YYYY-MM-DD)", Required = true };
        var exit = new Option<string?>("--exit") { Description = "Planned exit date (YYYY-MM-DD)" };
        var command = new Command("plan", "The longest lawful stay entering on a date, and whether a planned trip complies") { file, entry, exit };
        command.SetAction(async parse =>
        {
            var facts = ReadFacts(parse.GetRequiredValue(file));
            var entryDate = ParseDate(parse.GetRequiredValue(entry), "--entry");
            LocalDate? exitDate = parse.GetValue(exit) is { } text ? ParseDate(text, "--exit") : null;
            var result = Run(() => RulesEngine.Plan(RuleCatalogue.Default, facts, entryDate, exitDate));
            await stdout.WriteLineAsync(JsonSerializer.Serialize(result, Pretty));
            return 0;
        });
        return command;
    }

    public static LocalDate TodayInAlmaty(IClock clock) =>
        CaseFlow.Domain.Calendar.LegalTime.Today(clock);

    private static CaseFacts ReadFacts(FileInfo file)
    {
        if (!file.Exists) throw new CliInputException($"{file.FullName}: no such file");
        return Run(() => CaseFactsReader.Read(File.ReadAllText(file.FullName), RuleCatalogue.Default));
    }

    private static string? DocumentDate(FileInfo file, string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(file.FullName));
        return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    private static T Run<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (FactsException e)
        {
            throw new CliInputException($"invalid input: {e.Field}: {e.Reason}");
        }
    }

    private static LocalDate ParseDate(string text, string option)
    {
        var result = LocalDatePattern.Iso.Parse(text);
        return result.Success ? result.Value : throw new CliInputException($"{option}: '{text}' is not a date in the form YYYY-MM-DD");
    }
}
