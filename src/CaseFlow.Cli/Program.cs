using CaseFlow.Cli;

return await CaseFlowCli.RunAsync(args, Console.Out, Console.Error);
