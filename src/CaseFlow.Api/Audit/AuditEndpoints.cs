using CaseFlow.Api.Audit.ExportingCase;
using CaseFlow.Api.Audit.GettingAccessLog;
using CaseFlow.Api.Audit.GettingHistory;
using CaseFlow.Api.Audit.ListingSeals;
using CaseFlow.Api.Audit.Sealing;
using CaseFlow.Api.Audit.GettingStateAt;
using CaseFlow.Api.Audit.GettingTimeline;
using CaseFlow.Api.Audit.Verifying;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Core.Users;

namespace CaseFlow.Api.Audit;

/// <summary>
/// The auditor's view: paged history with metadata, the case state at a business date and/or as known at an instant, the timeline in
/// plain words, exports, and hash-chain verification. One file per use case.
/// </summary>
public static class AuditEndpoints
{
    public static void MapAudit(this WebApplication app)
    {
        var cases = app.MapGroup("/api/cases").WithTags("Audit").RequireRoles(Role.Auditor, Role.Compliance);
        cases.MapGetCaseHistory();
        cases.MapGetCaseStateAt();
        cases.MapGetCaseTimeline();
        cases.MapExportCase();
        var audit = app.MapGroup("/api/audit").WithTags("Audit");
        audit.MapVerify();
        audit.MapListSeals();
        audit.MapSealNow();
        audit.MapGetAccessLog();
    }
}
