using System.Text.Json;
using CaseFlow.Api.HostParties;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Idempotency;
using CaseFlow.Core.Input;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Json;
using CaseFlow.Domain.Rules;
using NodaTime;
using Npgsql;

namespace CaseFlow.Api.Cases.OpeningCase;

public sealed record PersonRequest(string FamilyName, string GivenNames, string Nationality, LocalDate BirthDate, string PassportNumber, LocalDate? PassportExpiry = null);

public sealed record OpenCaseRequest(PersonRequest Person, Guid HostPartyId);

/// <summary><c>POST /api/cases</c>: opens a case for a foreigner hosted by one of the caller's host parties. 201 with Location and ETag "1".
/// One case per person (nationality and passport number) and host party: a second is 409.</summary>
public static class OpenCaseEndpoint
{
    public static void MapOpenCase(this RouteGroupBuilder cases) => cases.MapPost("", async (
        HttpContext http, CaseRepository repository, CaseCommands commands, RuleCatalogue catalogue, IClock clock, NpgsqlDataSource db, CancellationToken ct) =>
    {
        var (request, body, problem) = await Body.ReadWithTextAsync<OpenCaseRequest>(http.Request, ct);
        return problem ?? await OpenAsync(http, request!, body, repository, commands, catalogue, clock, db, ct);
    })
    .RequireRoles(Role.Compliance)
    .WithMetadata(new TransactionalIdempotency())
    .Accepts<OpenCaseRequest>("application/json")
    .WithName("OpenCase")
    .Produces<CaseView>(StatusCodes.Status201Created)
    .ProducesValidationProblem()
    .ProducesProblem(StatusCodes.Status403Forbidden)
    .ProducesProblem(StatusCodes.Status409Conflict);

    /// <summary>Opens a case from a request read strictly from <paramref name="body"/> (the API's and the console's one path): tenancy, decision,
    /// the append with the duplicate check, the Idempotency-Key over <paramref name="body"/>.</summary>
    public static async Task<IResult> OpenAsync(HttpContext http, OpenCaseRequest request, string body, CaseRepository repository, CaseCommands commands,
        RuleCatalogue catalogue, IClock clock, NpgsqlDataSource db, CancellationToken ct)
    {
        var p = request.Person;
        if (string.IsNullOrWhiteSpace(p.FamilyName)) return Problems.Validation("person.familyName", "required");
        if (string.IsNullOrWhiteSpace(p.PassportNumber)) return Problems.Validation("person.passportNumber", "required");
        var principal = http.Principal()!;
        if (!principal.CanWrite(request.HostPartyId))
            return Problems.Problem(StatusCodes.Status403Forbidden, "forbidden", "Not your host party", $"you may not open cases for host party {request.HostPartyId}");

        var context = RequestContext.From(http, clock);
        var id = CaseId.New();
        var person = new Person(p.FamilyName.Trim(), p.GivenNames.Trim(), p.Nationality.Trim().ToUpperInvariant(), p.BirthDate, p.PassportNumber.Trim().ToUpperInvariant(), p.PassportExpiry);
        var decision = CaseDecider.Decide(new OpenCase(id, person, new HostPartyId(request.HostPartyId), principal.Actor, context.Today), CaseState.Initial, catalogue);
        if (decision.Rejection is { } rejection) return Problems.Rejected(rejection);

        return await commands.InTransactionAsync(http, body, async (connection, tx) =>
        {
            if (await HostPartyStore.SizeAsync(connection, tx, request.HostPartyId, ct) is not { } size)
                return (null, Problems.Validation("hostPartyId", $"no host party {request.HostPartyId}"));
            // The unique index on (host party, nationality, passport) decides duplicates; a refusal rolls the whole transaction back.
            try
            {
                var opened = await repository.AppendAsync(connection, tx, null, id, decision.Events, commands.Metadata(context, principal), ct);
                var view = CaseView.From(opened, catalogue, context.Today, size);
                return (new StoredResponse(StatusCodes.Status201Created, $"/api/cases/{id}", ETags.Format(opened.Version), JsonSerializer.Serialize(view, CaseFlowJson.Options)), null);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == DuplicatePerson.Constraint)
            {
                return (null, await DuplicatePerson.ProblemAsync(db, repository.DataKeys.Ring, request.HostPartyId, person, ct));
            }
        }, ct);
    }
}
