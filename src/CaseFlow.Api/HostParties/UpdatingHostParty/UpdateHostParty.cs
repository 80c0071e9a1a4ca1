using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Api.HostParties.UpdatingHostParty;

public sealed record HostPartyChange(string? Name = null, HostPartySize? Size = null);

/// <summary>
/// <c>PUT /api/host-parties/{id}</c> (admin): rename a host party or change its enterprise size (the BIN never changes). A new size holds
/// from today (Almaty) on: art. 518 offences from that day take its tier, earlier ones keep theirs; each size is recorded with who set it
/// and when (<c>host_party_sizes</c>), so a state "as known at" an instant uses the sizes known then. Each case's status row follows at
/// its next change, the projections at their next rebuild (ops).
/// </summary>
public static class UpdateHostPartyEndpoint
{
    public static void MapUpdateHostParty(this RouteGroupBuilder parties) => parties.MapPut("{id:guid}", async (Guid id, HttpContext http, HostPartyStore store, IClock clock, CancellationToken ct) =>
    {
        var (request, problem) = await Body.ReadAsync<HostPartyChange>(http.Request, ct); // the name's length and characters (InputRules)
        if (problem is not null) return problem;
        if (request!.Name is null && request.Size is null) return Problems.Validation("name", "give a name, a size or both");
        if (request.Name is not null && string.IsNullOrWhiteSpace(request.Name)) return Problems.Validation("name", "must not be blank");
        return await store.UpdateAsync(id, request.Name?.Trim(), request.Size, RequestContext.TodayIn(clock), http.Principal()!.Actor, ct) is { } party ? Results.Ok(party) : Problems.NotFound($"host party {id}");
    })
    .RequireRoles(Role.Admin)
    .Accepts<HostPartyChange>("application/json")
    .WithName("UpdateHostParty")
    .Produces<HostParty>()
    .ProducesValidationProblem()
    .ProducesProblem(StatusCodes.Status404NotFound);
}
