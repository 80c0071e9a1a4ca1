using System.CommandLine;
using CaseFlow.Core.Users;
using Spectre.Console;

namespace CaseFlow.Cli;

/// <summary>
/// <c>caseflow users add|revoke|list|bind</c>: users and their API keys (the key is printed once, only its hash is stored). Each row
/// is bound under the keys outside the database (ADR 25): the CLI needs the API's keys (CASEFLOW_KEYS) for its users to sign in.
/// </summary>
internal static class UserCommands
{
    public static Command Create(TextWriter stdout, Option<string?> db)
    {
        var users = new Command("users", "Manage users and their API keys");

        var name = new Option<string>("--name") { Description = "The user's name", Required = true };
        var role = new Option<string>("--role") { Description = "compliance, auditor, ops or admin", Required = true };
        var hosts = new Option<Guid[]>("--host-party") { Description = "A host party the user works for (repeatable; compliance and auditor need one)", AllowMultipleArgumentsPerToken = true };
        var add = new Command("add", "Create a user and print its API key") { name, role, hosts };
        add.SetAction(async (parse, ct) =>
        {
            if (!Enum.TryParse<Role>(parse.GetRequiredValue(role), ignoreCase: true, out var r) || !Enum.IsDefined(r))
                throw new CliInputException($"--role: '{parse.GetRequiredValue(role)}' is not one of compliance, auditor, ops, admin");
            await using var dataSource = await Database.OpenAsync(parse.GetValue(db), ct);
            try
            {
                var (user, key) = await Store(dataSource).AddAsync(parse.GetRequiredValue(name), r, parse.GetValue(hosts) ?? [], ct: ct);
                await stdout.WriteLineAsync($"user {user.Id} ({user.Role.ToString().ToLowerInvariant()})");
                await stdout.WriteLineAsync($"api key (shown once): {key}");
            }
            catch (ArgumentException e)
            {
                throw new CliInputException(e.Message);
            }
            return 0;
        });

        var id = new Argument<Guid>("USER-ID") { Description = "The user to revoke" };
        var revoke = new Command("revoke", "Revoke a user's API key") { id };
        revoke.SetAction(async (parse, ct) =>
        {
            await using var dataSource = await Database.OpenAsync(parse.GetValue(db), ct);
            if (!await Store(dataSource).RevokeAsync(parse.GetRequiredValue(id), ct)) throw new CliInputException($"no active user {parse.GetRequiredValue(id)}");
            await stdout.WriteLineAsync($"revoked {parse.GetRequiredValue(id)}");
            return 0;
        });

        var list = new Command("list", "List users (never their keys)");
        list.SetAction(async (parse, ct) =>
        {
            await using var dataSource = await Database.OpenAsync(parse.GetValue(db), ct);
            var table = new Table().AddColumns("id", "name", "role", "host parties", "key", "revoked", "binding");
            foreach (var u in await Store(dataSource).ListAsync(ct))
                table.AddRow(u.Id.ToString(), Markup.Escape(u.Name), u.Role.ToString().ToLowerInvariant(), string.Join(" ", u.HostParties), u.KeyPrefix + "…",
                    u.RevokedAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "", u.Bound ? "ok" : "[red]broken[/]");
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
            console.Profile.Width = Math.Max(console.Profile.Width, 160);
            console.Write(table);
            return 0;
        });

        var bound = new Argument<Guid>("USER-ID") { Description = "The user whose row, as it stands, you have checked" };
        var bind = new Command("bind", "Bind a user's row as it stands (after checking a row `list` shows broken, or one from before ADR 25)") { bound };
        bind.SetAction(async (parse, ct) =>
        {
            await using var dataSource = await Database.OpenAsync(parse.GetValue(db), ct);
            if (!await Store(dataSource).RebindAsync(parse.GetRequiredValue(bound), ct)) throw new CliInputException($"no user {parse.GetRequiredValue(bound)}");
            await stdout.WriteLineAsync($"bound {parse.GetRequiredValue(bound)}");
            return 0;
        });

        users.Add(add);
        users.Add(revoke);
        users.Add(list);
        users.Add(bind);
        return users;
    }

    private static UserStore Store(Npgsql.NpgsqlDataSource dataSource) => new(dataSource, Database.Keys().Ring);
}
