using System.Text;
using System.Text.Json.Nodes;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Users;

namespace CaseFlow.Api.Tests;

/// <summary>
/// For every operation of /openapi/v1.json, requests an attacker or a careless client would send: NUL and unpaired surrogates in every
/// string, impossible and far-off dates, 1 MB strings, wrong JSON types, broken JSON, wrong content types, bad If-Match and
/// Idempotency-Key headers, bad query values. None may answer 5xx, and a refused request changes no event or stream.
/// </summary>
public class GeneratedBadInputTests(HostileApp app) : IClassFixture<HostileApp>
{
    private static readonly string Mb = new('a', 1_048_576);

    /// <summary>Raw JSON values put in place of each field of a valid body.</summary>
    private static readonly string[] HostileValues =
    [
        "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udc00x\"", "\"x\\u0007\"", $"\"{Mb}\"", "\"\"", "\"0001-01-01\"", "\"9999-12-31\"", "\"2024-02-30\"", "\"2024-1-1\"",
        "\"not-a-guid\"", "\"nope\"", "-1", "0", "2147483647", "12345678901234567890", "1.5", "true", "null", "{}", "[]",
    ];

    private static readonly string[] HostileBodies = ["", "{", "[]", "null", "\"text\"", "{\"unknown\":1}", "{\"a\":\"\\ud800\"}", "\u0000"];

    private static readonly (string Header, string Value)[] HostileHeaders =
    [
        ("If-Match", "W/\"2\""), ("If-Match", "\"abc\""), ("If-Match", "*"), ("If-Match", "\"-1\""), ("If-Match", "\"1\", \"2\""),
        ("Idempotency-Key", new string('k', 300)), ("Idempotency-Key", "has space"), ("X-Correlation-Id", "not-a-guid"),
    ];

    private static readonly string[] HostileQueryValues =
        ["%00", "%ED%A0%80", "%C0%AF", "0001-01-01", "9999-12-31", "2024-02-30", "9999-12-31T23:59:59Z", "9999-12-31T20:00:00%2B14:00", "0001-01-01T00:00:00Z", "-1", "0", "99999999999", "abc", "", new string('q', 10_000), "%25", "_"];

    private static readonly (string? MediaType, bool Valid)[] ContentTypes = [("text/plain", false), ("application/xml", false), (null, false), ("application/json; charset=latin1", false)];

    [Fact]
    public async Task EveryOperation_HostileInput_NoServerError_ARefusalChangesNothing()
    {
        var operations = await OpenApiOperations.ReadAsync(app);
        var client = app.CreateClient();
        var failures = new List<string>();
        var sent = 0;

        async Task Send(Operation op, string? user, string what, Func<HttpRequestMessage> build)
        {
            var before = await app.CountsAsync();
            using var request = build();
            var response = await client.SendAsync(request);
            sent++;
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            if (status >= 500) failures.Add($"{op} {what}: {status} {body[..Math.Min(200, body.Length)]}");
            else if (status >= 400 && await app.CountsAsync() != before) failures.Add($"{op} {what}: refused with {status} but the store changed");
            if (status >= 400 && body.Contains("System.", StringComparison.Ordinal)) failures.Add($"{op} {what}: a .NET type name in the answer: {body[..Math.Min(200, body.Length)]}");
        }

        foreach (var op in operations)
        {
            var user = Caller(op);
            foreach (var (name, value) in op.QueryParameters.SelectMany(q => HostileQueryValues.Select(v => (q, v))))
                await Send(op, user, $"?{name}={value[..Math.Min(20, value.Length)]}", () => app.Request(op, user, url: WithQuery(app.Fill(op), name, value)));
            foreach (var (header, value) in HostileHeaders)
                await Send(op, user, $"{header}: {value[..Math.Min(20, value.Length)]}", () =>
                {
                    var request = app.Request(op, user);
                    request.Headers.Remove(header);
                    request.Headers.TryAddWithoutValidation(header, value);
                    return request;
                });
            if (op.Method is not ("POST" or "PUT")) continue;
            foreach (var (mediaType, _) in ContentTypes)
                await Send(op, user, $"Content-Type {mediaType ?? "none"}", () => app.Request(op, user, Content("{}", mediaType)));
            foreach (var text in HostileBodies)
                await Send(op, user, $"body {text}", () => app.Request(op, user, Content(text, "application/json")));
            if (HostileApp.Sample(op) is not { } sample) continue;
            foreach (var path in Leaves(sample, ""))
                foreach (var value in HostileValues)
                    await Send(op, user, $"{path} = {value[..Math.Min(20, value.Length)]}", () => app.Request(op, user, Content(Replace(sample, path, value), "application/json")));
        }
        Assert.True(sent > 1500, $"only {sent} requests sent");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests failed:\n{string.Join("\n", failures.Take(60))}");
    }

    /// <summary>
    /// Every body field of every operation, given a value of the wrong kind: a 400 is a problem (application/problem+json, type
    /// urn:caseflow:...) whose <c>errors</c> name that very field (its JSON path) with a reason, so a client knows what to mend.
    /// </summary>
    [Fact]
    public async Task EveryBodyField_AWrongValue_IsRefusedNamingThatField()
    {
        var client = app.CreateClient();
        var failures = new List<string>();
        var checkedCount = 0;
        var withBodies = new HashSet<string>();
        var refusing = new HashSet<string>();
        foreach (var op in await OpenApiOperations.ReadAsync(app))
        {
            if (op.Method is not ("POST" or "PUT") || HostileApp.Sample(op) is not { } sample) continue;
            withBodies.Add(op.Name);
            var user = Caller(op);
            foreach (var path in Leaves(sample, "").Where(p => IsLeaf(sample, p)))
                foreach (var value in WrongKinds)
                {
                    using var response = await client.SendAsync(app.Request(op, user, Content(Replace(sample, path, value), "application/json")));
                    if (response.StatusCode != System.Net.HttpStatusCode.BadRequest) continue;
                    checkedCount++;
                    refusing.Add(op.Name);
                    var text = await response.Content.ReadAsStringAsync();
                    var what = $"{op} {path} = {value[..Math.Min(20, value.Length)]}";
                    if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") { failures.Add($"{what}: {response.Content.Headers.ContentType}"); continue; }
                    var problem = JsonNode.Parse(text)!.AsObject();
                    if (problem["type"]?.GetValue<string>() is not { } type || !type.StartsWith("urn:caseflow:", StringComparison.Ordinal)) failures.Add($"{what}: type {problem["type"]}");
                    if (problem["errors"] is not JsonObject errors || !errors.Any(e => e.Key.Equals(path, StringComparison.OrdinalIgnoreCase) && e.Value is JsonArray { Count: > 0 } reasons && reasons.All(r => r!.GetValue<string>().Length > 0)))
                        failures.Add($"{what}: names {problem["errors"]?.ToJsonString() ?? "no field"}");
                }
        }
        Assert.Contains("UpdateHostParty", withBodies);
        Assert.Contains("ChangeSubscriptionTarget", withBodies);
        Assert.Empty(withBodies.Except(refusing)); // every body reached its reading (no 404 or 403 before it)
        Assert.True(checkedCount > 100, $"only {checkedCount} refusals checked");
        Assert.True(failures.Count == 0, $"{failures.Count} of {checkedCount} refusals do not name their field:\n{string.Join("\n", failures.Take(60))}");
    }

    /// <summary>Values no field of any body takes: the wrong JSON kind for a string, a number, a date, an enum or an object.</summary>
    private static readonly string[] WrongKinds = ["[]", "{}", "true", "\"a\\u0000b\"", $"\"{new string('a', 5000)}\""];

    private static bool IsLeaf(JsonObject sample, string path) => !Leaves(sample, "").Any(p => p.StartsWith(path + ".", StringComparison.Ordinal) || p.StartsWith(path + "[", StringComparison.Ordinal));

    /// <summary>The first role among compliance, auditor, ops, admin that the operation admits (the caller who gets furthest).</summary>
    private static string? Caller(Operation op) => op.Roles is null ? null
        : op.Roles.Contains(Role.Compliance) ? "compliance" : op.Roles.Contains(Role.Auditor) ? "auditor" : op.Roles.Contains(Role.Ops) ? "ops" : "admin";

    private static string WithQuery(string url, string name, string value)
    {
        var kept = url.Contains('?', StringComparison.Ordinal) ? url[(url.IndexOf('?', StringComparison.Ordinal) + 1)..].Split('&').Where(p => !p.StartsWith(name + "=", StringComparison.Ordinal)) : [];
        var path = url.Split('?')[0];
        return $"{path}?{string.Join('&', kept.Append($"{name}={value}"))}";
    }

    private static StringContent Content(string text, string? mediaType)
    {
        var content = new StringContent(text, Encoding.UTF8);
        content.Headers.ContentType = null;
        if (mediaType is not null) content.Headers.TryAddWithoutValidation("Content-Type", mediaType);
        return content;
    }

    /// <summary>The JSON paths of every leaf value (and every object, to replace it whole).</summary>
    private static IEnumerable<string> Leaves(JsonNode node, string path) => node switch
    {
        JsonObject o => o.SelectMany(p => Leaves(p.Value!, path.Length == 0 ? p.Key : $"{path}.{p.Key}")).Append(path).Where(p => p.Length > 0),
        JsonArray a => a.SelectMany((item, i) => Leaves(item!, $"{path}[{i}]")),
        _ => [path],
    };

    /// <summary>The sample's JSON text with the value at <paramref name="path"/> replaced by the raw JSON <paramref name="raw"/>.</summary>
    private string Replace(JsonObject sample, string path, string raw)
    {
        var copy = JsonNode.Parse(sample.ToJsonString())!;
        JsonNode parent = copy;
        var parts = path.Replace("[", ".[", StringComparison.Ordinal).Split('.');
        for (var i = 0; i < parts.Length - 1; i++) parent = parts[i].StartsWith('[') ? parent[int.Parse(parts[i].Trim('[', ']'), System.Globalization.CultureInfo.InvariantCulture)]! : parent[parts[i]]!;
        const string marker = "\"@@hostile@@\"";
        var last = parts[^1];
        if (last.StartsWith('[')) parent[int.Parse(last.Trim('[', ']'), System.Globalization.CultureInfo.InvariantCulture)] = "@@hostile@@";
        else parent[last] = "@@hostile@@";
        return copy.ToJsonString().Replace(marker, raw, StringComparison.Ordinal).Replace("HOST", app.HostA.ToString(), StringComparison.Ordinal);
    }
}
