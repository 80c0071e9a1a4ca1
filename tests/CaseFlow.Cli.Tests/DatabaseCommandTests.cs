using System.Text.Json;
using CaseFlow.Cli;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using CaseFlow.TestSupport;
using NodaTime;
using Npgsql;

namespace CaseFlow.Cli.Tests;

/// <summary>users and import against real PostgreSQL.</summary>
[Collection("cli-keys")]
public sealed class DatabaseCommandTests : IAsyncLifetime
{
    private string db = "";
    private readonly string dir = Directory.CreateTempSubdirectory("caseflow-cli-db-").FullName;

    public async Task InitializeAsync()
    {
        db = await TestPostgres.CreateDatabaseAsync("cli");
        // The keys outside the database, in this test's own folder (the CLI reads CASEFLOW_KEYS; no other CLI test class uses keys).
        Environment.SetEnvironmentVariable("CASEFLOW_KEYS", Path.Combine(dir, "keys"));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(dir, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CaseFlowCli.RunAsync([.. args, "--db", db], stdout, stderr, new Clock());
        return (code, stdout.ToString(), stderr.ToString());
    }

    private sealed class Clock : IClock
    {
        public Instant GetCurrentInstant() => Instant.FromUtc(2024, 6, 1, 6, 0);
    }

    /// <summary>The users as the API sees them: under the keys in this test's CASEFLOW_KEYS, the CLI's.</summary>
    private static UserStore Users(NpgsqlDataSource dataSource) =>
        new(dataSource, new CaseFlow.Core.Security.KeyRing(CaseFlow.Core.Security.KeyOptions.FromEnvironment(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));

    [Fact]
    public async Task AUserRowWidenedInSql_ListsBroken_AndSignsNoOneIn_UntilAnOperatorBindsItAsItStands()
    {
        // ADR 25: an insider without the keys adds host B to a host-A officer's row; the key would read host B's foreigners.
        var (hostA, hostB) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var output = (await Run("users", "add", "--name", "Officer Widened", "--role", "compliance", "--host-party", hostA.ToString())).Out;
        var (id, key) = (output.Split(' ')[1], output.Split("api key (shown once): ")[1].Trim());
        Assert.Equal(0, (await Run("users", "add", "--name", "Officer Untouched", "--role", "compliance", "--host-party", hostA.ToString())).Code);
        await using var dataSource = NpgsqlDataSource.Create(db);
        await using (var edit = dataSource.CreateCommand("UPDATE users SET host_parties = host_parties || $2 WHERE id = $1"))
        {
            edit.Parameters.Add(new() { Value = Guid.Parse(id) });
            edit.Parameters.Add(new() { Value = hostB });
            Assert.Equal(1, await edit.ExecuteNonQueryAsync());
        }
        Assert.Null(await Users(dataSource).AuthenticateAsync(key));
        var listed = (await Run("users", "list")).Out.Split('\n');
        Assert.Contains("broken", listed.Single(l => l.Contains("Officer Widened", StringComparison.Ordinal)));
        Assert.Contains(" ok ", listed.Single(l => l.Contains("Officer Untouched", StringComparison.Ordinal)));

        // The operator, holding the keys, has checked the row and accepts it: bound as it stands, the key signs in with both.
        Assert.Equal((0, $"bound {id}"), await Run("users", "bind", id) is var bound ? (bound.Code, bound.Out.Trim()) : default);
        Assert.Equal(new[] { hostA, hostB }.Order(), (await Users(dataSource).AuthenticateAsync(key))!.HostParties.Order());
        Assert.DoesNotContain("broken", (await Run("users", "list")).Out, StringComparison.Ordinal);
        Assert.Equal(2, (await Run("users", "bind", Guid.CreateVersion7().ToString())).Code);
    }

    [Fact]
    public async Task UsersAdd_PrintsAKeyThatAuthenticates_RevokeDisablesIt()
    {
        var host = Guid.CreateVersion7();
        var (code, output, _) = await Run("users", "add", "--name", "Officer", "--role", "compliance", "--host-party", host.ToString());
        Assert.Equal(0, code);
        var key = output.Split("api key (shown once): ")[1].Trim();
        await using var dataSource = NpgsqlDataSource.Create(db);
        var principal = await Users(dataSource).AuthenticateAsync(key);
        Assert.Equal((Role.Compliance, true), (principal!.Role, principal.HostParties.Contains(host)));
        var id = output.Split(' ')[1];
        Assert.Equal(0, (await Run("users", "revoke", id)).Code);
        Assert.Null(await Users(dataSource).AuthenticateAsync(key));
        Assert.Equal(2, (await Run("users", "add", "--name", "X", "--role", "wizard")).Code);
        Assert.Equal(2, (await Run("users", "add", "--name", "X", "--role", "auditor")).Code); // an auditor needs a host party
    }

    [Fact]
    public async Task UsersRevokeTwice_TheSecondIsRefused_AndKeepsTheFirstInstant_ListShowsUsersInTheOrderAdded()
    {
        var host = Guid.CreateVersion7();
        var first = (await Run("users", "add", "--name", "Listed First", "--role", "compliance", "--host-party", host.ToString())).Out.Split(' ')[1];
        Assert.Equal(0, (await Run("users", "add", "--name", "Listed Second", "--role", "compliance", "--host-party", host.ToString())).Code);
        Assert.Equal(0, (await Run("users", "revoke", first)).Code);
        await using var dataSource = NpgsqlDataSource.Create(db);
        async Task<DateTime> RevokedAt()
        {
            await using var command = dataSource.CreateCommand("SELECT revoked_at FROM users WHERE id = $1");
            command.Parameters.Add(new() { Value = Guid.Parse(first) });
            return (DateTime)(await command.ExecuteScalarAsync())!;
        }
        var revokedAt = await RevokedAt();

        var again = await Run("users", "revoke", first);
        Assert.Equal((2, $"no active user {first}"), (again.Code, again.Err.Trim()));
        Assert.Equal(revokedAt, await RevokedAt()); // who revoked when stays as it was

        var list = (await Run("users", "list")).Out;
        Assert.True(list.IndexOf("Listed First", StringComparison.Ordinal) < list.IndexOf("Listed Second", StringComparison.Ordinal), list);
    }

    [Fact]
    public async Task Import_ReportsPerRow_AndReimportSkips()
    {
        var host = Guid.CreateVersion7();
        await using (var dataSource = NpgsqlDataSource.Create(db))
        {
            await Migrator.MigrateAsync(dataSource);
            await new HostPartyStore(dataSource).AddAsync(new HostParty(host, "Cli Host", "123456789012", HostPartySize.Small), "test");
        }
        var csv = Path.Combine(dir, "cases.csv");
        await File.WriteAllTextAsync(csv, """
            familyName,givenNames,nationality,birthDate,passportNumber,passportExpiry,stays,visas,notified
            Cli,One,DE,1980-01-01,CLI000001,,2024-05-01/2024-05-10,,2024-05-02
            Cli,Two,DE,1980-01-01,CLI000002,,2024-05-20/2024-05-01,,
            """);
        var (code, output, _) = await Run("import", csv, "--host-party", host.ToString());
        Assert.Equal(0, code);
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal((1, 0, 1), (report.GetProperty("created").GetInt32(), report.GetProperty("skipped").GetInt32(), report.GetProperty("rejected").GetInt32()));
        var again = JsonDocument.Parse((await Run("import", csv, "--host-party", host.ToString())).Out).RootElement;
        Assert.Equal((0, 1, 1), (again.GetProperty("created").GetInt32(), again.GetProperty("skipped").GetInt32(), again.GetProperty("rejected").GetInt32()));
    }

    /// <summary>A host party (of <paramref name="bin"/>) whose cases are <paramref name="rows"/>, imported with the CLI; the database.</summary>
    private async Task<NpgsqlDataSource> ImportedAsync(string bin, string rows)
    {
        var host = Guid.CreateVersion7();
        var dataSource = NpgsqlDataSource.Create(db);
        await Migrator.MigrateAsync(dataSource);
        await new HostPartyStore(dataSource).AddAsync(new HostParty(host, $"Host {bin}", bin, HostPartySize.Small), "test");
        var csv = Path.Combine(dir, $"{bin}.csv");
        await File.WriteAllTextAsync(csv, $"familyName,givenNames,nationality,birthDate,passportNumber,passportExpiry,stays,visas,notified\n{rows}\n");
        Assert.Equal(0, (await Run("import", csv, "--host-party", host.ToString())).Code);
        return dataSource;
    }

    [Fact]
    public async Task ProjectionsCheckCaseStatus_NamesARowEditedInSql_ExitsOne_RepairPutsItRight_AlertsCheckToo()
    {
        await using var dataSource = await ImportedAsync("123456789014", """
            Checked,One,DE,1980-01-01,CHK000001,,2024-05-01/2024-05-10,,2024-05-02
            Checked,Two,DE,1980-01-01,CHK000002,,2024-05-20/,,2024-05-21
            """);
        Assert.Equal((0, "case-status: 2 cases, 0 rows drifted, 0 repaired"), await Run("projections", "check", "case-status") is var clean ? (clean.Code, clean.Out.Trim()) : default);

        await using (var edit = dataSource.CreateCommand("UPDATE case_status SET status = 'inCountry', fine_mci = 7 WHERE status = 'left' RETURNING case_id"))
        {
            var edited = (Guid)(await edit.ExecuteScalarAsync())!;
            var found = await Run("projections", "check", "case-status");
            Assert.Equal((1, $"drift {edited}: status, fine_mci\ncase-status: 2 cases, 1 rows drifted, 0 repaired"), (found.Code, found.Out.Trim().ReplaceLineEndings("\n")));
        }
        var repaired = await Run("projections", "check", "case-status", "--repair");
        Assert.Equal((0, "1 repaired"), (repaired.Code, repaired.Out.Trim().Split(", ")[^1]));
        Assert.Equal(0, (await Run("projections", "check", "case-status")).Code);
        Assert.Equal(1L, await new NpgsqlCommand("SELECT count(*) FROM case_status WHERE status = 'left'", await dataSource.OpenConnectionAsync()).ExecuteScalarAsync());
        Assert.Equal((0, "alerts: 2 cases, 0 rows drifted, 0 repaired"), await Run("projections", "check", "alerts") is var alerts ? (alerts.Code, alerts.Out.Trim()) : default);
        Assert.Equal(2, (await Run("projections", "check", "deadlines")).Code);
    }

    [Fact]
    public async Task KeysRotate_RewrapsEveryDataKeyUnderANewMasterKey_AndThePeopleStillRead_WithoutTheOldKey()
    {
        await using var dataSource = await ImportedAsync("123456789013", "Rotated,One,DE,1980-01-01,ROT000001,,2024-05-01/2024-05-10,,2024-05-02");
        var file = Path.Combine(dir, "keys", "master.keys");
        var before = await File.ReadAllLinesAsync(file);

        var (code, output, _) = await Run("keys", "rotate");
        Assert.Equal(0, code);
        var current = (await File.ReadAllLinesAsync(file))[0].Split(' ')[0];
        Assert.Contains($"master key {current} is current", output, StringComparison.Ordinal);
        Assert.DoesNotContain(current, before[0], StringComparison.Ordinal);
        await using (var masters = dataSource.CreateCommand("SELECT array_agg(DISTINCT master_key_id) FROM data_keys"))
            Assert.Equal([current], (string[])(await masters.ExecuteScalarAsync())!);
        await File.WriteAllLinesAsync(file, (await File.ReadAllLinesAsync(file)).Take(1)); // the old master key removed
        var cases = new CaseFlow.Core.Cases.CaseRepository(new PostgresEventStore(dataSource), Database.Keys(), []);
        await using var ids = dataSource.CreateCommand("SELECT case_id FROM data_keys");
        var loaded = await cases.LoadAsync(new CaseFlow.Domain.Cases.CaseId((Guid)(await ids.ExecuteScalarAsync())!));
        Assert.Equal("Rotated", loaded!.State.Person!.FamilyName);
    }

    [Fact]
    public async Task Seal_ThenVerify_NamesTheSeal_AndSealCheck_TellsASignedPayloadFromAnAlteredOne()
    {
        await using (var dataSource = NpgsqlDataSource.Create(db)) await Migrator.MigrateAsync(dataSource);
        await using (var dataSource = NpgsqlDataSource.Create(db))
            await new PostgresEventStore(dataSource).AppendAsync(Guid.NewGuid(), "test", "t", 0, [new NewEvent(Guid.NewGuid(), "Thing.v1", "{\"n\":1}")],
                new EventMetadata("test", Guid.NewGuid()));
        var (code, sealJson, _) = await Run("seal");
        Assert.Equal(0, code);
        Assert.Contains("nothing appended", (await Run("seal")).Out, StringComparison.Ordinal); // no new seal without new events
        var verify = await Run("verify");
        Assert.Equal(0, verify.Code);
        Assert.Matches(@"seal \d+ of .*: intact", verify.Out);

        var file = Path.Combine(dir, "seal.json");
        await File.WriteAllTextAsync(file, sealJson);
        var check = await CaseFlowCli.RunAsync(["seal", "check", file], new StringWriter(), new StringWriter(), new Clock());
        Assert.Equal(0, check);
        var altered = sealJson.Replace("streams: ", "streams: 1", StringComparison.Ordinal);
        Assert.NotEqual(sealJson, altered);
        await File.WriteAllTextAsync(file, altered);
        var output = new StringWriter();
        Assert.Equal(1, await CaseFlowCli.RunAsync(["seal", "check", file], output, new StringWriter(), new Clock()));
        Assert.Contains("INVALID", output.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>verify and projections rebuild from the CLI, on a database of their own.</summary>
[Collection("cli-keys")] // CASEFLOW_KEYS is the process's: the classes that use keys run one at a time
public sealed class OpsCommandTests : IAsyncLifetime
{
    private string db = "";

    public async Task InitializeAsync() => db = await TestPostgres.CreateDatabaseAsync("cliops");

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(int Code, string Out)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var code = await CaseFlowCli.RunAsync([.. args, "--db", db], stdout, new StringWriter());
        return (code, stdout.ToString());
    }

    [Fact]
    public async Task Verify_ReportsABrokenChain_ProjectionsRebuildRuns()
    {
        await using var dataSource = NpgsqlDataSource.Create(db);
        await Migrator.MigrateAsync(dataSource);
        var store = new PostgresEventStore(dataSource);
        var stream = Guid.CreateVersion7();
        await store.AppendAsync(stream, "probe", "t", 0, [new NewEvent(Guid.CreateVersion7(), "Probe.v1", """{"a":1}"""), new NewEvent(Guid.CreateVersion7(), "Probe.v1", """{"a":2}""")],
            new EventMetadata("test", Guid.NewGuid()));
        var (code, output) = await Run("verify");
        Assert.Equal((0, true), (code, output.Contains("1 streams checked, 0 broken", StringComparison.Ordinal)));

        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await using (var allow = new NpgsqlCommand("SET LOCAL caseflow.allow_event_rewrite = 'on'", connection, tx)) await allow.ExecuteNonQueryAsync();
            await using (var tamper = new NpgsqlCommand("UPDATE events SET data = '{\"a\":3}' WHERE stream_id = $1 AND version = 2", connection, tx))
            {
                tamper.Parameters.Add(new() { Value = stream });
                await tamper.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
        }
        (code, output) = await Run("verify");
        Assert.Equal(1, code);
        Assert.Contains($"BROKEN stream {stream} at version 2", output, StringComparison.Ordinal);

        var rebuilt = await Run("projections", "rebuild", "timeline");
        Assert.Equal(0, rebuilt.Code);
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM events");
        var events = (long)(await count.ExecuteScalarAsync())!; // every event of the log is accounted for, projected or not
        Assert.Matches(FormattableString.Invariant($@"^timeline rebuilt: {events:N0} events in [0-9.]+ s \([0-9,]+ events/s\)"), rebuilt.Out.Trim());
        Assert.Equal(2, (await Run("projections", "rebuild", "nope")).Code);
        Assert.Contains("timeline", (await Run("projections", "list")).Out, StringComparison.Ordinal);
    }
}
