using System.Net;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Users;

namespace CaseFlow.Api.Tests;

/// <summary>
/// For every operation of /openapi/v1.json and every caller (no key, a key no one was given, a revoked key, compliance and auditor of
/// host A and of host B, ops, admin): the status the endpoint's roles call for, and another host party's data never in a body.
/// A new endpoint is covered without writing a test. Requests address host A's resources.
/// </summary>
public class GeneratedTenancyTests(HostileApp app) : IClassFixture<HostileApp>
{
    private static readonly (string? User, Role? Role, bool OfA)[] Callers =
    [
        (null, null, false), ("bad", null, false), ("revoked", null, false),
        ("compliance", Role.Compliance, true), ("complianceB", Role.Compliance, false),
        ("auditor", Role.Auditor, true), ("auditorB", Role.Auditor, false),
        ("ops", Role.Ops, false), ("admin", Role.Admin, false),
    ];

    [Fact]
    public async Task EveryOperation_EveryCaller_TheStatusItsRolesCallFor_NoOtherHostsDataInABody()
    {
        var operations = await OpenApiOperations.ReadAsync(app);
        Assert.True(operations.Count >= 30, $"only {operations.Count} operations in the document");
        var failures = new List<string>();
        var client = app.CreateClient();
        foreach (var op in operations)
            foreach (var (user, role, ofA) in Callers)
            {
                var response = await client.SendAsync(app.Request(op, user));
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync();
                string? Fail(string why) => $"{op} as {user ?? "anonymous"}: {status} {why}: {body[..Math.Min(300, body.Length)]}";
                string? failure = null;
                if (status >= 500) failure = Fail("server error");
                else if (op.Roles is null) { }
                else if (role is null && status != 401) failure = Fail("expected 401 without a valid key");
                else if (role is { } r && !op.Roles.Contains(r) && status != 403) failure = Fail($"expected 403: {r} is not among {string.Join(", ", op.Roles)}");
                else if (role is { } allowed && op.Roles.Contains(allowed) && status is 401 or 403 && ofA) failure = Fail("refused to a caller the endpoint admits");
                if (failure is null && role is not null && !ofA && app.MarkersA(status).FirstOrDefault(m => body.Contains(m, StringComparison.Ordinal)) is { } leakedA
                    && (role is Role.Compliance or Role.Auditor || app.PersonalMarkers.Contains(leakedA)))
                    failure = Fail($"host A's '{leakedA}' in the body");
                if (failure is null && role is not null && app.MarkersB.Concat(role is Role.Ops or Role.Admin ? app.PersonalMarkers : []).FirstOrDefault(m => body.Contains(m, StringComparison.Ordinal)) is { } leaked
                    && (ofA || role is Role.Ops or Role.Admin))
                    failure = Fail($"'{leaked}' in the body");
                if (failure is not null) failures.Add(failure);
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task TheDocumentListsTheCaseCommands_SoTheGeneratedTestsReachThem()
    {
        var names = (await OpenApiOperations.ReadAsync(app)).Select(o => o.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "OpenCase", "RecordEntry", "GetCase", "GetCaseHistory", "ExportCase", "ListAlerts", "Subscribe", "ImportCases", "Verify" }, names);
    }
}
