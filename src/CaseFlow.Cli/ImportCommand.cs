using System.CommandLine;
using System.Text.Json;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Imports;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Json;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Spectre.Console;

namespace CaseFlow.Cli;

/// <summary><c>caseflow import FILE --host-party ID</c>: a host party's caseload from CSV, with a progress bar (stderr) and the per-row report (stdout, JSON).</summary>
internal static class ImportCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, Option<string?> db, IClock clock)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "CSV with the columns of docs/import-sample.csv" };
        var host = new Option<Guid>("--host-party") { Description = "The host party the cases belong to", Required = true };
        var command = new Command("import", "Import a host party's existing cases from CSV (re-importing the same file changes nothing)") { file, host };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            if (!path.Exists) throw new CliInputException($"{path.FullName}: no such file");
            await using var dataSource = await Database.OpenAsync(parse.GetValue(db), ct);
            await using var notifier = new LogNotifier(dataSource); // the running nodes' projections wake for the imported cases
            var catalogue = RuleCatalogue.Default;
            var importer = new CaseImporter(new CaseRepository(new PostgresEventStore(dataSource), Database.Keys(), [new CaseStatusProjection(catalogue)]), catalogue, dataSource, NullLogger<CaseImporter>.Instance);
            var total = Math.Max(1, File.ReadLines(path.FullName).Count() - 1);
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
            ImportReport report = null!;
            await console.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask($"importing {path.Name}", maxValue: total);
                using var reader = path.OpenText();
                report = await importer.ImportAsync(reader, new HostPartyId(parse.GetRequiredValue(host)), $"cli:{Environment.UserName}",
                    RulesCommands.TodayInAlmaty(clock), new Progress<int>(n => task.Value = n), ct);
                task.Value = total;
            });
            await stdout.WriteLineAsync(JsonSerializer.Serialize(report, new JsonSerializerOptions(CaseFlowJson.Options) { WriteIndented = true }));
            return 0;
        });
        return command;
    }
}
