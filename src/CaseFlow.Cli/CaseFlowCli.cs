using System.CommandLine;
using NodaTime;

namespace CaseFlow.Cli;

/// <summary>The <c>caseflow</c> command line. Exit codes: 0 success, 2 bad input (message on stderr), 1 anything else.</summary>
public static class CaseFlowCli
{
    public const int BadInput = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IClock? clock = null)
    {
        clock ??= SystemClock.Instance;
        if (args.Length == 0) args = ["--help"]; // no command: the usage, exit 0
        var db = new Option<string?>("--db") { Description = "PostgreSQL connection string (default: CASEFLOW_DB)", Recursive = true };
        var root = new RootCommand("CaseFlow: immigration-compliance case management for Kazakhstan host parties")
        {
            db,
            RulesCommands.Evaluate(stdout, clock),
            RulesCommands.Plan(stdout),
            UserCommands.Create(stdout, db),
            ImportCommand.Create(stdout, stderr, db, clock),
            OpsCommands.Verify(stdout, stderr, db, clock),
            KeyCommands.Keys(stdout, db),
            KeyCommands.Seal(stdout, db, clock),
            OpsCommands.Projections(stdout, stderr, db, clock),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) await stderr.WriteLineAsync(error.Message);
            return BadInput;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (CliInputException e)
        {
            await stderr.WriteLineAsync(e.Message);
            return BadInput;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await stderr.WriteLineAsync($"caseflow failed: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }
}

/// <summary>Bad input the user can fix; reported on stderr with exit code 2.</summary>
public sealed class CliInputException(string message) : Exception(message);
