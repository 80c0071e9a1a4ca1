using CaseFlow.Api.Cases.GettingCase;
using CaseFlow.Api.Cases.GettingEvents;
using CaseFlow.Api.Cases.ListingCases;
using CaseFlow.Api.Cases.OpeningCase;
using CaseFlow.Api.Cases.RecordingEntry;
using CaseFlow.Api.Cases.RecordingExit;
using CaseFlow.Api.Cases.RecordingNotification;

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
        cases.MapRecordExit();
    }
}
