using BenchmarkDotNet.Running;
using CaseFlow.Bench;

// ops/bench append [events] | evaluate [BenchmarkDotNet args] | http [seconds] | import [rows] | rebuild [events] | sweep [cases] | verify [events]
return args.FirstOrDefault() switch
{
    "append" => await AppendBenchmark.RunAsync(args[1..]),
    "import" => await ImportBenchmark.RunAsync(args[1..]),
    "http" => await HttpBenchmark.RunAsync(args[1..]),
    "rebuild" => await RebuildBenchmark.RunAsync(args[1..]),
    "sweep" => await SweepBenchmark.RunAsync(args[1..]),
    "verify" => await VerifyBenchmark.RunAsync(args[1..]),
    "evaluate" => Run(() => BenchmarkRunner.Run([typeof(EvaluateBenchmark), typeof(EvaluateScalingBenchmark)], args: args[1..])),
    _ => Usage(),
};

static int Run(Action action)
{
    action();
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: ops/bench append [events] | evaluate | http [seconds] | import [rows] | rebuild [events] | sweep [cases] | verify [events]");
    return 2;
}
