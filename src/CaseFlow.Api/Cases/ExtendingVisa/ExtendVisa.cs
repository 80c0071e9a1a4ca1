using CaseFlow.Core.Cases;
using CaseFlow.Domain.Cases;
using NodaTime;

namespace CaseFlow.Api.Cases.ExtendingVisa;

/// <param name="HostPartyId">The host party applying; defaults to the case's. Another host party than the visa's is refused (EXT-SAME-HOST).</param>
public sealed record VisaExtensionRequest(LocalDate Date, LocalDate ValidTo, Guid? HostPartyId = null);

/// <summary><c>POST /api/cases/{id}/visa-extensions</c>: only in the extension window (30 to 5 working days before expiry), only with the same host party (001).</summary>
public static class ExtendVisaEndpoint
{
    public static void MapExtendVisa(this RouteGroupBuilder cases) => cases.MapCaseCommand<VisaExtensionRequest>("visa-extensions", "ExtendVisa",
        (r, id, c, current) => new ExtendVisa(id, r.Date, r.ValidTo, new HostPartyId(r.HostPartyId ?? current.HostPartyId), c.Actor, c.Today));
}
