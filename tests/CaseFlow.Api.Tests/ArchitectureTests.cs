using System.Text.RegularExpressions;
using System.Xml.Linq;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Projections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>
/// The layout docs/architecture.md promises, checked by reading the sources and the running app: hosts reference Core, never each
/// other; every table is made by a numbered migration and its SQL lives in one owning class; every endpoint lives in a file of its
/// own name; files fit on a screen or two.
/// </summary>
public partial class ArchitectureTests(HostileApp app) : IClassFixture<HostileApp>
{
    private static string Root([System.Runtime.CompilerServices.CallerFilePath] string here = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    private static IEnumerable<string> Sources(string folder, string pattern = "*.cs") =>
        Directory.GetFiles(Path.Combine(Root(), folder), pattern, SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [Fact]
    public void NoProjectReferencesTheApi_AndNeitherCoreNorTheCliNeedsAspNetCore()
    {
        var projects = Sources("src", "*.csproj").Concat(Sources("ops", "*.csproj")).Where(p => Path.GetFileName(p) != "CaseFlow.Api.csproj").ToList();
        Assert.Contains(projects, p => Path.GetFileName(p) == "CaseFlow.Cli.csproj");
        Assert.Contains(projects, p => Path.GetFileName(p) == "CaseFlow.Bench.csproj");
        foreach (var project in projects)
        {
            var references = XDocument.Load(project).Descendants().Where(e => e.Name.LocalName is "ProjectReference" or "FrameworkReference")
                .Select(e => (string?)e.Attribute("Include") ?? "").ToList();
            Assert.DoesNotContain(references, r => r.EndsWith("CaseFlow.Api.csproj", StringComparison.Ordinal));
            if (Path.GetFileName(project) is "CaseFlow.Cli.csproj" or "CaseFlow.Core.csproj" or "CaseFlow.Bench.csproj")
                Assert.DoesNotContain("Microsoft.AspNetCore.App", references);
        }
        // What Core compiles against, not just what its project file says.
        Assert.DoesNotContain(typeof(CaseRepository).Assembly.GetReferencedAssemblies(), a => a.Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void NoTableIsCreatedFromCSharp_OnlyByNumberedMigrations()
    {
        var offenders = Sources("src").Where(f => Path.GetFileName(f) != "Migrator.cs") // the ledger of migrations (schema_migrations) is the one table a migration cannot create
            .Where(f => CreateTable().IsMatch(File.ReadAllText(f))).Select(f => Path.GetRelativePath(Root(), f)).ToList();
        Assert.True(offenders.Count == 0, "CREATE TABLE outside src/CaseFlow.EventStore/Sql/NNNN_*.sql: " + string.Join(", ", offenders));
        var migrations = Migrations().Select(Path.GetFileName).ToList();
        Assert.All(migrations, m => Assert.Matches(@"^\d{4}_[a-z0-9_]+\.sql$", m));
        Assert.Equal(migrations.Count, migrations.Select(m => m![..4]).Distinct().Count());
    }

    /// <summary>
    /// Each table's SQL is in one owning class: a class split by job into partial files (<c>Owner.Job.cs</c>) counts as one owner.
    /// SQL naming a table is found by its clauses (FROM, JOIN, INTO, UPDATE, COPY, TABLE); a projection owns the tables it declares
    /// (<see cref="ITableProjection.Shapes"/>), which its base class writes by name.
    /// </summary>
    [Fact]
    public void EveryTable_HasItsSqlInOneOwningClass()
    {
        var tables = Migrations().SelectMany(m => TableName().Matches(File.ReadAllText(m)).Select(x => x.Groups[1].Value)).Distinct().ToList();
        Assert.True(tables.Count >= 18, $"only {tables.Count} tables found in the migrations");
        var sources = Sources("src").Select(f => (Owner: Path.GetFileName(f).Split('.')[0], Text: File.ReadAllText(f))).ToList();
        var declared = app.Services.GetRequiredService<ProjectionCatalog>().Projections.OfType<ITableProjection>()
            .SelectMany(p => p.Shapes.Select(s => (s.Table, Owner: p.GetType().Name))).ToList();
        var failures = new List<string>();
        foreach (var table in tables)
        {
            var clause = new Regex($@"\b(FROM|JOIN|INTO|UPDATE|COPY|TABLE)\s+{table}\b");
            var owners = sources.Where(s => clause.IsMatch(s.Text)).Select(s => s.Owner).Concat(declared.Where(d => d.Table == table).Select(d => d.Owner))
                .Distinct().Order().ToList();
            if (owners.Count != 1) failures.Add($"{table}: {(owners.Count == 0 ? "no owner" : string.Join(", ", owners))}");
        }
        Assert.True(failures.Count == 0, "tables without exactly one owner: " + string.Join("; ", failures));
    }

    [Fact]
    public async Task EveryProjectionColumn_ExistsInTheTableItsMigrationMade()
    {
        var catalog = app.Services.GetRequiredService<ProjectionCatalog>();
        var db = app.Services.GetRequiredService<NpgsqlDataSource>();
        var written = catalog.Projections.OfType<ITableProjection>().ToList();
        Assert.Equal(catalog.Projections.Count, written.Count);
        foreach (var projection in written.SelectMany(p => p.Shapes))
        {
            await using var command = db.CreateCommand("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1");
            command.Parameters.Add(new() { Value = projection.Table });
            var columns = new List<string>();
            await using (var row = await command.ExecuteReaderAsync())
                while (await row.ReadAsync()) columns.Add(row.GetString(0));
            Assert.True(columns.Count > 0, $"{projection.Table}: no such table");
            Assert.All(projection.Columns, c => Assert.True(columns.Contains(c.Name), $"{projection.Table}.{c.Name} is written but no migration created it"));
        }
    }

    [Fact]
    public void EveryEndpoint_LivesInAFileNamedForIt_AndNoEndpointFileMapsTwoRoutes()
    {
        var api = Sources(Path.Combine("src", "CaseFlow.Api")).ToList();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } r && (r.StartsWith("/api", StringComparison.Ordinal) || r.StartsWith("/health", StringComparison.Ordinal))).ToList();
        Assert.True(endpoints.Count >= 35, $"only {endpoints.Count} endpoints");
        var failures = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
            var file = name is null ? null : api.SingleOrDefault(f => Path.GetFileName(f) == name + ".cs");
            if (file is null || !File.ReadAllText(file).Contains($"\"{name}\"", StringComparison.Ordinal))
                failures.Add($"{endpoint.RoutePattern.RawText} ({name ?? "no name"})");
        }
        Assert.True(failures.Count == 0, "endpoints not found in a file of their name: " + string.Join(", ", failures));
        var crowded = api.Where(f => MapRoute().Matches(File.ReadAllText(f)).Count > 1).Select(f => Path.GetRelativePath(Root(), f)).ToList();
        Assert.True(crowded.Count == 0, "files mapping more than one route: " + string.Join(", ", crowded));
    }

    [Fact]
    public void EverySourceFile_FitsOnAScreenOrTwo_AtMost250Lines()
    {
        var long_ = Sources("src").Select(f => (File: Path.GetRelativePath(Root(), f), Lines: File.ReadAllLines(f).Length)).Where(f => f.Lines > 250).ToList();
        Assert.True(long_.Count == 0, "over 250 lines: " + string.Join(", ", long_.Select(f => $"{f.File} ({f.Lines})")));
    }

    /// <summary>ops/plant's catalogue stays plantable: a code change that moves a planted text would otherwise retire its plant unnoticed.</summary>
    [Fact]
    public void EveryPlantedBug_FindsItsTextExactlyOnce()
    {
        var stale = File.ReadAllLines(Path.Combine(Root(), "tests", "planted-bugs.tsv")).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t'))
            .Where(c => c.Length != 6 || Occurrences(File.ReadAllText(Path.Combine(Root(), c[1])), c[2].Replace("\\t", "\t").Replace("\\n", "\n")) != 1)
            .Select(c => c[0]).ToList();
        Assert.True(stale.Count == 0, "planted bugs whose text is not found exactly once: " + string.Join(", ", stale));
    }

    private static int Occurrences(string text, string find)
    {
        var count = 0;
        for (var at = text.IndexOf(find, StringComparison.Ordinal); at >= 0; at = text.IndexOf(find, at + 1, StringComparison.Ordinal)) count++;
        return count;
    }

    private static IEnumerable<string> Migrations() => Directory.GetFiles(Path.Combine(Root(), "src", "CaseFlow.EventStore", "Sql"), "*.sql").Order();

    [GeneratedRegex(@"CREATE\s+(UNLOGGED\s+)?TABLE", RegexOptions.IgnoreCase)]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_]+)\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex TableName();

    [GeneratedRegex(@"\.Map(Get|Post|Put|Patch|Delete|Methods)\(")]
    private static partial Regex MapRoute();
}
