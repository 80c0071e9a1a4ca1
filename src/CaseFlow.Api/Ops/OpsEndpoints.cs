using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Ops.ControllingProjection;
using CaseFlow.Api.Ops.ListingDeliveries;
using CaseFlow.Api.Ops.ListingJobs;
using CaseFlow.Api.Ops.ListingProjectionErrors;
using CaseFlow.Api.Ops.ListingProjections;
using CaseFlow.Api.Ops.ListingSweepFailures;
using CaseFlow.Api.Ops.Redelivering;
using CaseFlow.Core.Users;

namespace CaseFlow.Api.Ops;

/// <summary>What ops inspect and steer under <c>/api/ops</c> (ops and admin; no personal data): one file per use case.</summary>
public static class OpsEndpoints
{
    public static void MapOps(this WebApplication app)
    {
        var ops = app.MapGroup("/api/ops").WithTags("Ops").RequireRoles(Role.Ops, Role.Admin);
        ops.MapListProjections();
        ops.MapListProjectionErrors();
        ops.MapControlProjection();
        ops.MapListDeliveries();
        ops.MapRedeliver();
        ops.MapListJobs();
        ops.MapListSweepFailures();
    }
}
