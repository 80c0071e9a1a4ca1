using CaseFlow.Api.Console;
using CaseFlow.Api.Imports.ImportingCases;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Imports;
using CaseFlow.Core.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;

namespace CaseFlow.Api.Pages.Console;

/// <summary>
/// CSV import (compliance): a file for one of the caller's host parties through <see cref="ImportCasesEndpoint.ImportAsync"/> (the
/// API's one path: the same row bound, the same per-row report), the report shown row by row.
/// </summary>
[RequestSizeLimit(MaxBytes + 64 * 1024)]
public sealed class ImportModel(HostPartyStore parties, CaseImporter importer, IClock clock) : HostPartyFormPage(parties)
{
    /// <summary>The largest file the console takes (10,000 rows of a caseload fit in far less).</summary>
    public const long MaxBytes = 10 * 1024 * 1024;

    public ImportReport? Report { get; private set; }

    public async Task<IActionResult> OnPostAsync(Guid? hostPartyId, IFormFile? file, CancellationToken ct)
    {
        if (HttpContext.Principal() is not { } principal) return Redirect("/console/signin");
        if (principal.Role != Role.Compliance) return Forbid();
        await LoadHostPartiesAsync(principal, ct);
        IResult result;
        if (ImportCasesEndpoint.Refusal(HttpContext, hostPartyId) is { } refusal) result = refusal;
        else if (file is null || file.Length == 0) result = Infrastructure.Http.Problems.Validation("file", "required: a CSV file");
        else if (file.Length > MaxBytes) result = Infrastructure.Http.Problems.Validation("file", $"at most {MaxBytes / 1024 / 1024} MB");
        else
        {
            using var csv = new StreamReader(file.OpenReadStream());
            result = await ImportCasesEndpoint.ImportAsync(HttpContext, hostPartyId!.Value, csv, importer, clock, ct);
        }
        if (result is Ok<ImportReport> { Value: { } report }) Report = report;
        else
        {
            Problem = ConsoleProblems.Of(result);
            Response.StatusCode = result is IStatusCodeHttpResult { StatusCode: { } status } ? status : 400;
        }
        return Page();
    }
}
