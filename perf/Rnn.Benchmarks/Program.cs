using BenchmarkDotNet.Running;
using Rnn.Benchmarks;
using Rnn.Benchmarks.Infrastructure;

if (args.Length > 0 && args[0] == "--verify") return Verify.Run([Implementation.Ours], extraCheck: null);
BenchmarkSwitcher.FromAssembly(typeof(Verify).Assembly).Run(args, BenchConfig.Create(BenchConfig.ShortJob()));
return 0;
