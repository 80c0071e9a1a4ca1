namespace CaseFlow.Api.Infrastructure.Http;

/// <summary>A request body example for each operation that takes one (by operation id); <c>OpenApiContractTests</c> requires one for every body.</summary>
public static class OpenApiExamples
{
    public const string Csv = "familyName,givenNames,nationality,birthDate,passportNumber,passportExpiry,stays,visas,notified\n"
        + "Schmidt,Lena,DE,1991-04-02,C4J7K2L9M,,2026-10-01/2026-10-20,,2026-10-02\n";

    private static readonly Dictionary<string, string> Examples = new(StringComparer.Ordinal)
    {
        ["OpenCase"] = """{"person":{"familyName":"Schmidt","givenNames":"Lena","nationality":"DE","birthDate":"1991-04-02","passportNumber":"C4J7K2L9M","passportExpiry":"2031-04-01"},"hostPartyId":"0190a1b2-0000-7000-8000-000000000001"}""",
        ["RecordEntry"] = """{"date":"2026-11-16","borderPoint":"NQZ airport"}""",
        ["RecordNotification"] = """{"date":"2026-11-18","channel":"eQonaq","reference":"EQ-1"}""",
        ["RecordExit"] = """{"date":"2026-12-01"}""",
        ["RecordAddressChange"] = """{"date":"2026-11-20","address":"Abai avenue 150, Almaty"}""",
        ["IssueVisa"] = """{"date":"2026-11-01","category":"C3","entries":"multiple","validFrom":"2026-11-01","validTo":"2027-10-31","inCountry":false,"eVisa":false}""",
        ["ExtendVisa"] = """{"date":"2027-10-01","validTo":"2028-10-31"}""",
        ["ChangeCategory"] = """{"date":"2026-12-01","to":"C3","entries":"multiple","validFrom":"2026-12-01","validTo":"2027-11-30"}""",
        ["CancelVisa"] = """{"date":"2026-12-15"}""",
        ["IssueResidencePermit"] = """{"date":"2026-12-01","validFrom":"2026-12-01","validTo":"2027-11-30"}""",
        ["ReplacePassport"] = """{"date":"2026-12-01","passportNumber":"C9X8Y7Z6W","passportExpiry":"2036-11-30"}""",
        ["CloseCase"] = """{"date":"2026-12-20","reason":"contract ended"}""",
        ["EraseCase"] = """{"reason":"request of the person (Law on Personal Data, art. 15)"}""",
        ["ResolveAlert"] = """{"reason":"fine paid at the border"}""",
        ["Subscribe"] = """{"channel":"webhook","target":"https://hooks.example.kz/caseflow","mode":"each","secret":"a-secret-of-16-or-more"}""",
        ["RotateSubscriptionSecret"] = """{"secret":"another-secret-of-16-or-more"}""",
        ["ChangeSubscriptionTarget"] = """{"target":"https://hooks.example.kz/caseflow-v2"}""",
        ["CreateHostParty"] = """{"name":"Astana Engineering LLP","bin":"190240012345","size":"medium"}""",
        ["UpdateHostParty"] = """{"name":"Astana Engineering LLP","size":"large"}""",
        ["Evaluate"] = """{"person":{"nationality":"DE"},"events":[{"type":"Entered","date":"2024-01-01"},{"type":"Exited","date":"2024-02-04"}]}""",
        ["Plan"] = """{"person":{"nationality":"US"},"events":[]}""",
    };

    public static string? Of(string? operationId) => operationId is not null && Examples.TryGetValue(operationId, out var example) ? example : null;
}
