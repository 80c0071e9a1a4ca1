using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CaseFlow.TestSupport;

/// <summary>
/// A real PostgreSQL for tests. With <c>CASEFLOW_TEST_DB</c> set (a connection string to a server where the user may create
/// databases) tests use that server. Otherwise one throwaway cluster is started per test process: initdb into a temp folder,
/// a free loopback port, fsync off; run as the <c>postgres</c> user when the process is root (initdb refuses root); stopped
/// and deleted when the process exits. Each test class takes its own database from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<Task<string>> Server = new(StartAsync);

    /// <summary>The throwaway server's own log (PostgreSQL's errors and their details); null when the tests use an external server.</summary>
    public static string? ServerLog { get; private set; }

    public static async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var admin = await Server.Value;
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 50 }.ConnectionString;
    }

    /// <summary>Drops a database <see cref="CreateDatabaseAsync"/> made (its connections closed first), so its pages leave the server's buffer cache.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(await Server.Value);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("CASEFLOW_TEST_DB") is { Length: > 0 } external) return external;

        var bin = FindServerBinaries();
        RemoveStaleClusters(bin, Environment.IsPrivilegedProcess);
        var root = Directory.CreateTempSubdirectory("caseflow-pg-").FullName;
        var data = Path.Combine(root, "data");
        var asPostgres = Environment.IsPrivilegedProcess;
        if (asPostgres) Run("chown", $"postgres {root}");
        Run(Path.Combine(bin, "initdb"), $"-D {data} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync", asPostgres);
        var port = FreePort();
        var options = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" +
            $" -c shared_buffers={SharedBuffers} -c max_wal_size=8GB";
        Run(Path.Combine(bin, "pg_ctl"), $"-D {data} -l {Path.Combine(root, "log")} -o \"{options}\" -w start", asPostgres);
        ServerLog = Path.Combine(root, "log");
        var stop = $"{(asPostgres ? "runuser -u postgres -- " : "")}{Path.Combine(bin, "pg_ctl")} -D {data} -m immediate -w stop >/dev/null 2>&1; rm -rf {root}";
        File.WriteAllText(Path.Combine(root, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // A watchdog outside this process: when the test host is gone (even killed with SIGKILL, where no exit handler runs), it stops
        // the cluster and deletes its folder. It runs in a session of its own, so killing the test host's process group spares it.
        using (Process.Start(new ProcessStartInfo("setsid", ["sh", "-c", $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {stop}"])
               { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })) { }
        // On a normal exit, at once: stopping and deleting run in a shell of their own, which finishes even if this process is killed meanwhile.
        void Stop()
        {
            using var shell = Process.Start(new ProcessStartInfo("sh", ["-c", stop]) { UseShellExecute = false });
            shell?.WaitForExit(TimeSpan.FromSeconds(10));
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => Stop();
        await Task.CompletedTask;
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true";
    }

    /// <summary>Deletes the cluster folder; the server may still be removing its files for a moment after stopping.</summary>
    private static void Remove(string root)
    {
        for (var attempt = 0; attempt < 10 && Directory.Exists(root); attempt++)
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
            catch (UnauthorizedAccessException)
            {
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>
    /// Clusters of earlier runs whose test host is gone (its owner.pid names no live process) and whose watchdog did not finish: their
    /// server, if still running, is stopped, and the folder deleted.
    /// </summary>
    private static void RemoveStaleClusters(string bin, bool asPostgres)
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), "caseflow-pg-*"))
        {
            var ownerFile = Path.Combine(dir, "owner.pid");
            var ownerAlive = File.Exists(ownerFile) && int.TryParse(File.ReadAllText(ownerFile).Trim(), out var owner) && Directory.Exists($"/proc/{owner}");
            if (ownerAlive || Directory.GetLastWriteTimeUtc(dir) > DateTime.UtcNow.AddMinutes(-1)) continue;
            if (File.Exists(Path.Combine(dir, "data", "postmaster.pid")))
            {
                try
                {
                    Run(Path.Combine(bin, "pg_ctl"), $"-D {Path.Combine(dir, "data")} -m immediate -w stop", asPostgres);
                }
                catch (InvalidOperationException)
                {
                    // Already stopped.
                }
            }
            Remove(dir);
        }
    }

    /// <summary>The throwaway cluster's buffer cache: <c>CASEFLOW_PG_SHARED_BUFFERS</c> (e.g. <c>6GB</c>), else 2 GB as a server would have.</summary>
    private static string SharedBuffers =>
        Environment.GetEnvironmentVariable("CASEFLOW_PG_SHARED_BUFFERS") is { Length: > 0 } size && System.Text.RegularExpressions.Regex.IsMatch(size, "^[0-9]{1,6}[MG]B$") ? size : "2GB";

    /// <summary>PostgreSQL server binaries: <c>CASEFLOW_PG_BIN</c>, else the newest /usr/lib/postgresql/*/bin.</summary>
    public static string FindServerBinaries()
    {
        if (Environment.GetEnvironmentVariable("CASEFLOW_PG_BIN") is { Length: > 0 } configured) return configured;
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).ToList()
            : [];
        return candidates.FirstOrDefault() ?? throw new InvalidOperationException(
            "No PostgreSQL server binaries under /usr/lib/postgresql/*/bin: install the Debian package 'postgresql' (ops/test does), or set CASEFLOW_TEST_DB.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Run(string file, string arguments, bool asPostgres = false)
    {
        var start = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {file} {arguments}")
            : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = "/tmp";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
    }
}
