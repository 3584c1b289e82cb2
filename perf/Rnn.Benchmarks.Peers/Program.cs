using BenchmarkDotNet.Running;
using Rnn.Benchmarks;
using Rnn.Benchmarks.Peers;

if (args.Length > 0 && args[0] == "--int8") return Int8Comparison.Run();
if (args.Length > 0 && args[0] == "--verify") return Verify.Run(PeerImplementations.All, () => TrainingCheck.Run(steps: 4));
BenchmarkSwitcher.FromAssembly(typeof(PeerConfig).Assembly).Run(args, PeerConfig.Create());
return 0;
