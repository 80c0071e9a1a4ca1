using CaseFlow.Core.Cases;
using CaseFlow.Domain.Cases;
using NodaTime;

namespace CaseFlow.Api.Cases.RecordingEntry;

public sealed record EntryRequest(LocalDate Date, string BorderPoint);

/// <summary><c>POST /api/cases/{id}/entries</c>: the person entered Kazakhstan.</summary>
public static class RecordEntryEndpoint
{
    public static void MapRecordEntry(this RouteGroupBuilder cases) => cases.MapCaseCommand<EntryRequest>("entries", "RecordEntry",
        (r, id, c, _) => new RecordEntry(id, r.Date, r.BorderPoint.Trim(), c.Actor, c.Today));
}
