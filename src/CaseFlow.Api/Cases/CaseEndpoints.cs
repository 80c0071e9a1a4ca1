using CaseFlow.Api.Cases.CancellingVisa;
using CaseFlow.Api.Cases.ChangingCategory;
using CaseFlow.Api.Cases.ClosingCase;
using CaseFlow.Api.Cases.ErasingCase;
using CaseFlow.Api.Cases.ExtendingVisa;
using CaseFlow.Api.Cases.GettingCase;
using CaseFlow.Api.Cases.GettingEvents;
using CaseFlow.Api.Cases.IssuingResidencePermit;
using CaseFlow.Api.Cases.IssuingVisa;
using CaseFlow.Api.Cases.ListingCases;
using CaseFlow.Api.Cases.OpeningCase;
using CaseFlow.Api.Cases.RecordingAddressChange;
using CaseFlow.Api.Cases.RecordingEntry;
using CaseFlow.Api.Cases.RecordingExit;
using CaseFlow.Api.Cases.RecordingNotification;
using CaseFlow.Api.Cases.ReplacingPassport;
using CaseFlow.Core.Cases;

namespace CaseFlow.Api.Cases;

public static class CaseEndpoints
{
    public static void MapCases(this WebApplication app)
    {
        var cases = app.MapGroup("/api/cases").WithTags("Cases");
        cases.MapOpenCase();
        cases.MapListCases();
        cases.MapGetCase();
        cases.MapGetCaseEvents();
        cases.MapRecordEntry();
        cases.MapRecordNotification();
        cases.MapRecordAddressChange();
        cases.MapIssueVisa();
        cases.MapExtendVisa();
        cases.MapChangeCategory();
        cases.MapCancelVisa();
        cases.MapIssueResidencePermit();
        cases.MapReplacePassport();
        cases.MapRecordExit();
        cases.MapCloseCase();
        cases.MapEraseCase();
    }
}
