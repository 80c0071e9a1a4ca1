using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using CaseFlow.Domain.Rules;
using NodaTime;

namespace CaseFlow.Bench;

/// <summary>
/// Evaluate on a case with 10 years of history: 40 stays and 5 visas (issue 3), under each garbage collector CaseFlow runs with: the
/// server collector of the API host (and of this bench process, which the runs inherit otherwise) and the workstation collector of the
/// CLI. An evaluation allocates about 15 KB, and on this 2-core machine the server collector's larger allocation budget costs a
/// single thread about 15% more time.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BothCollectors))]
public class EvaluateBenchmark
{
    private CaseFacts facts = null!;
    private readonly RuleCatalogue catalogue = RuleCatalogue.Default;
    private static readonly LocalDate AsOf = new(2026, 6, 1);

    [GlobalSetup]
    public void Setup()
    {
        var events = new List<Fact>();
        var start = new LocalDate(2016, 6, 1);
        for (var v = 0; v < 5; v++)
        {
            var from = start.PlusYears(2 * v);
            events.Add(new VisaIssuedFact(from, "B2", VisaEntries.Multiple, from, from.PlusDays(179), 60, false));
        }
        var day = start;
        for (var s = 0; s < 40; s++)
        {
            events.Add(new EnteredFact(day));
            events.Add(new NotifiedFact(day.PlusDays(1)));
            day = day.PlusDays(20 + s % 15);
            events.Add(new ExitedFact(day));
            day = day.PlusDays(50 + s % 20);
        }
        facts = new CaseFacts(new PersonFacts("DE", new LocalDate(1980, 1, 1)), HostPartySize.Medium, events);
    }

    [Benchmark]
    public Evaluation Evaluate() => RulesEngine.Evaluate(catalogue, facts, AsOf);

    [Benchmark]
    public PlanResult Plan() => RulesEngine.Plan(catalogue, facts, AsOf);
}

/// <summary>
/// The short run under the server collector (the API host's) and under the workstation collector (the CLI's); a job named on the
/// command line (<c>--job Dry</c>, as <c>ops/bench smoke</c> runs it) replaces both.
/// </summary>
public sealed class BothCollectors : ManualConfig
{
    public BothCollectors()
    {
        if (Environment.GetCommandLineArgs().Contains("--job")) return;
        AddJob(Job.ShortRun.WithGcServer(true).WithId("server GC"));
        AddJob(Job.ShortRun.WithGcServer(false).WithId("workstation GC"));
    }
}

/// <summary>
/// Evaluate on histories of 100, 1,000 and 10,000 stays (issue 14: the cost grows linearly with the history): short visa-free
/// stays of a German national with a multiple-entry B2 visa every 50 stays, ending before the as-of date.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
[GcServer(true)] // as every run of this bench before the two-collector jobs above, so its figures compare with theirs
public class EvaluateScalingBenchmark
{
    private CaseFacts facts = null!;
    private readonly RuleCatalogue catalogue = RuleCatalogue.Default;
    private static readonly LocalDate AsOf = new(2026, 6, 1);

    [Params(100, 1_000, 10_000)]
    public int Stays { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var events = new List<Fact>();
        var day = AsOf.PlusDays(-4 * Stays - 10);
        for (var s = 0; s < Stays; s++)
        {
            if (s % 50 == 0) events.Add(new VisaIssuedFact(day, "B2", VisaEntries.Multiple, day, day.PlusDays(59), 30, false));
            events.Add(new EnteredFact(day));
            events.Add(new NotifiedFact(day.PlusDays(1)));
            day = day.PlusDays(1 + s % 3);
            events.Add(new ExitedFact(day));
            day = day.PlusDays(1 + s % 2);
        }
        facts = new CaseFacts(new PersonFacts("DE", new LocalDate(1980, 1, 1)), HostPartySize.Medium, events);
    }

    [Benchmark]
    public Evaluation Evaluate() => RulesEngine.Evaluate(catalogue, facts, AsOf);
}
