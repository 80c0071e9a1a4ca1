using CaseFlow.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace CaseFlow.Api.Tests;

/// <summary>The access log's group commit (<see cref="AccessLogWriter"/>): every read's entry durable before the read answers, concurrent reads committed together, a failure failing every read it holds.</summary>
public sealed class AccessLogWriterTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private NpgsqlDataSource Db => app.Services.GetRequiredService<NpgsqlDataSource>();

    private async Task<long> CountAsync(string sql, string endpoint)
    {
        await using var command = Db.CreateCommand(sql);
        command.Parameters.Add(new() { Value = endpoint });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task AnEntry_IsCommitted_BeforeRecordReturns_WithItsUserEndpointAndCases()
    {
        await using var writer = new AccessLogWriter(Db);
        var (user, cases) = (Guid.NewGuid(), new[] { Guid.NewGuid(), Guid.NewGuid() });
        var endpoint = "one-" + Guid.NewGuid();
        await writer.RecordAsync(user, endpoint, cases);
        var entry = Assert.Single(await AccessLog.QueryAsync(Db, cases[1], user, 10, default));
        Assert.Equal((user, endpoint), (entry.UserId, entry.Endpoint));
        Assert.Equal(cases, entry.CaseIds);
        await writer.RecordAsync(user, endpoint, []); // nothing read, nothing to record
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM access_log WHERE endpoint = $1", endpoint));
    }

    [Fact]
    public async Task ConcurrentReads_AreAllRecorded_InFewerCommitsThanReads()
    {
        await using var writer = new AccessLogWriter(Db);
        var endpoint = "many-" + Guid.NewGuid();
        var cases = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToArray();
        await Task.WhenAll(cases.Select(c => Task.Run(() => writer.RecordAsync(Guid.NewGuid(), endpoint, [c]))));
        Assert.Equal(200, await CountAsync("SELECT count(DISTINCT case_ids[1]) FROM access_log WHERE endpoint = $1", endpoint));
        var commits = await CountAsync("SELECT count(DISTINCT xmin::text) FROM access_log WHERE endpoint = $1", endpoint);
        Assert.True(commits < 100, $"{commits} commits for 200 reads: the entries were not committed together");
    }

    [Fact]
    public async Task AFailedWrite_FailsEveryReadWaitingOnIt_AndTheNextWriteStillWorks()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(Db.ConnectionString) { Port = 1, Timeout = 2 }.ConnectionString;
        await using var broken = NpgsqlDataSource.Create(unreachable);
        await using var writer = new AccessLogWriter(broken);
        var reads = Enumerable.Range(0, 5).Select(_ => writer.RecordAsync(Guid.NewGuid(), "broken", [Guid.NewGuid()])).ToList();
        foreach (var read in reads) await Assert.ThrowsAnyAsync<Exception>(() => read);
        await Assert.ThrowsAnyAsync<Exception>(() => writer.RecordAsync(Guid.NewGuid(), "broken", [Guid.NewGuid()])); // the writer goes on
    }

    [Fact]
    public async Task Disposing_WritesWhatWasQueued_BeforeItReturns()
    {
        var endpoint = "dispose-" + Guid.NewGuid();
        var writer = new AccessLogWriter(Db);
        var reads = Enumerable.Range(0, 20).Select(_ => writer.RecordAsync(Guid.NewGuid(), endpoint, [Guid.NewGuid()])).ToList();
        await writer.DisposeAsync();
        Assert.Equal(20, await CountAsync("SELECT count(*) FROM access_log WHERE endpoint = $1", endpoint)); // written, not only queued
        await Task.WhenAll(reads);
    }

    [Fact]
    public async Task MoreReadsThanOneFlushHolds_OneAfterAnother_AreEachWritten()
    {
        // Each read alone in its flush, more of them than a flush may hold: a flush that kept what it wrote would stop taking new ones.
        await using var writer = new AccessLogWriter(Db);
        var endpoint = "sequential-" + Guid.NewGuid();
        for (var i = 0; i < AccessLogWriter.MaxBatch + 20; i++)
            await writer.RecordAsync(Guid.NewGuid(), endpoint, [Guid.NewGuid()]).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(AccessLogWriter.MaxBatch + 20, await CountAsync("SELECT count(*) FROM access_log WHERE endpoint = $1", endpoint));
    }

    [Fact]
    public async Task TheLog_IsQueriedByCase_ByUser_OrByBoth()
    {
        await using var writer = new AccessLogWriter(Db);
        var (a, b, x, y) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await writer.RecordAsync(a, "query", [x]);
        await writer.RecordAsync(b, "query", [x]);
        await writer.RecordAsync(a, "query", [y]);
        Assert.Equal([b, a], (await AccessLog.QueryAsync(Db, x, null, 10, default)).Select(e => e.UserId)); // newest first
        Assert.Equal([y, x], (await AccessLog.QueryAsync(Db, null, a, 10, default)).Select(e => e.CaseIds[0]));
        Assert.Equal(x, Assert.Single(await AccessLog.QueryAsync(Db, x, a, 10, default)).CaseIds[0]);
        Assert.Single(await AccessLog.QueryAsync(Db, null, a, 1, default)); // the limit
    }
}
