using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.Security;
using CaseFlow.Domain.Cases;
using Npgsql;

namespace CaseFlow.Api.Cases;

/// <summary>The 409 for a second case of one person at one host party (the unique index on case_status decides it in the append's transaction).</summary>
public static class DuplicatePerson
{
    /// <summary>The constraint that names a duplicate person.</summary>
    public const string Constraint = CaseStatusProjection.PersonConstraint;

    public static async Task<IResult> ProblemAsync(NpgsqlDataSource db, KeyRing ring, Guid hostPartyId, Person person, CancellationToken ct)
    {
        var existing = await CaseStatusProjection.FindPersonAsync(db, ring, hostPartyId, person.Nationality, person.PassportNumber, ct);
        return Results.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Type = Problems.TypePrefix + "case.duplicate-person",
            Title = "The person already has a case",
            Status = StatusCodes.Status409Conflict,
            Detail = $"host party {hostPartyId} already has case {existing} for {person.Nationality} passport {CaseStatusProjection.Mask(person.PassportNumber)}",
            Extensions = { ["code"] = "case.duplicate-person", ["field"] = "passportNumber", ["existingCaseId"] = existing },
        });
    }
}
