using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Imports;
using CaseFlow.Core.Input;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Cases;
using NodaTime;

namespace CaseFlow.Api.Imports.ImportingCases;

/// <summary><c>POST /api/imports?hostParty=</c> with a <c>text/csv</c> body of at most <see cref="CaseImporter.MaxRows"/> rows: the per-row report
/// (compliance, for one of the caller's host parties). A bad row is rejected in the report; every other row is imported.</summary>
public static class ImportCasesEndpoint
{
    public static void MapImports(this WebApplication app) => app.MapPost("/api/imports", async (
        HttpContext http, Guid? hostParty, CaseImporter importer, IClock clock, CancellationToken ct) =>
    {
        if (Refusal(http, hostParty) is { } refusal) return refusal;
        if (!Body.IsMediaType(http.Request, "text/csv")) return Body.UnsupportedMediaType("text/csv");
        using var body = new StreamReader(http.Request.Body);
        return await ImportAsync(http, hostParty!.Value, body, importer, clock, ct);
    })
    .RequireRoles(Role.Compliance)
    .WithTags("Imports")
    .Accepts<string>("text/csv")
    .WithName("ImportCases")
    .Produces<ImportReport>()
    .ProducesValidationProblem();

    /// <summary>Why the caller may not import into <paramref name="hostParty"/> (none named, or not theirs to write), or null.</summary>
    public static IResult? Refusal(HttpContext http, Guid? hostParty) =>
        hostParty is not { } host ? Problems.Validation("hostParty", "required (query parameter)")
        : !http.Principal()!.CanWrite(host) ? Problems.Problem(StatusCodes.Status403Forbidden, "forbidden", "Not your host party", $"you may not import cases for host party {host}")
        : null;

    /// <summary>The import of one CSV text (the API's and the console's one path): at most <see cref="CaseImporter.MaxRows"/> rows, the per-row report.</summary>
    public static async Task<IResult> ImportAsync(HttpContext http, Guid hostParty, TextReader csv, CaseImporter importer, IClock clock, CancellationToken ct)
    {
        var rows = Csv.Read(new StringReader(await csv.ReadToEndAsync(ct))).Take(CaseImporter.MaxRows + 2).ToList();
        if (rows.Count > CaseImporter.MaxRows + 1) return Problems.Validation("body", $"at most {CaseImporter.MaxRows} rows per request: split the file");
        var report = await importer.ImportAsync(rows, new HostPartyId(hostParty), http.Principal()!.Actor, RequestContext.TodayIn(clock), ct: ct);
        return Results.Ok(report);
    }
}
