using CaseFlow.Api.Cases;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using NodaTime;

namespace CaseFlow.Api.Demo;

/// <summary>
/// A small demo data set for ops/run: two host parties and cases in different situations, dated relative to today so the
/// statuses stay interesting. Goes through the decider like any request. Loaded only into an empty store.
/// </summary>
public static class DemoData
{
    public static readonly HostPartyId AstanaEngineering = new(Guid.Parse("0190a1b2-0000-7000-8000-000000000001"));
    public static readonly HostPartyId AlmatyUniversity = new(Guid.Parse("0190a1b2-0000-7000-8000-000000000002"));

    public static async Task LoadIfEmptyAsync(IServiceProvider services, CancellationToken ct)
    {
        var repository = services.GetRequiredService<CaseRepository>();
        var catalogue = services.GetRequiredService<RuleCatalogue>();
        var clock = services.GetRequiredService<IClock>();
        if ((await repository.Store.StreamIdsAsync(Guid.Empty, 1, ct)).Count > 0) return;

        var today = RequestContext.TodayIn(clock);
        var metadata = new EventMetadata("demo-loader", Guid.CreateVersion7(), null, catalogue.Version);
        async Task Case(Person person, HostPartyId host, params Func<CaseId, CaseCommand>[] steps)
        {
            var id = CaseId.New();
            var state = CaseState.Initial;
            LoadedCase? current = null;
            foreach (var step in steps.Prepend(c => new OpenCase(c, person, host, "demo-loader", today)))
            {
                var decision = CaseDecider.Decide(step(id), state, catalogue);
                if (decision.Rejection is { } r) throw new InvalidOperationException($"demo case {person.FamilyName}: {r.Message}");
                current = await repository.AppendAsync(current, id, decision.Events, metadata, ct);
                state = current.State;
            }
        }

        // A German consultant on a visa-free visit, notified in time.
        await Case(new Person("Müller", "Anna", "DE", new LocalDate(1988, 3, 14), "C01X00T47"), AstanaEngineering,
            id => new RecordEntry(id, today.PlusDays(-10), "NQZ airport", "demo-loader", today),
            id => new RecordNotification(id, today.PlusDays(-9), NotificationChannel.EQonaq, "EQ-2026-000101", "demo-loader", today));
        // A Russian engineer in the country for 40 days, not yet notified: the notification is missed and a TRP is near.
        await Case(new Person("Ivanov", "Sergei", "RU", new LocalDate(1985, 11, 2), "751234567"), AstanaEngineering,
            id => new RecordEntry(id, today.PlusDays(-40), "Petropavl rail", "demo-loader", today));
        // A US student who overstayed a visa-free visit by 5 days and has left.
        await Case(new Person("Smith", "John", "US", new LocalDate(2001, 7, 9), "567890123"), AlmatyUniversity,
            id => new RecordEntry(id, today.PlusDays(-60), "ALA airport", "demo-loader", today),
            id => new RecordNotification(id, today.PlusDays(-59), NotificationChannel.VmpGovKz, null, "demo-loader", today),
            id => new RecordExit(id, today.PlusDays(-26), "demo-loader", today));
        // An Indian visitor who arrived yesterday: notification open, 14-day regime.
        await Case(new Person("Sharma", "Priya", "IN", new LocalDate(1995, 1, 20), "Z1234567"), AlmatyUniversity,
            id => new RecordEntry(id, today.PlusDays(-1), "ALA airport", "demo-loader", today));
        // An Uzbek worker past the 30-day TRP threshold.
        await Case(new Person("Karimov", "Bekzod", "UZ", new LocalDate(1992, 6, 30), "FA1234567"), AstanaEngineering,
            id => new RecordEntry(id, today.PlusDays(-35), "Zhibek Zholy road", "demo-loader", today),
            id => new RecordNotification(id, today.PlusDays(-34), NotificationChannel.EQonaq, "EQ-2026-000102", "demo-loader", today));
    }
}
