using CaseFlow.Core.Cases;
using CaseFlow.Domain.Cases;
using NodaTime;

namespace CaseFlow.Api.Cases.RecordingAddressChange;

public sealed record AddressChangeRequest(LocalDate Date, string Address);

/// <summary><c>POST /api/cases/{id}/address-changes</c>: a new place of residence (or a business trip); a new notification is due (NOTIFY-ADDR).</summary>
public static class RecordAddressChangeEndpoint
{
    public static void MapRecordAddressChange(this RouteGroupBuilder cases) => cases.MapCaseCommand<AddressChangeRequest>("address-changes", "RecordAddressChange",
        (r, id, c, _) => new RecordAddressChange(id, r.Date, r.Address, c.Actor, c.Today));
}
