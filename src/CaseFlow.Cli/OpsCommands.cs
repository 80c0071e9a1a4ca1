using System.Globalization;
using System.CommandLine;
using CaseFlow.Core.Alerts;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Projections;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using CaseFlow.EventStore.Projections;
using Spectre.Console;

namespace CaseFlow.Cli;

/// <summary><c>caseflow verify</c> (whole-store hash chain) and <c>caseflow projections list|rebuild|pause|resume|check</c>, with progress bars on stderr.</summary>
internal static class OpsCommands
{
    public static Command Verify(TextWriter stdout, TextWriter stderr, Option<string?> db, NodaTime.IClock clock)
    {
        var command = new Command("verify", "Verify every stream's hash chain and the store against the latest seal; prints each broken stream");
        command.SetAction(async (parse, ct) =>
        {
            await using var dataSource = await Database.OpenAsync(parse.GetValue(db), ct);
            var store = new PostgresEventStore(dataSource);
            var total = await store.StreamCountAsync(ct);
            IReadOnlyList<VerificationResult> broken = [];
            long checkedStreams = 0;
            await Console(stderr).Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask("verifying streams", maxValue: Math.Max(1, total));
                (checkedStreams, broken) = await store.VerifyAllAsync(new Progress<long>(n => task.Value = n), ct);
            });
            foreach (var b in broken) await stdout.WriteLineAsync($"BROKEN stream {b.StreamId} at version {b.BrokenAtVersion}: {b.Problem}");
            await stdout.WriteLineAsync($"{checkedStreams} streams checked, {broken.Count} broken");
            // What the chain alone cannot see (a recomputed chain, a cut tail) the latest seal can.
            var seal = await new CaseFlow.Core.Security.Seals(store, Database.Keys().Ring, clock, new CaseFlow.Core.Security.SealOptions()).CheckAsync(ct);
            if (seal is null) await stdout.WriteLineAsync("no seal yet: a recomputed chain or a cut tail cannot be detected (caseflow seal)");
            else
            {
                foreach (var b in seal.Broken) await stdout.WriteLineAsync($"BROKEN against seal {seal.SealId}: stream {b.StreamId}: {b.Problem}");
                if (!seal.SignatureValid || !seal.SignedByOurKey || !seal.HeadsMatchRoot)
                    await stdout.WriteLineAsync($"SEAL {seal.SealId} NOT TRUSTWORTHY: signature valid {seal.SignatureValid}, our key {seal.SignedByOurKey}, heads match root {seal.HeadsMatchRoot}");
                await stdout.WriteLineAsync($"seal {seal.SealId} of {seal.SealedAt}: {(seal.Intact ? "intact" : "BROKEN")}");
            }
            return broken.Count == 0 && seal?.Intact != false ? 0 : 1;
        });
        return command;
    }

    public static Command Projections(TextWriter stdout, TextWriter stderr, Option<string?> db, NodaTime.IClock clock)
    {
        var projections = new Command("projections", "Inspect and control the async projections");
        var list = new Command("list", "Name, checkpoint, lag, state, node, last error");
        list.SetAction(async (parse, ct) =>
        {
            await using var dataSource = await Database.OpenAsync(parse.GetValue(db), ct);
            await Catalog(dataSource).EnsureAsync(ct);
            var table = new Table().AddColumns("name", "checkpoint", "head", "lag (events)", "lag (s)", "state", "node", "last error");
            foreach (var p in await ProjectionStatus.ReadAsync(new PostgresEventStore(dataSource), ct))
                table.AddRow(p.Name, p.Checkpoint, p.HeadSequence.ToString(System.Globalization.CultureInfo.InvariantCulture), p.LagEvents.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    p.LagSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), p.State, Markup.Escape(p.Node ?? ""), Markup.Escape(p.LastError ?? ""));
            var console = Console(stdout);
            console.Profile.Width = Math.Max(console.Profile.Width, 160);
            console.Write(table);
            return 0;
        });
        projections.Add(list);

        foreach (var action in new[] { "pause", "resume", "rebuild" })
        {
            var name = new Argument<string>("NAME") { Description = "deadlines, dashboard, offences or timeline" };
            var command = new Command(action, action == "rebuild" ? "Rebuild from zero into shadow tables, then swap (runs here unless a node already leads it)" : $"{action} the projection") { name };
            command.SetAction(async (parse, ct) =>
            {
                await using var dataSource = await Database.OpenAsync(parse.GetValue(db), ct);
                await Catalog(dataSource).EnsureAsync(ct);
                var projection = parse.GetRequiredValue(name);
                if (!await ProjectionTable.ControlAsync(dataSource, projection, action, ct)) throw new CliInputException($"no projection '{projection}'");
                if (action == "rebuild") await RebuildAsync(dataSource, projection, stdout, stderr, ct);
                await stdout.WriteLineAsync($"{projection}: {action} done");
                return 0;
            });
            projections.Add(command);
        }
        projections.Add(Check(stdout, db, clock));
        return projections;
    }

    /// <summary>
    /// <c>projections check case-status|alerts [--repair]</c>: compares the inline read model's rows with the events (ADR 26); exit 1
    /// while a row drifts. The async projections need no check: a rebuild writes them from zero.
    /// </summary>
    private static Command Check(TextWriter stdout, Option<string?> db, NodaTime.IClock clock)
    {
        var name = new Argument<string>("NAME") { Description = "case-status (the rows the case lists read) or alerts (the compliance inbox)" };
        var repair = new Option<bool>("--repair") { Description = "Write each drifted row again from the events (a row no case has is deleted)" };
        var check = new Command("check", "Compare an inline read model's rows with what the events say; name the rows and columns that differ") { name, repair };
        check.SetAction(async (parse, ct) =>
        {
            var which = parse.GetRequiredValue(name);
            if (which is not ("case-status" or "alerts")) throw new CliInputException($"NAME: '{which}' is neither case-status nor alerts (rebuild the async projections instead)");
            await using var dataSource = await Database.OpenAsync(parse.GetValue(db), ct);
            var result = which == "alerts"
                ? await AlertProjection.CheckAsync(dataSource, Database.Keys(), parse.GetValue(repair), ct)
                : await CaseStatusProjection.CheckAsync(dataSource, Database.Keys(), RuleCatalogue.Default, clock.GetCurrentInstant(), parse.GetValue(repair), ct);
            foreach (var drift in result.Drifts) await stdout.WriteLineAsync($"drift {drift.Id}: {string.Join(", ", drift.Columns)}");
            if (result.Drifted > result.Drifts.Count) await stdout.WriteLineAsync($"... and {result.Drifted - result.Drifts.Count} more");
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{which}: {result.Cases:N0} cases, {result.Drifted:N0} rows drifted, {result.Repaired:N0} repaired"));
            return result.Drifted > result.Repaired ? 1 : 0;
        });
        return check;
    }

    /// <summary>
    /// Runs the projection's runner here (it takes the lead unless a node holds it), shows the rebuild's progress and rate until it
    /// swaps, then prints what it did. Polls the projection's own control row: the status view would count every projection's lag.
    /// </summary>
    private static async Task RebuildAsync(Npgsql.NpgsqlDataSource dataSource, string name, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var projection = Catalog(dataSource).Projections.Single(p => p.Name == name);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var runner = new ProjectionRunner(new PostgresEventStore(dataSource), projection, new ProjectionOptions { BatchSize = 1000 }, $"cli:{Environment.MachineName}").RunAsync(stop.Token);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        long processed = 0;
        await Console(stderr).Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask($"rebuilding {name}", maxValue: 1);
            while (true)
            {
                var row = await ProjectionTable.ReadAsync(dataSource, name, ct);
                if (row.State == "failed") throw new CliInputException($"rebuild of {name} failed: {row.LastError}");
                if (row is { RebuildRequested: false, State: "running" }) { task.Value = task.MaxValue; processed = row.Processed; break; }
                if (row.State == "rebuilding")
                {
                    (task.MaxValue, task.Value) = (Math.Max(1, row.RebuildTotal ?? 0), row.RebuildProcessed ?? 0);
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"rebuilding {name}, {row.RebuildRate ?? 0:N0} events/s");
                }
                await Task.Delay(250, ct);
            }
        });
        await stop.CancelAsync();
        await runner;
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{name} rebuilt: {processed:N0} events in {watch.Elapsed.TotalSeconds:N1} s ({processed / Math.Max(watch.Elapsed.TotalSeconds, 0.001):N0} events/s)"));
    }

    private static ProjectionCatalog Catalog(Npgsql.NpgsqlDataSource dataSource) => new(new PostgresEventStore(dataSource), RuleCatalogue.Default, Database.Keys());

    private static IAnsiConsole Console(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
}
