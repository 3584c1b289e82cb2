using BenchmarkDotNet.Running;
using Rnn.Benchmarks;
using Rnn.Benchmarks.Infrastructure;

if (args.Length > 0 && args[0] == "--verify") return Verify.Run();
BenchmarkSwitcher.FromAssembly(typeof(Verify).Assembly).Run(args, BenchConfig.Create());
return 0;
