using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using CaseFlow.Api.Demo;
using CaseFlow.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>A host that loads the demo data (as ops/run does) and keeps every line CaseFlow logs, at every level.</summary>
public sealed class DemoApp : DemoAppBase;

public class DemoAppBase : CaseFlowApp
{
    public ConcurrentQueue<string> Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("CaseFlow:LoadDemoData", "true");
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(new QueueLogger(Log)));
    }

    private sealed class QueueLogger(ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{formatter(state, exception)} {exception}");
        public void Dispose() { }
    }
}

/// <summary>
/// Issue 12, "Done when": after the demo data is loaded and used, no passport number, name or birth date of a demo person is in clear in
/// any table, in PostgreSQL's log or in CaseFlow's log (Kazakhstan's Law on Personal Data; docs/security.md).
/// </summary>
public sealed class PersonalDataTests(DemoApp app) : IClassFixture<DemoApp>
{
    [Fact]
    public async Task TheDemo_LeavesNoNamePassportOrBirthDateInClear_InAnyTable_PostgresLog_OrCaseFlowLog()
    {
        var db = app.Services.GetRequiredService<NpgsqlDataSource>();
        // Use it as people would: lists, a case, its history and export, a search, and a duplicate the unique index refuses (an error
        // PostgreSQL logs with the key's values).
        var officer = app.CreateClient();
        officer.DefaultRequestHeaders.Add("X-Api-Key", DemoData.Keys[CaseFlow.Core.Users.Role.Compliance]);
        var page = await (await officer.GetAsync("/api/cases?q=Ivanov")).JsonAsync();
        var ivanov = page.GetProperty("items")[0];
        Assert.Equal("Sergei", ivanov.GetProperty("givenNames").GetString()); // the people are there, and readable by the right user
        var id = ivanov.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync($"/api/cases/{id}/history")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync($"/api/cases/{id}/export")).StatusCode);
        var duplicate = await officer.PostJsonAsync("/api/cases", new
        {
            person = new { familyName = "Ivanov", givenNames = "Sergei", nationality = "RU", birthDate = "1985-11-02", passportNumber = "751234567" },
            hostPartyId = ivanov.GetProperty("hostPartyId").GetGuid(),
        });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        // A response kept under an Idempotency-Key (it holds the case view), and a digest waiting in the outbox.
        var version = (await officer.GetAsync($"/api/cases/{id}")).Headers.ETag!.Tag;
        Assert.Equal(HttpStatusCode.OK, (await officer.PostJsonAsync($"/api/cases/{id}/address-changes",
            new { date = DemoToday().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), address = Address }, version, idempotencyKey: "pd-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await officer.PostJsonAsync($"/api/host-parties/{ivanov.GetProperty("hostPartyId").GetGuid()}/subscriptions",
            new { channel = "email", target = "compliance@demo.kz", mode = "digest" })).StatusCode);
        Assert.True(await app.Services.GetRequiredService<CaseFlow.Core.Delivery.DigestService>().EnqueueAsync(CancellationToken.None) >= 1);
        Assert.True(await Scalar<long>(db, "SELECT count(*) FROM idempotency_keys WHERE body IS NOT NULL") >= 1);
        // A free-text reason that names the person (an alert resolved by hand) is personal data too.
        await app.SweepAsync();
        var alert = (await (await officer.GetAsync($"/api/alerts?caseId={id}&state=open")).JsonAsync()).GetProperty("items")[0].GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await officer.PostJsonAsync($"/api/alerts/{alert}/resolve", new { reason = "Sergei Ivanov paid at the border" })).StatusCode);

        var clear = DemoData.People.SelectMany(p => new[]
        {
            p.FamilyName, p.GivenNames, p.PassportNumber, p.BirthDate!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }).Append(Address).ToList();
        Assert.Contains("751234567", clear);

        var tables = new List<string>();
        await using (var list = db.CreateCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"))
        await using (var row = await list.ExecuteReaderAsync())
            while (await row.ReadAsync()) tables.Add(row.GetString(0));
        Assert.Contains("events", tables);
        foreach (var table in tables)
        {
            var text = WithoutCiphertext(await Scalar<string>(db, $"SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM \"{table}\" t") ?? "");
            foreach (var value in clear) Assert.False(Names(text, value), $"'{value}' in clear in table {table}");
        }
        Assert.NotNull(TestPostgres.ServerLog);
        var serverLog = WithoutCiphertext(await File.ReadAllTextAsync(TestPostgres.ServerLog!));
        Assert.Contains("case_status_person", serverLog); // the duplicate was logged, with its key: a blind index, no passport
        foreach (var value in clear) Assert.False(Names(serverLog, value), $"'{value}' in clear in PostgreSQL's log");
        var caseFlowLog = string.Join('\n', app.Log);
        Assert.NotEmpty(app.Log);
        foreach (var value in clear) Assert.False(Names(caseFlowLog, value), $"'{value}' in clear in CaseFlow's log");
    }

    /// <summary>
    /// The text without sealed values and hashes (base64 runs, bytea hex): random bytes spell a short name ("Petr") now and then; what
    /// is left is what a person reading the dump would see.
    /// </summary>
    private static string WithoutCiphertext(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"\\x[0-9a-f]+|[A-Za-z0-9+/]{20,}={0,2}", "#");

    /// <summary>Whether <paramref name="text"/> holds <paramref name="value"/> as a word of its own (Petr, not the border point Petropavl).</summary>
    private static bool Names(string text, string value) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, $@"(?<![\p{{L}}\p{{N}}]){System.Text.RegularExpressions.Regex.Escape(value)}(?![\p{{L}}\p{{N}}])",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    private const string Address = "Abai avenue 150, flat 7";

    private NodaTime.LocalDate DemoToday() => CaseFlow.Domain.Calendar.LegalTime.Today(app.Clock);

    private static async Task<T?> Scalar<T>(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (T?)await command.ExecuteScalarAsync();
    }
}
