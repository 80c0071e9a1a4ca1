using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Rules;

namespace CaseFlow.Api.HostParties.CreatingHostParty;

public sealed record HostPartyRequest(string Name, string Bin, HostPartySize Size);

/// <summary><c>POST /api/host-parties</c> (admin): a host party with its 12-digit BIN and enterprise size; a BIN already registered is 409.</summary>
public static class CreateHostPartyEndpoint
{
    public static void MapCreateHostParty(this RouteGroupBuilder parties) => parties.MapPost("", async (HttpContext http, HostPartyStore store, CancellationToken ct) =>
    {
        var (request, problem) = await Body.ReadAsync<HostPartyRequest>(http.Request, ct);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(request!.Name)) return Problems.Validation("name", "required");
        if (request.Bin.Length != 12 || !request.Bin.All(char.IsAsciiDigit)) return Problems.Validation("bin", "a BIN is 12 digits");
        var party = await store.AddAsync(new HostParty(Guid.CreateVersion7(), request.Name.Trim(), request.Bin, request.Size), http.Principal()!.Actor, ct);
        if (party is null) return Problems.Problem(StatusCodes.Status409Conflict, "host-party.duplicate-bin", "BIN already registered", $"a host party with BIN {request.Bin} exists");
        return Results.Created($"/api/host-parties/{party.Id}", party);
    })
    .RequireRoles(Role.Admin)
    .Accepts<HostPartyRequest>("application/json")
    .WithName("CreateHostParty")
    .Produces<HostParty>(StatusCodes.Status201Created);
}
