using System.CommandLine;
using System.Text.Json;
using CaseFlow.Core.Security;
using CaseFlow.EventStore;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace CaseFlow.Cli;

/// <summary>
/// <c>caseflow keys rotate</c> (a fresh master key, every data key re-wrapped under it; events untouched), <c>caseflow seal</c> (seal the
/// log now) and <c>caseflow seal check FILE</c> (an exported seal against its public key alone, no database).
/// </summary>
internal static class KeyCommands
{
    public static Command Keys(TextWriter stdout, Option<string?> db)
    {
        var keys = new Command("keys", "The keys outside the database (CASEFLOW_KEYS, else .caseflow)");
        var rotate = new Command("rotate", "Make a new current master key and re-wrap every case's data key under it (events are not touched)");
        rotate.SetAction(async (parse, ct) =>
        {
            await using var dataSource = await Database.OpenAsync(parse.GetValue(db), ct);
            var options = KeyOptions.FromEnvironment();
            var id = KeyRing.AddMasterKey(options.Directory, NullLogger.Instance);
            var rewrapped = await new DataKeys(new KeyRing(options, NullLogger.Instance)).RewrapAsync(dataSource, 1_000, ct);
            await stdout.WriteLineAsync($"master key {id} is current; {rewrapped} data keys re-wrapped under it. Older lines of master.keys can now be removed.");
            return 0;
        });
        keys.Add(rotate);
        return keys;
    }

    public static Command Seal(TextWriter stdout, Option<string?> db, IClock clock)
    {
        var seal = new Command("seal", "Seal the log now (signed with the seal key), or check an exported seal");
        seal.SetAction(async (parse, ct) =>
        {
            await using var dataSource = await Database.OpenAsync(parse.GetValue(db), ct);
            var made = await new Seals(new PostgresEventStore(dataSource), Database.Keys().Ring, clock, new SealOptions()).SealAsync(ct);
            await stdout.WriteLineAsync(made is null ? "nothing appended since the latest seal" : JsonSerializer.Serialize(Seals.Export(made)));
            return 0;
        });
        var file = new Argument<FileInfo>("FILE") { Description = "an exported seal (seal-N.json)" };
        var publicKey = new Option<string?>("--public-key") { Description = "the base64 public key you trust (default: the one in the file)" };
        var check = new Command("check", "Check an exported seal's signature with a public key alone (no database)") { file, publicKey };
        check.SetAction(async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            if (!path.Exists) throw new CliInputException($"{path.FullName}: no such file");
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(path.FullName, ct));
            var root = doc.RootElement;
            var key = parse.GetValue(publicKey) ?? root.GetProperty("publicKey").GetString()!;
            var valid = Seals.VerifySignature(Convert.FromBase64String(key), root.GetProperty("payload").GetString()!, Convert.FromBase64String(root.GetProperty("signature").GetString()!));
            await stdout.WriteLineAsync(valid ? "seal signature valid" : "seal signature INVALID");
            return valid ? 0 : 1;
        });
        seal.Add(check);
        return seal;
    }
}
