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
        var principal = http.Principal()!;
        if (hostParty is not { } host) return Problems.Validation("hostParty", "required (query parameter)");
        if (!principal.CanWrite(host)) return Problems.Problem(StatusCodes.Status403Forbidden, "forbidden", "Not your host party", $"you may not import cases for host party {host}");
        if (!Body.IsMediaType(http.Request, "text/csv")) return Body.UnsupportedMediaType("text/csv");
        using var body = new StreamReader(http.Request.Body);
        var rows = Csv.Read(new StringReader(await body.ReadToEndAsync(ct))).Take(CaseImporter.MaxRows + 2).ToList();
        if (rows.Count > CaseImporter.MaxRows + 1) return Problems.Validation("body", $"at most {CaseImporter.MaxRows} rows per request: split the file");
        var report = await importer.ImportAsync(rows, new HostPartyId(host), principal.Actor, RequestContext.TodayIn(clock), ct: ct);
        return Results.Ok(report);
    })
    .RequireRoles(Role.Compliance)
    .WithTags("Imports")
    .Accepts<string>("text/csv")
    .WithName("ImportCases")
    .Produces<ImportReport>()
    .ProducesValidationProblem();
}
