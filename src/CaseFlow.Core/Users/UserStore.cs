using System.Security.Cryptography;
using System.Text;
using CaseFlow.Core.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CaseFlow.Core.Users;

/// <summary>A user as listed; <paramref name="Bound"/> is false for a row edited or made outside CaseFlow (it authenticates no one).</summary>
public sealed record UserRecord(Guid Id, string Name, Role Role, IReadOnlyList<Guid> HostParties, string KeyPrefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, bool Bound);

/// <summary>
/// Users and their API keys. A key is shown once when created; only its SHA-256 is stored. Each row carries a binding (ADR 25) of
/// who the key is, which only a process holding the keys can write: a row edited or inserted in SQL authenticates no one.
/// </summary>
public sealed class UserStore(NpgsqlDataSource db, KeyRing keys, ILogger<UserStore>? log = null)
{
    private readonly ILogger logger = (ILogger?)log ?? NullLogger.Instance;

    public const string Header = "X-Api-Key";

    /// <summary>Creates a user and returns the API key (shown once).</summary>
    public async Task<(UserRecord User, string ApiKey)> AddAsync(string name, Role role, IReadOnlyList<Guid> hostParties, string? apiKey = null, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a user needs a name", nameof(name));
        if (role is Role.Compliance or Role.Auditor && hostParties.Count == 0)
            throw new ArgumentException($"a {role.ToString().ToLowerInvariant()} user needs at least one host party", nameof(hostParties));
        var key = apiKey ?? "cf_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var id = Guid.CreateVersion7();
        await using var command = db.CreateCommand("""
            INSERT INTO users (id, name, role, host_parties, key_hash, key_prefix, binding) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING created_at
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = name.Trim() });
        command.Parameters.Add(new() { Value = RoleName(role) });
        command.Parameters.Add(new() { Value = hostParties.ToArray() });
        command.Parameters.Add(new() { Value = Hash(key) });
        command.Parameters.Add(new() { Value = key[..Math.Min(8, key.Length)] });
        command.Parameters.Add(new() { Value = keys.BindUser(Fact(id, name.Trim(), RoleName(role), hostParties, Hash(key))) });
        var created = (DateTime)(await command.ExecuteScalarAsync(ct))!;
        return (new UserRecord(id, name.Trim(), role, hostParties, key[..Math.Min(8, key.Length)], new DateTimeOffset(created, TimeSpan.Zero), null, true), key);
    }

    /// <summary>
    /// Binds the user's row as it stands now (an installation from before ADR 25, or a row an operator holding the keys has checked
    /// after a hand edit); false when there is no such user.
    /// </summary>
    public async Task<bool> RebindAsync(Guid id, CancellationToken ct = default)
    {
        await using var read = db.CreateCommand("SELECT name, role, host_parties, key_hash FROM users WHERE id = $1");
        read.Parameters.Add(new() { Value = id });
        string fact;
        await using (var row = await read.ExecuteReaderAsync(ct))
        {
            if (!await row.ReadAsync(ct)) return false;
            fact = Fact(id, row.GetString(0), row.GetString(1), row.GetFieldValue<Guid[]>(2), row.GetFieldValue<byte[]>(3));
        }
        await using var write = db.CreateCommand("UPDATE users SET binding = $2 WHERE id = $1");
        write.Parameters.Add(new() { Value = id });
        write.Parameters.Add(new() { Value = keys.BindUser(fact) });
        return await write.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// What a user's binding covers: who the key is (id, name, role, host parties in a fixed order) and which key (its hash). Not the
    /// revocation: revoking needs no key, and an insider restoring a revoked row wholesale is not caught (docs/security.md).
    /// </summary>
    public static string Fact(Guid id, string name, string role, IEnumerable<Guid> hostParties, byte[] keyHash) =>
        $"{id:D}\n{name}\n{role}\n{string.Join(',', hostParties.Order().Select(h => h.ToString("D")))}\n{Convert.ToHexString(keyHash)}";

    private static string RoleName(Role role) => role.ToString().ToLowerInvariant();

    public async Task<bool> RevokeAsync(Guid id, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("UPDATE users SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL");
        command.Parameters.Add(new() { Value = id });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<IReadOnlyList<UserRecord>> ListAsync(CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("SELECT id, name, role, host_parties, key_prefix, created_at, revoked_at, key_hash, binding FROM users ORDER BY created_at");
        var users = new List<UserRecord>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
        {
            var (id, name, role, hosts) = (row.GetGuid(0), row.GetString(1), row.GetString(2), row.GetFieldValue<Guid[]>(3));
            users.Add(new UserRecord(id, name, Enum.Parse<Role>(role, ignoreCase: true), hosts, row.GetString(4),
                new DateTimeOffset(row.GetDateTime(5), TimeSpan.Zero), row.IsDBNull(6) ? null : new DateTimeOffset(row.GetDateTime(6), TimeSpan.Zero),
                Holds(row.IsDBNull(8) ? null : row.GetFieldValue<byte[]>(8), Fact(id, name, role, hosts, row.GetFieldValue<byte[]>(7)))));
        }
        return users;
    }

    /// <summary>
    /// Names for actors as events and rows record them (<c>user:&lt;id&gt;</c>); other actors (<c>system:deadline-sweep</c>) are their own name.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> ActorNamesAsync(NpgsqlDataSource db, IEnumerable<string?> actors, CancellationToken ct)
    {
        var distinct = actors.OfType<string>().Distinct().ToList();
        var names = distinct.ToDictionary(a => a, a => a);
        var ids = distinct.Select(a => a.StartsWith("user:", StringComparison.Ordinal) && Guid.TryParse(a[5..], out var id) ? id : (Guid?)null).OfType<Guid>().ToArray();
        if (ids.Length == 0) return names;
        await using var command = db.CreateCommand("SELECT id, name FROM users WHERE id = ANY($1)");
        command.Parameters.Add(new() { Value = ids });
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct)) names[$"user:{row.GetGuid(0)}"] = row.GetString(1);
        return names;
    }

    /// <summary>The active user holding <paramref name="apiKey"/>, or null.</summary>
    public async Task<Principal?> AuthenticateAsync(string apiKey, CancellationToken ct = default)
    {
        var hash = Hash(apiKey);
        await using var command = db.CreateCommand("SELECT id, name, role, host_parties, binding FROM users WHERE key_hash = $1 AND revoked_at IS NULL");
        command.Parameters.Add(new() { Value = hash });
        await using var row = await command.ExecuteReaderAsync(ct);
        if (!await row.ReadAsync(ct)) return null;
        var (id, name, role, hosts) = (row.GetGuid(0), row.GetString(1), row.GetString(2), row.GetFieldValue<Guid[]>(3));
        if (!Holds(row.IsDBNull(4) ? null : row.GetFieldValue<byte[]>(4), Fact(id, name, role, hosts, hash)))
        {
            // The caller hears only 401, as for any unknown key; the operators hear which row no longer says what CaseFlow wrote.
            logger.LogError("User {UserId}'s row does not hold its binding (made or edited outside CaseFlow): its key is refused; check the row, then `caseflow users bind`", id);
            return null;
        }
        return new Principal(id, name, Enum.Parse<Role>(role, ignoreCase: true), hosts.ToHashSet());
    }

    private bool Holds(byte[]? binding, string fact) => binding is not null && CryptographicOperations.FixedTimeEquals(binding, keys.BindUser(fact));

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
