using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace CaseFlow.Core.Users;

public sealed record UserRecord(Guid Id, string Name, Role Role, IReadOnlyList<Guid> HostParties, string KeyPrefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>Users and their API keys. A key is shown once when created; only its SHA-256 is stored.</summary>
public sealed class UserStore(NpgsqlDataSource db)
{
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
            INSERT INTO users (id, name, role, host_parties, key_hash, key_prefix) VALUES ($1, $2, $3, $4, $5, $6) RETURNING created_at
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = name.Trim() });
        command.Parameters.Add(new() { Value = role.ToString().ToLowerInvariant() });
        command.Parameters.Add(new() { Value = hostParties.ToArray() });
        command.Parameters.Add(new() { Value = Hash(key) });
        command.Parameters.Add(new() { Value = key[..Math.Min(8, key.Length)] });
        var created = (DateTime)(await command.ExecuteScalarAsync(ct))!;
        return (new UserRecord(id, name.Trim(), role, hostParties, key[..Math.Min(8, key.Length)], new DateTimeOffset(created, TimeSpan.Zero), null), key);
    }

    public async Task<bool> RevokeAsync(Guid id, CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("UPDATE users SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL");
        command.Parameters.Add(new() { Value = id });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<IReadOnlyList<UserRecord>> ListAsync(CancellationToken ct = default)
    {
        await using var command = db.CreateCommand("SELECT id, name, role, host_parties, key_prefix, created_at, revoked_at FROM users ORDER BY created_at");
        var users = new List<UserRecord>();
        await using var row = await command.ExecuteReaderAsync(ct);
        while (await row.ReadAsync(ct))
            users.Add(new UserRecord(row.GetGuid(0), row.GetString(1), Enum.Parse<Role>(row.GetString(2), ignoreCase: true), row.GetFieldValue<Guid[]>(3), row.GetString(4),
                new DateTimeOffset(row.GetDateTime(5), TimeSpan.Zero), row.IsDBNull(6) ? null : new DateTimeOffset(row.GetDateTime(6), TimeSpan.Zero)));
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
        await using var command = db.CreateCommand("SELECT id, name, role, host_parties FROM users WHERE key_hash = $1 AND revoked_at IS NULL");
        command.Parameters.Add(new() { Value = Hash(apiKey) });
        await using var row = await command.ExecuteReaderAsync(ct);
        if (!await row.ReadAsync(ct)) return null;
        return new Principal(row.GetGuid(0), row.GetString(1), Enum.Parse<Role>(row.GetString(2), ignoreCase: true), row.GetFieldValue<Guid[]>(3).ToHashSet());
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
