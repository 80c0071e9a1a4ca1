using BenchmarkDotNet.Running;
using CaseFlow.Bench;

// ops/bench append | evaluate [BenchmarkDotNet args] | rebuild [events]
return args.FirstOrDefault() switch
{
    "append" => await AppendBenchmark.RunAsync(),
    "rebuild" => await RebuildBenchmark.RunAsync(args[1..]),
    "sweep" => await SweepBenchmark.RunAsync(args[1..]),
    "evaluate" => Run(() => BenchmarkRunner.Run<EvaluateBenchmark>(args: args[1..])),
    _ => Usage(),
};

static int Run(Action action)
{
    action();
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: ops/bench append | evaluate | rebuild [events] | sweep [cases]");
    return 2;
}
