using CaseFlow.Domain.Alerts;
using CaseFlow.Domain.Cases;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Domain.Tests.Cases;

/// <summary>
/// Whatever the decider accepts is a history the engine and the alert rules can judge (seeded, so a failure reproduces): random
/// commands of every kind, on random days across the dates CaseFlow takes, against the case as it stands. A case the decider let in
/// but the engine cannot evaluate would answer 500 on every read and be a poison case for the sweep.
/// </summary>
public class DeciderChaosTests
{
    private static readonly CaseId Id = CaseId.New();
    private static readonly HostPartyId Host = new(Guid.NewGuid());

    private static LocalDate Day(Random random, LocalDate today) => random.Next(5) switch
    {
        0 => CaseFactsReader.MinDate.PlusDays(random.Next(60)),
        1 => today.PlusDays(-random.Next(5)),
        _ => today.PlusDays(-random.Next(1, 700)),
    };

    private static CaseCommand Command(Random random, LocalDate today, RuleCatalogue catalogue)
    {
        var categories = catalogue.Visas.Categories.Select(c => c.Code).ToArray();
        var day = Day(random, today);
        int? Stay() => random.Next(3) switch { 0 => null, 1 => CaseFactsReader.MaxStayPerEntryDays, _ => random.Next(1, 400) };
        LocalDate Until(LocalDate from) => random.Next(4) == 0 ? CaseFactsReader.MaxDate : from.PlusDays(random.Next(0, 800)) is var t && t <= CaseFactsReader.MaxDate ? t : CaseFactsReader.MaxDate;
        return random.Next(11) switch
        {
            0 or 1 => new RecordEntry(Id, day, "ALA", "u", today),
            2 or 3 => new RecordExit(Id, day, "u", today),
            4 => new RecordNotification(Id, day, NotificationChannel.EQonaq, null, "u", today),
            5 => new IssueVisa(Id, day, categories[random.Next(categories.Length)], random.Next(2) == 0 ? VisaEntries.Single : VisaEntries.Multiple,
                day, Until(day), Stay(), random.Next(2) == 0, random.Next(5) == 0, Host, "u", today),
            6 => new ExtendVisa(Id, day, Until(day), Host, "u", today),
            7 => new ChangeCategory(Id, day, categories[random.Next(categories.Length)], VisaEntries.Multiple, day, Until(day), Stay(), "u", today),
            8 => new CancelVisa(Id, day, "u", today),
            9 => new IssueResidencePermit(Id, day, day, Until(day), "u", today),
            _ => new RecordAddressChange(Id, day, "Abay 1", "u", today),
        };
    }

    [Fact]
    public void EveryHistoryTheDeciderAccepts_IsEvaluated_AndItsAlertsAndAlertDatesComputed()
    {
        var catalogue = RuleCatalogue.Default;
        var random = new Random(1123);
        var failures = new List<string>();
        var accepted = 0;
        for (var run = 0; run < 300 && failures.Count < 3; run++)
        {
            var today = random.Next(4) == 0 ? CaseFactsReader.MaxDate.PlusDays(-random.Next(30)) : new LocalDate(2024, 1, 1).PlusDays(random.Next(1_500));
            var nationality = new[] { "DE", "US", "IN", "UA", "KR", "RU", "UZ", "CN", "JO", "TR" }[random.Next(10)];
            var events = new List<CaseEvent> { new CaseOpened(Id, new Person("Chaos", "C", nationality, new LocalDate(1980, 1, 1), "N1", null), Host, "u") };
            var state = CaseState.Fold(events);
            for (var step = 0; step < 40 && failures.Count < 3; step++)
            {
                var command = Command(random, today, catalogue);
                var decision = CaseDecider.Decide(command, state, catalogue);
                if (decision.Rejection is not null) continue;
                accepted++;
                events.AddRange(decision.Events);
                state = CaseState.Fold(events);
                try
                {
                    var size = (HostPartySize)random.Next(3);
                    var facts = CaseFactsMapper.From(events, size);
                    var evaluation = RulesEngine.Evaluate(catalogue, facts, today);
                    AlertRules.Due(catalogue, state, evaluation, today, AlertSettings.Default);
                    AlertRules.Dates(catalogue, state, evaluation, today, AlertSettings.Default, d => RulesEngine.Evaluate(catalogue, facts, d));
                }
                catch (Exception e)
                {
                    failures.Add($"{e.GetType().Name}: {e.Message} after {command} (today {today})\n{string.Join("\n", events.Skip(1))}\n{e.StackTrace?.Split('\n').FirstOrDefault()}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.True(accepted > 2_000, $"only {accepted} commands accepted");
    }
}
