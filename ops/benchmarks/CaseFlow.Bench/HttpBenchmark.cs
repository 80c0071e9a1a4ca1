using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace CaseFlow.Bench;

/// <summary>
/// The API under load on loopback: the Release API host started as its own process (demo data, the bench database), driven by a load
/// generator in this process (Debian's wrk is not installed by the repo; this is its equivalent: N connections, each sending its next
/// request when the last answered, for a fixed time). Three requests, each at 1, 16 and 64 connections: a case read
/// (<c>GET /api/cases/{id}</c>, a case with a history, evaluated as of today), a list (<c>GET /api/cases?limit=50</c>) and recording an
/// entry (<c>POST /api/cases/{id}/entries</c> with If-Match and an Idempotency-Key, each on a case of its own, imported beforehand).
/// Prints requests a second, p50 and p99 latency, and any answer that was not a success. Client and server share the two cores.
/// </summary>
internal static class HttpBenchmark
{
    private const string ComplianceKey = "demo-compliance-key";

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var connectionString = await BenchDatabase.ConnectionStringAsync("http");
        var root = Environment.GetEnvironmentVariable("CASEFLOW_ROOT") ?? throw new InvalidOperationException("CASEFLOW_ROOT: run through ops/bench");
        var port = FreePort();
        var keyFile = Path.Combine(Path.GetTempPath(), $"caseflow-bench-{port}.key");
        var keys = CaseFlow.Core.Security.KeyRing.EphemeralOptions();
        using var api = StartApi(root, connectionString, port, keyFile, keys);
        try
        {
            using var setup = Client(1, port);
            await WaitReadyAsync(setup, api);
            var host = (await JsonAsync(setup, "/api/cases?limit=1")).GetProperty("items")[0].GetProperty("hostPartyId").GetGuid();
            // Cases to read: the demo's; cases to record entries on: imported, not yet arrived (version 1), one per request.
            var readId = (await JsonAsync(setup, "/api/cases?limit=50")).GetProperty("items").EnumerateArray()
                .OrderByDescending(c => c.GetProperty("version").GetInt64()).First().GetProperty("id").GetGuid();
            var arrivals = new Queue<Guid>(await ImportArrivalsAsync(setup, host, seconds));
            var longCase = await LongHistoryAsync(connectionString, keys, host, 4000);

            var today = DateTime.UtcNow.Date.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var entry = Encoding.UTF8.GetBytes($$"""{"date":"{{today}}","borderPoint":"ALA"}""");
            var scenarios = new (string Name, Func<HttpRequestMessage> Request)[]
            {
                ("case read", () => new HttpRequestMessage(HttpMethod.Get, $"/api/cases/{readId}")),
                ("case list (50)", () => new HttpRequestMessage(HttpMethod.Get, "/api/cases?limit=50")),
                ("record entry", () =>
                {
                    Guid id;
                    lock (arrivals) id = arrivals.Count > 0 ? arrivals.Dequeue() : throw new InvalidOperationException("out of imported cases");
                    var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cases/{id}/entries") { Content = new ByteArrayContent(entry) };
                    request.Content.Headers.ContentType = new("application/json");
                    request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
                    request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                    return request;
                }),
            };
            using (var one = Client(1, port))
            {
                // The first read computes the view from 8,001 events and seals it as the case's snapshot; the reads after it are served from it.
                var computed = Stopwatch.StartNew();
                using (var first = await one.GetAsync($"/api/cases/{longCase}")) await first.Content.LoadIntoBufferAsync();
                Console.WriteLine($"a case of 4,000 stays, first read (computed, its snapshot stored): {computed.Elapsed.TotalMilliseconds:N1} ms");
                // Warm-up as long as the measurement: at 10-70 reads a second the runtime takes seconds to compile this path's hot code.
                Func<HttpRequestMessage> readLong = () => new HttpRequestMessage(HttpMethod.Get, $"/api/cases/{longCase}");
                await LoadAsync(one, readLong, 1, TimeSpan.FromSeconds(seconds));
                var single = await LoadAsync(one, readLong, 1, TimeSpan.FromSeconds(seconds));
                Console.WriteLine($"a case of 4,000 stays, read alone after it: p50 {single.P50:N1} ms, p99 {single.P99:N1} ms ({single.PerSecond:N1} req/s; target under 50 ms)");
            }
            Console.WriteLine($"{"request",-16} {"conns",5} {"req/s",9} {"p50 ms",8} {"p99 ms",8}  ({seconds:N1} s each, after {seconds / 5:N1} s of warm-up)");
            foreach (var (name, request) in scenarios)
                foreach (var connections in new[] { 1, 16, 64 })
                {
                    using var client = Client(connections, port);
                    await LoadAsync(client, request, connections, TimeSpan.FromSeconds(seconds / 5)); // warm-up: connections opened, paths compiled
                    var result = await LoadAsync(client, request, connections, TimeSpan.FromSeconds(seconds));
                    var failures = result.Failures.Count == 0 ? "" : "  not 2xx: " + string.Join(", ", result.Failures.Select(f => $"{f.Key} x{f.Value}"));
                    Console.WriteLine($"{name,-16} {connections,5} {result.PerSecond,9:N0} {result.P50,8:N1} {result.P99,8:N1}{failures}");
                }
        }
        finally
        {
            if (!api.HasExited) api.Kill(entireProcessTree: true);
            await api.WaitForExitAsync();
            File.Delete(keyFile);
        }
        return 0;
    }

    private sealed record Result(double PerSecond, double P50, double P99, IReadOnlyDictionary<int, int> Failures);

    /// <summary><paramref name="connections"/> loops, each sending its next request as soon as the last is answered, until the time is up.</summary>
    private static async Task<Result> LoadAsync(HttpClient client, Func<HttpRequestMessage> request, int connections, TimeSpan duration)
    {
        var watch = Stopwatch.StartNew();
        var failures = new Dictionary<int, int>();
        var loops = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<long>();
            while (watch.Elapsed < duration)
            {
                using var message = request();
                var start = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(message);
                await response.Content.LoadIntoBufferAsync();
                latencies.Add(Stopwatch.GetTimestamp() - start);
                if (!response.IsSuccessStatusCode)
                    lock (failures) failures[(int)response.StatusCode] = failures.GetValueOrDefault((int)response.StatusCode) + 1;
            }
            return latencies;
        })).ToList();
        var all = (await Task.WhenAll(loops)).SelectMany(l => l).Order().ToArray();
        var elapsed = watch.Elapsed.TotalSeconds;
        double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(p * all.Length))] * 1000.0 / Stopwatch.Frequency;
        return new Result(all.Length / elapsed, Percentile(0.50), Percentile(0.99), failures);
    }

    /// <summary>A case with <paramref name="stays"/> two-day stays a day apart (22 years from 2003), appended through the repository with its status row.</summary>
    private static async Task<Guid> LongHistoryAsync(string connectionString, CaseFlow.Core.Security.KeyOptions keys, Guid host, int stays)
    {
        await using var dataSource = CaseFlow.EventStore.CaseFlowDataSource.Create(connectionString);
        var repository = new CaseFlow.Core.Cases.CaseRepository(new CaseFlow.EventStore.PostgresEventStore(dataSource),
            new CaseFlow.Core.Security.DataKeys(new CaseFlow.Core.Security.KeyRing(keys, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)), [new CaseFlow.Core.Cases.CaseStatusProjection(CaseFlow.Domain.Rules.RuleCatalogue.Default)]);
        var id = CaseFlow.Domain.Cases.CaseId.New();
        var events = new List<CaseFlow.Domain.Cases.CaseEvent>
        {
            new CaseFlow.Domain.Cases.CaseOpened(id, new("Longstay", "Bench", "DE", new NodaTime.LocalDate(1970, 1, 1), $"L{Guid.NewGuid():N}"[..9]), new(host), "bench"),
        };
        var day = new NodaTime.LocalDate(2003, 1, 6);
        for (var k = 0; k < stays; k++, day = day.PlusDays(1))
        {
            events.Add(new CaseFlow.Domain.Cases.Entered(id, day, "ALA", "bench"));
            events.Add(new CaseFlow.Domain.Cases.Exited(id, day = day.PlusDays(1), "bench"));
        }
        await repository.AppendAsync(null, id, events, new CaseFlow.EventStore.EventMetadata("bench", Guid.NewGuid()), CancellationToken.None);
        return id.Value;
    }

    /// <summary>Enough not-yet-arrived cases for every entry the run can record (at most 10,000 per import request).</summary>
    private static async Task<List<Guid>> ImportArrivalsAsync(HttpClient client, Guid host, double seconds)
    {
        // Three connection counts, each run for the time plus a fifth of it as warm-up, at up to 1,500 entries a second (3x what 64 connections reach).
        var wanted = (int)Math.Clamp(3 * seconds * 1.2 * 1500, 300, 60_000);
        var ids = new List<Guid>();
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        for (var start = 0; start < wanted; start += 10_000)
        {
            var csv = new StringBuilder("familyName,givenNames,nationality,birthDate,passportNumber,passportExpiry,stays,visas,notified\n");
            for (var k = start; k < Math.Min(wanted, start + 10_000); k++) csv.Append(CultureInfo.InvariantCulture, $"Arrival{k},Bench,DE,1985-05-05,A{run}{k:D6},,,,\n");
            using var response = await client.PostAsync($"/api/imports?hostParty={host}", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
            response.EnsureSuccessStatusCode();
            var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            ids.AddRange(report.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("outcome").GetString() == "created").Select(r => r.GetProperty("caseId").GetGuid()));
        }
        return ids;
    }

    private static Process StartApi(string root, string connectionString, int port, string keyFile, CaseFlow.Core.Security.KeyOptions keys)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(root, "src/CaseFlow.Api/bin/Release/net10.0/CaseFlow.Api.dll"), "--urls", $"http://127.0.0.1:{port}", "--contentRoot", Path.Combine(root, "src/CaseFlow.Api"),
                "--CaseFlow:LoadDemoData=true", "--CaseFlow:RateLimits:PerKeyPerMinute=1000000", "--CaseFlow:RateLimits:AnonymousPerMinute=1000000",
                "--Logging:LogLevel:Default=Warning",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["CASEFLOW_DB"] = connectionString;
        start.Environment["CaseFlow__Secrets__KeyFile"] = keyFile;
        start.Environment["CaseFlow__Keys__Master"] = keys.Master;
        start.Environment["CaseFlow__Keys__Index"] = keys.Index;
        start.Environment["CaseFlow__Keys__Seal"] = keys.Seal;
        var process = Process.Start(start) ?? throw new InvalidOperationException("the API did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) Console.Error.WriteLine("api: " + line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitReadyAsync(HttpClient client, Process api)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            if (api.HasExited) throw new InvalidOperationException($"the API exited ({api.ExitCode})");
            try
            {
                using var ready = await client.GetAsync("/health/ready");
                if (ready.IsSuccessStatusCode && (await JsonAsync(client, "/api/cases?limit=1")).GetProperty("items").GetArrayLength() > 0) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
        }
        throw new TimeoutException("the API was not ready with its demo data within 90 s");
    }

    private static async Task<JsonElement> JsonAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static HttpClient Client(int connections, int port)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false };
        var client = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", ComplianceKey);
        return client;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
