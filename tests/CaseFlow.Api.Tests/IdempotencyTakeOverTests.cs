using System.Net;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Idempotency;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>
/// A claim left by a node that died mid-request is taken over after 5 minutes, judged by the database's clock (the one that stamped
/// it): at 4 min 50 s a repeat is still 409, at 5 min 10 s it runs and its answer is kept under the key.
/// </summary>
public class IdempotencyTakeOverTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    [Fact]
    public async Task AClaimOlderThanFiveMinutes_IsTakenOver_AYoungerOneIsStillInProgress()
    {
        var client = app.Client();
        var path = $"/api/host-parties/{app.HostA}/subscriptions";
        var body = new { channel = "email", target = "takeover@b.kz", mode = "digest" };
        var hash = Idempotency.Hash("POST", path, "{\"channel\":\"email\",\"target\":\"takeover@b.kz\",\"mode\":\"digest\"}");
        await ClaimAsync("young", hash, "4 minutes 50 seconds");
        await ClaimAsync("old", hash, "5 minutes 10 seconds");

        var young = await client.PostJsonAsync(path, body, idempotencyKey: "young");
        Assert.Equal((HttpStatusCode.Conflict, "urn:caseflow:idempotency-key-in-progress"), (young.StatusCode, await young.TypeAsync()));

        var old = await client.PostJsonAsync(path, body, idempotencyKey: "old");
        Assert.Equal(HttpStatusCode.Created, old.StatusCode);
        var again = await client.PostJsonAsync(path, body, idempotencyKey: "old");
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await old.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());

        // The node that left the claim comes back and fails: giving its claim back must not drop the answer the taker stored, or a
        // retry would create the subscription twice.
        var db = app.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var user = db.CreateCommand("SELECT id FROM users WHERE name = 'Officer A'"))
            await IdempotencyKeys.ReleaseAsync(db, (Guid)(await user.ExecuteScalarAsync())!, "old", CancellationToken.None);
        var afterRelease = await client.PostJsonAsync(path, body, idempotencyKey: "old");
        Assert.Equal(("true", await old.Content.ReadAsStringAsync()),
            (afterRelease.Headers.GetValues("Idempotent-Replayed").Single(), await afterRelease.Content.ReadAsStringAsync()));
    }

    private async Task ClaimAsync(string key, byte[] hash, string age)
    {
        await using var command = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand($"""
            INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) SELECT id, $1, $2, now() - interval '{age}' FROM users WHERE name = 'Officer A'
            """);
        command.Parameters.Add(new() { Value = key });
        command.Parameters.Add(new() { Value = hash });
        await command.ExecuteNonQueryAsync();
    }
}
