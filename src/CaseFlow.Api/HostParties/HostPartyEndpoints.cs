using CaseFlow.Api.HostParties.CreatingHostParty;
using CaseFlow.Api.HostParties.GettingDashboard;
using CaseFlow.Api.HostParties.GettingHostParty;
using CaseFlow.Api.HostParties.GettingHostPartySizes;
using CaseFlow.Api.HostParties.GettingOffences;
using CaseFlow.Api.HostParties.ListingHostParties;
using CaseFlow.Api.HostParties.UpdatingHostParty;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Users;

namespace CaseFlow.Api.HostParties;

/// <summary>Host parties under <c>/api/host-parties</c>, with each one's dashboard and offence register: one file per use case.</summary>
public static class HostPartyEndpoints
{
    public static void MapHostParties(this WebApplication app)
    {
        var parties = app.MapGroup("/api/host-parties").WithTags("Host parties");
        parties.MapCreateHostParty();
        parties.MapListHostParties();
        parties.MapGetHostParty();
        parties.MapGetHostPartySizes();
        parties.MapUpdateHostParty();
        var party = app.MapGroup("/api/host-parties/{id:guid}").WithTags("Host parties").RequireRoles(Role.Compliance, Role.Auditor);
        party.MapGetDashboard();
        party.MapGetOffences();
    }
}
