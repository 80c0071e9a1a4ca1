using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseFlow.Api.Tests;

/// <summary>
/// The API with one case of host A and one of host B (each with its alerts, offences and a webhook subscription) whose names, passport
/// numbers, ids and webhook targets are markers that must never leak across host parties, plus a valid sample body per operation for the generated tenancy and bad-input tests.
/// </summary>
public class HostileApp : CaseFlowApp, IAsyncLifetime
{
    public string CaseA { get; private set; } = "";
    public string CaseB { get; private set; } = "";

    /// <summary>Host A's webhook subscription (its target holds the marker "alpha-hook").</summary>
    public string SubscriptionA { get; private set; } = "";

    /// <summary>
    /// Strings of host A that no one outside host A may see: the person's name, passport, subscription target, and (in a successful
    /// answer: a 404 may repeat the id the caller sent) the case id.
    /// </summary>
    public IReadOnlyList<string> MarkersA(int status) => status < 300 ? [CaseA, "Alphafamily", "AAPASS123", "alpha-hook"] : ["Alphafamily", "AAPASS123", "alpha-hook"];

    public IReadOnlyList<string> MarkersB => [CaseB, "Bravofamily", "BBPASS456", "bravo-hook"];

    /// <summary>Personal data of either host: ops and admin never see it.</summary>
    public IReadOnlyList<string> PersonalMarkers => ["Alphafamily", "AAPASS123", "Bravofamily", "BBPASS456"];

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        CaseA = await OpenAsync("compliance", HostA, "Alphafamily", "AAPASS123");
        CaseB = await OpenAsync("complianceB", HostB, "Bravofamily", "BBPASS456");
        var subscribed = await Client().PostJsonAsync($"/api/host-parties/{HostA}/subscriptions",
            new { channel = "webhook", target = "http://127.0.0.1:9/alpha-hook", mode = "each", secret = "0123456789abcdef" });
        Assert.True(subscribed.IsSuccessStatusCode, await subscribed.Content.ReadAsStringAsync());
        SubscriptionA = subscribed.Headers.Location!.ToString().Split('/')[^1];
        var subscribedB = await Client("complianceB").PostJsonAsync($"/api/host-parties/{HostB}/subscriptions",
            new { channel = "webhook", target = "http://127.0.0.1:9/bravo-hook", mode = "each", secret = "0123456789abcdef" });
        Assert.True(subscribedB.IsSuccessStatusCode, await subscribedB.Content.ReadAsStringAsync());
        // Both cases entered on 20 May with no notification: the sweep raises their alerts and the register holds both hosts' offences,
        // so every list, inbox, register and dashboard has another host's rows to leak.
        await SweepAsync();
        await ProjectionsCaughtUpAsync();
    }

    private async Task<string> OpenAsync(string user, Guid host, string familyName, string passport)
    {
        var response = await Client(user).PostJsonAsync("/api/cases", new
        {
            person = new { familyName, givenNames = "Marker", nationality = "DE", birthDate = "1985-01-01", passportNumber = passport, passportExpiry = "2035-01-01" },
            hostPartyId = host,
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var id = response.Headers.Location!.ToString().Split('/')[^1];
        var entered = await Client(user).PostJsonAsync($"/api/cases/{id}/entries", new { date = "2024-05-20", borderPoint = "NQZ airport" }, "\"1\"");
        Assert.True(entered.IsSuccessStatusCode, await entered.Content.ReadAsStringAsync());
        return id;
    }

    /// <summary>A request path with its parameters filled with host A's resources.</summary>
    public string Fill(Operation op)
    {
        var path = op.Path
            .Replace("{hostParty}", HostA.ToString(), StringComparison.Ordinal)
            .Replace("{name}", "timeline", StringComparison.Ordinal)
            .Replace("{action}", "pause", StringComparison.Ordinal);
        // Host A's subscription for every subscription operation but its deletion (a generated delete would take it from the others).
        path = path.Replace("{id}", path.StartsWith("/api/cases", StringComparison.Ordinal) ? CaseA
            : path.Contains("/subscriptions/", StringComparison.Ordinal) ? (op.Name == "DeleteSubscription" ? Guid.NewGuid().ToString() : SubscriptionA)
            : path.StartsWith("/api/host-parties", StringComparison.Ordinal) ? HostA.ToString() : Guid.NewGuid().ToString(), StringComparison.Ordinal);
        var query = op.QueryParameters.Select(q => q switch
        {
            "hostParty" => $"hostParty={HostA}",
            "case" => $"case={CaseA}",
            _ => null,
        }).OfType<string>().ToList();
        return query.Count == 0 ? path : $"{path}?{string.Join('&', query)}";
    }

    /// <summary>A valid body for each operation that takes one (a new operation without a sample is still tried with the hostile bodies).</summary>
    public static JsonObject? Sample(Operation op) => op.Name switch
    {
        "OpenCase" => new JsonObject
        {
            ["person"] = new JsonObject
            {
                ["familyName"] = "Sample", ["givenNames"] = "Body", ["nationality"] = "FR", ["birthDate"] = "1980-02-03",
                ["passportNumber"] = "S" + Random.Shared.Next(10_000_000, 99_999_999), ["passportExpiry"] = "2034-01-01",
            },
            ["hostPartyId"] = "HOST",
        },
        "RecordEntry" => new JsonObject { ["date"] = "2024-05-25", ["borderPoint"] = "Khorgos" },
        "RecordNotification" => new JsonObject { ["date"] = "2024-05-21", ["channel"] = "eQonaq", ["reference"] = "EQ-1" },
        "RecordAddressChange" => new JsonObject { ["date"] = "2024-05-22", ["address"] = "Abay 1, Almaty" },
        "IssueVisa" => new JsonObject { ["date"] = "2024-05-22", ["category"] = "C3", ["entries"] = "multiple", ["validFrom"] = "2024-05-22", ["validTo"] = "2025-05-21", ["stayPerEntryDays"] = 90 },
        "ExtendVisa" => new JsonObject { ["date"] = "2024-05-22", ["validTo"] = "2025-05-21" },
        "ChangeCategory" => new JsonObject { ["date"] = "2024-05-22", ["to"] = "C3", ["entries"] = "multiple", ["validFrom"] = "2024-05-22", ["validTo"] = "2025-05-21", ["stayPerEntryDays"] = 90 },
        "CancelVisa" => new JsonObject { ["date"] = "2024-05-23" },
        "IssueResidencePermit" => new JsonObject { ["date"] = "2024-05-23", ["validFrom"] = "2024-05-23", ["validTo"] = "2025-05-22" },
        "ReplacePassport" => new JsonObject { ["date"] = "2024-05-23", ["passportNumber"] = "R" + Random.Shared.Next(10_000_000, 99_999_999), ["passportExpiry"] = "2034-01-01" },
        "RecordExit" => new JsonObject { ["date"] = "2024-05-30" },
        "CloseCase" => new JsonObject { ["date"] = "2024-05-31", ["reason"] = "left for good" },
        "ResolveAlert" => new JsonObject { ["reason"] = "filed on paper" },
        "Subscribe" => new JsonObject { ["channel"] = "webhook", ["target"] = "http://127.0.0.1:9/hook", ["mode"] = "each", ["secret"] = "0123456789abcdef" },
        "UpdateHostParty" => new JsonObject { ["name"] = "Host A", ["size"] = "small" },
        "ChangeSubscriptionTarget" => new JsonObject { ["target"] = "http://127.0.0.1:9/alpha-hook" },
        "CreateHostParty" => new JsonObject { ["name"] = "New host", ["bin"] = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture), ["size"] = "small" },
        "Evaluate" or "Plan" => new JsonObject
        {
            ["person"] = new JsonObject { ["nationality"] = "DE", ["birthDate"] = "1980-01-01" },
            ["events"] = new JsonArray(new JsonObject { ["type"] = "Entered", ["date"] = "2024-01-01" }, new JsonObject { ["type"] = "Exited", ["date"] = "2024-01-20" }),
            ["asOf"] = "2024-03-01", ["entry"] = "2024-03-01",
        },
        _ => null,
    };

    public HttpRequestMessage Request(Operation op, string? user, HttpContent? content = null, string? url = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(op.Method), url ?? Fill(op));
        if (user is not null) request.Headers.TryAddWithoutValidation("X-Api-Key", Keys[user]);
        if (op.Method is "POST" or "PUT")
        {
            if (op.Method == "POST") request.Headers.TryAddWithoutValidation("If-Match", "\"2\"");
            request.Content = content ?? (Sample(op) is { } sample
                ? new StringContent(sample.ToJsonString().Replace("HOST", HostA.ToString(), StringComparison.Ordinal), Encoding.UTF8, "application/json")
                : op.Name == "ImportCases" ? new StringContent("familyName,givenNames,nationality,birthDate,passportNumber\nImp,Row,DE,1980-01-01,IMP1\n", Encoding.UTF8, "text/csv")
                : null);
        }
        return request;
    }

    public async Task<(long Events, long Streams)> CountsAsync()
    {
        await using var command = Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM streams)");
        await using var row = await command.ExecuteReaderAsync();
        await row.ReadAsync();
        return (row.GetInt64(0), row.GetInt64(1));
    }
}
