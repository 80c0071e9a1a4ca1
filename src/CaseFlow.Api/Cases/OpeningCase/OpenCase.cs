using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Api.Cases.OpeningCase;

public sealed record PersonRequest(string FamilyName, string GivenNames, string Nationality, LocalDate BirthDate, string PassportNumber, LocalDate? PassportExpiry = null);

public sealed record OpenCaseRequest(PersonRequest Person, Guid HostPartyId);

/// <summary><c>POST /api/cases</c>: opens a case for a foreigner hosted by a host party. 201 with Location and ETag "1".</summary>
public static class OpenCaseEndpoint
{
    public static void MapOpenCase(this RouteGroupBuilder cases) => cases.MapPost("", async (
        HttpContext http, CaseRepository repository, CaseCommands commands, RuleCatalogue catalogue, IClock clock, CancellationToken ct) =>
    {
        var (request, problem) = await Body.ReadAsync<OpenCaseRequest>(http.Request, ct);
        if (problem is not null) return problem;
        var p = request!.Person;
        if (string.IsNullOrWhiteSpace(p.FamilyName)) return Problems.Validation("person.familyName", "required");
        if (string.IsNullOrWhiteSpace(p.PassportNumber)) return Problems.Validation("person.passportNumber", "required");
        if (request.HostPartyId == Guid.Empty) return Problems.Validation("hostPartyId", "required");

        var context = RequestContext.From(http, clock);
        var id = CaseId.New();
        var person = new Person(p.FamilyName.Trim(), p.GivenNames.Trim(), p.Nationality.Trim().ToUpperInvariant(), p.BirthDate, p.PassportNumber.Trim().ToUpperInvariant(), p.PassportExpiry);
        var decision = CaseDecider.Decide(new OpenCase(id, person, new HostPartyId(request.HostPartyId), context.Actor, context.Today), CaseState.Initial, catalogue);
        if (decision.Rejection is { } rejection) return Problems.Rejected(rejection);

        var opened = await repository.AppendAsync(null, id, decision.Events, commands.Metadata(context), ct);
        ETags.Set(http.Response, opened.Version);
        return Results.Created($"/api/cases/{id}", CaseView.From(opened, catalogue, context.Today));
    })
    .WithName("OpenCase")
    .Produces<CaseView>(StatusCodes.Status201Created)
    .ProducesValidationProblem()
    .ProducesProblem(StatusCodes.Status409Conflict);
}
