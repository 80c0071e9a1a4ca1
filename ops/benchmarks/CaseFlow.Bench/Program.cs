using BenchmarkDotNet.Running;
using CaseFlow.Bench;

// ops/bench append | evaluate [BenchmarkDotNet args]
return args.FirstOrDefault() switch
{
    "append" => await AppendBenchmark.RunAsync(),
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
    Console.Error.WriteLine("usage: ops/bench append | evaluate");
    return 2;
}
