using System.Net;
using CaseFlow.Core.Users;
using Microsoft.Extensions.DependencyInjection;

namespace CaseFlow.Api.Tests;

/// <summary>
/// ADR 25: someone who can write to the database but holds no key cannot make the API read foreigners out for a key of their choosing:
/// a user row widened, raised, re-keyed or inserted in SQL signs no one in.
/// </summary>
public class UserBindingTests(CaseFlowApp app) : IClassFixture<CaseFlowApp>
{
    private HttpClient As(string apiKey)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add(UserStore.Header, apiKey);
        return client;
    }

    private string Dashboard(Guid host) => $"/api/host-parties/{host}/dashboard";

    /// <summary>One statement as the insider runs it, on exactly one row.</summary>
    private async Task EditAsync(string sql, Guid user) =>
        Assert.Equal(1, await app.ScalarAsync<int>($"WITH e AS ({sql} RETURNING 1) SELECT count(*)::int FROM e", user));

    private async Task<HttpStatusCode> StatusAsync(string apiKey, string url) => (await As(apiKey).GetAsync(url)).StatusCode;

    [Fact]
    public async Task AUserRowWidenedRaisedRekeyedOrInsertedInTheDatabase_SignsNoOneIn_TheRowsCaseFlowWroteStillDo()
    {
        var users = app.Services.GetRequiredService<UserStore>();
        var officer = await users.AddAsync("Officer Widened", Role.Compliance, [app.HostA]);
        var auditor = await users.AddAsync("Auditor Raised", Role.Auditor, [app.HostA]);
        var admin = await users.AddAsync("Admin Rekeyed", Role.Admin, []);
        const string insiderKey = "cf_a-key-the-insider-chose", insertedKey = "cf_a-row-the-insider-inserted";
        Assert.True(officer.User.Bound && auditor.User.Bound && admin.User.Bound);

        // As CaseFlow made them: the officer reads host A, not host B; the auditor may not write; the admin lists host parties.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(officer.ApiKey, Dashboard(app.HostA)));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(officer.ApiKey, Dashboard(app.HostB)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(auditor.ApiKey, Dashboard(app.HostA)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(admin.ApiKey, "/api/host-parties"));

        await EditAsync($"UPDATE users SET host_parties = host_parties || '{app.HostB}'::uuid WHERE id = $1", officer.User.Id);
        await EditAsync("UPDATE users SET role = 'compliance' WHERE id = $1", auditor.User.Id);
        await EditAsync($"UPDATE users SET key_hash = sha256(convert_to('{insiderKey}', 'UTF8')) WHERE id = $1", admin.User.Id);
        // A new row carrying a binding CaseFlow wrote for another user.
        await EditAsync($"""
            INSERT INTO users (id, name, role, host_parties, key_hash, key_prefix, binding)
            SELECT gen_random_uuid(), name, role, ARRAY['{app.HostA}'::uuid, '{app.HostB}'::uuid], sha256(convert_to('{insertedKey}', 'UTF8')), 'cf_a-row', binding
            FROM users WHERE id = $1
            """, officer.User.Id);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(officer.ApiKey, Dashboard(app.HostB)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(officer.ApiKey, Dashboard(app.HostA)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(auditor.ApiKey, Dashboard(app.HostA)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(insiderKey, "/api/host-parties"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(insertedKey, Dashboard(app.HostB)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(admin.ApiKey, "/api/host-parties"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(app.Keys["compliance"], Dashboard(app.HostA)));
        Assert.Equal([false, false, false, false], (await users.ListAsync()).Where(u => u.Name is "Officer Widened" or "Auditor Raised" or "Admin Rekeyed" || u.KeyPrefix == "cf_a-row").Select(u => u.Bound));
    }

    [Fact]
    public void TheBindingsFact_IsFixed_HostPartiesInAscendingOrder_SoEveryStoredBindingStillHolds()
    {
        // What existing rows were bound over: a change here (order, separators, fields) would lock every user out.
        var (id, low, high) = (Guid.Parse("01900000-0000-7000-8000-000000000001"), Guid.Parse("01900000-0000-7000-8000-00000000000a"), Guid.Parse("01900000-0000-7000-8000-00000000000b"));
        Assert.Equal("01900000-0000-7000-8000-000000000001\nA. Officer\ncompliance\n01900000-0000-7000-8000-00000000000a,01900000-0000-7000-8000-00000000000b\nABCD",
            UserStore.Fact(id, "A. Officer", "compliance", [high, low], [0xAB, 0xCD]));
    }

    [Fact]
    public async Task TheBindingCoversTheNameAndId_AStrippedBindingSignsNoOneIn_TheListShowsBothBroken_AndKeepsOnlyAKeysPrefix()
    {
        var users = app.Services.GetRequiredService<UserStore>();
        var renamed = await users.AddAsync("Officer Renamed", Role.Compliance, [app.HostA]);
        var stripped = await users.AddAsync("Officer Stripped", Role.Compliance, [app.HostA]);
        var moved = await users.AddAsync("Officer Moved", Role.Compliance, [app.HostA]); // to another id: what it does would be recorded as someone else's
        var revokedUser = await users.AddAsync("Officer Revoked", Role.Compliance, [app.HostA]);
        Assert.True(await users.RevokeAsync(revokedUser.User.Id));
        // A key names itself (cf_, for secret scanners) and only its first 8 characters are kept in clear, to tell keys apart.
        Assert.Equal(("cf_", revokedUser.ApiKey[..8], 8), (revokedUser.ApiKey[..3], revokedUser.User.KeyPrefix, (await users.ListAsync()).Single(u => u.Id == revokedUser.User.Id).KeyPrefix.Length));
        await EditAsync("UPDATE users SET name = 'Someone Else' WHERE id = $1", renamed.User.Id);
        await EditAsync("UPDATE users SET binding = NULL WHERE id = $1", stripped.User.Id);
        await EditAsync($"UPDATE users SET id = '{Guid.CreateVersion7()}' WHERE id = $1", moved.User.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(moved.ApiKey, Dashboard(app.HostA)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(renamed.ApiKey, Dashboard(app.HostA)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(stripped.ApiKey, Dashboard(app.HostA)));

        var listed = (await users.ListAsync()).ToDictionary(u => u.Id);
        Assert.Equal((false, false, true), (listed[renamed.User.Id].Bound, listed[stripped.User.Id].Bound, listed[revokedUser.User.Id].Bound));
        Assert.Equal((null, true), (listed[renamed.User.Id].RevokedAt, listed[revokedUser.User.Id].RevokedAt is not null));

        // An operator holding the keys binds the renamed row as it stands: it signs in again, under its new name.
        Assert.True(await users.RebindAsync(renamed.User.Id));
        Assert.Equal("Someone Else", (await users.AuthenticateAsync(renamed.ApiKey))!.Name);
        Assert.False(await users.RebindAsync(Guid.CreateVersion7()));
    }
}
