using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Domain.Cases;
using NodaTime;

namespace CaseFlow.Api.Imports;

/// <summary><c>POST /api/imports?hostParty=</c> with a <c>text/csv</c> body: the per-row report (compliance, for one of the caller's host parties).</summary>
public static class ImportEndpoints
{
    public static void MapImports(this WebApplication app) => app.MapPost("/api/imports", async (
        HttpContext http, Guid? hostParty, CaseImporter importer, IClock clock, CancellationToken ct) =>
    {
        var principal = http.Principal()!;
        if (hostParty is not { } host) return Problems.Validation("hostParty", "required (query parameter)");
        if (!principal.CanWrite(host)) return Problems.Problem(StatusCodes.Status403Forbidden, "forbidden", "Not your host party", $"you may not import cases for host party {host}");
        if (http.Request.ContentType is not { } type || !type.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
            return Problems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "CSV expected", "Send the caseload as text/csv");
        using var body = new StreamReader(http.Request.Body);
        using var reader = new StringReader(await body.ReadToEndAsync(ct));
        var report = await importer.ImportAsync(reader, new HostPartyId(host), principal.Actor, RequestContext.TodayIn(clock), ct: ct);
        return Results.Ok(report);
    })
    .RequireRoles(Role.Compliance)
    .WithTags("Imports")
    .WithName("ImportCases")
    .Produces<ImportReport>()
    .ProducesValidationProblem();
}
