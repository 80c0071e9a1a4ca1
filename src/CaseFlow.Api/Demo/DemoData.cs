using CaseFlow.Api.Cases;
using CaseFlow.Api.HostParties;
using CaseFlow.Api.Infrastructure.Auth;
using CaseFlow.Api.Infrastructure.Http;
using CaseFlow.Core.Cases;
using CaseFlow.Core.HostParties;
using CaseFlow.Core.Input;
using CaseFlow.Core.Users;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using CaseFlow.EventStore;
using NodaTime;

namespace CaseFlow.Api.Demo;

/// <summary>
/// The demo data set of ops/run: two host parties, a user per role with a fixed, documented demo key, and cases that show every
/// status and every deadline kind, dated relative to today. Goes through the decider like any request; loaded into an empty store only.
/// The demo keys are for a local demo: never load demo data into a real deployment.
/// </summary>
public static class DemoData
{
    /// <summary>The demo's people (a test greps the database and the logs for their names, passport numbers and birth dates).</summary>
    public static IReadOnlyList<Person> People { get; } =
    [
        new Person("Müller", "Anna", "DE", new LocalDate(1988, 3, 14), "C01X00T47"),
        new Person("Ivanov", "Sergei", "RU", new LocalDate(1985, 11, 2), "751234567"),
        new Person("Karimov", "Bekzod", "UZ", new LocalDate(1992, 6, 30), "FA1234567"),
        new Person("Sharma", "Priya", "IN", new LocalDate(1995, 1, 20), "Z1234567"),
        new Person("García", "Lucía", "ES", new LocalDate(1990, 9, 9), "PAB123456"),
        new Person("Haddad", "Omar", "JO", new LocalDate(1983, 2, 11), "N7654321"),
        new Person("Nguyen", "Minh", "VN", new LocalDate(1991, 4, 4), "C9988776"),
        new Person("Smith", "John", "US", new LocalDate(2001, 7, 9), "567890123"),
        new Person("Novák", "Petr", "CZ", new LocalDate(1979, 12, 1), "45123789"),
        new Person("Brown", "Emily", "GB", new LocalDate(1993, 8, 15), "533112244"),
    ];

    public static readonly HostPartyId AstanaEngineering = new(Guid.Parse("0190a1b2-0000-7000-8000-000000000001"));
    public static readonly HostPartyId AlmatyUniversity = new(Guid.Parse("0190a1b2-0000-7000-8000-000000000002"));

    public static readonly IReadOnlyDictionary<Role, string> Keys = new Dictionary<Role, string>
    {
        [Role.Admin] = "demo-admin-key",
        [Role.Compliance] = "demo-compliance-key",
        [Role.Auditor] = "demo-auditor-key",
        [Role.Ops] = "demo-ops-key",
    };

    public static async Task LoadIfEmptyAsync(IServiceProvider services, CancellationToken ct)
    {
        var repository = services.GetRequiredService<CaseRepository>();
        if ((await repository.Store.StreamIdsAsync(Guid.Empty, 1, ct)).Count > 0) return;
        var catalogue = services.GetRequiredService<RuleCatalogue>();
        var today = RequestContext.TodayIn(services.GetRequiredService<IClock>());

        var hosts = services.GetRequiredService<HostPartyStore>();
        await hosts.AddAsync(new HostParty(AstanaEngineering.Value, "Astana Engineering LLP", "190240012345", HostPartySize.Medium), "demo-loader", ct);
        await hosts.AddAsync(new HostParty(AlmatyUniversity.Value, "Almaty Technical University", "010540004321", HostPartySize.Large), "demo-loader", ct);
        var users = services.GetRequiredService<UserStore>();
        var both = new[] { AstanaEngineering.Value, AlmatyUniversity.Value };
        await users.AddAsync("Demo Admin", Role.Admin, [], Keys[Role.Admin], ct);
        await users.AddAsync("Demo Compliance Officer", Role.Compliance, both, Keys[Role.Compliance], ct);
        await users.AddAsync("Demo Auditor", Role.Auditor, both, Keys[Role.Auditor], ct);
        await users.AddAsync("Demo Ops", Role.Ops, [], Keys[Role.Ops], ct);

        const string actor = "demo-loader";
        var metadata = new EventMetadata(actor, Guid.CreateVersion7(), null, catalogue.Version);
        async Task Case(Person person, HostPartyId host, params Func<CaseId, CaseCommand>[] steps)
        {
            var id = CaseId.New();
            var state = CaseState.Initial;
            LoadedCase? current = null;
            foreach (var step in steps.Prepend(c => new OpenCase(c, person, host, actor, today)))
            {
                var decision = CaseDecider.Decide(step(id), state, catalogue);
                if (decision.Rejection is { } r) throw new InvalidOperationException($"demo case {person.FamilyName}: {r.Message}");
                current = await repository.AppendAsync(current, id, decision.Events, metadata, ct);
                state = current.State;
            }
        }
        LocalDate Ago(int days) => today.PlusDays(-days);

        // inCountry, notified in time; exit deadline (30-day visa-free visit).
        await Case(People[0], AstanaEngineering,
            id => new RecordEntry(id, Ago(10), "NQZ airport", actor, today),
            id => new RecordNotification(id, Ago(9), NotificationChannel.EQonaq, "EQ-000101", actor, today));
        // Arrival notification missed (art. 518 exposure for a medium host); TRP required by day 90 (EAEU).
        await Case(People[1], AstanaEngineering,
            id => new RecordEntry(id, Ago(40), "Petropavl rail", actor, today));
        // TRP threshold (day 30 for CIS, not EAEU) passed: residencePermitRequired missed.
        await Case(People[2], AstanaEngineering,
            id => new RecordEntry(id, Ago(35), "Zhibek Zholy road", actor, today),
            id => new RecordNotification(id, Ago(34), NotificationChannel.EQonaq, "EQ-000102", actor, today));
        // Arrived yesterday: arrival notification open (14-day regime).
        await Case(People[3], AlmatyUniversity,
            id => new RecordEntry(id, Ago(1), "ALA airport", actor, today));
        // overstaying: 35 days on a 30-day visa-free visit.
        await Case(People[4], AlmatyUniversity,
            id => new RecordEntry(id, Ago(34), "ALA airport", actor, today),
            id => new RecordNotification(id, Ago(33), NotificationChannel.VmpGovKz, null, actor, today));
        // C3 work visa expiring in 40 days: extension window opens/closes.
        await Case(People[5] with { PassportExpiry = today.PlusYears(3) }, AstanaEngineering,
            id => new IssueVisa(id, Ago(320), "C3", VisaEntries.Multiple, Ago(320), today.PlusDays(40), null, false, false, AstanaEngineering, actor, today),
            id => new RecordEntry(id, Ago(300), "NQZ airport", actor, today),
            id => new RecordNotification(id, Ago(299), NotificationChannel.EQonaq, "EQ-000103", actor, today));
        // Work visa cancelled three days ago: exit visa expiry.
        await Case(People[6] with { PassportExpiry = today.PlusYears(5) }, AstanaEngineering,
            id => new IssueVisa(id, Ago(200), "C3", VisaEntries.Multiple, Ago(200), today.PlusDays(300), null, false, false, AstanaEngineering, actor, today),
            id => new RecordEntry(id, Ago(190), "NQZ airport", actor, today),
            id => new RecordNotification(id, Ago(189), NotificationChannel.EQonaq, "EQ-000104", actor, today),
            id => new CancelVisa(id, Ago(3), actor, today));
        // left after a 5-day overstay (art. 517, 10 MCI).
        await Case(People[7], AlmatyUniversity,
            id => new RecordEntry(id, Ago(60), "ALA airport", actor, today),
            id => new RecordNotification(id, Ago(59), NotificationChannel.VmpGovKz, null, actor, today),
            id => new RecordExit(id, Ago(26), actor, today));
        // notArrived: opened, no entry yet.
        await Case(People[8], AlmatyUniversity);
        // closed.
        await Case(People[9], AlmatyUniversity,
            id => new RecordEntry(id, Ago(100), "ALA airport", actor, today),
            id => new RecordNotification(id, Ago(99), NotificationChannel.EQonaq, "EQ-000105", actor, today),
            id => new RecordExit(id, Ago(80), actor, today),
            id => new CloseCase(id, Ago(70), "contract ended", actor, today));
    }
}
