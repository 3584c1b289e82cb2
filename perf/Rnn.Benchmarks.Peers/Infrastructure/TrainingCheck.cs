using Rnn.Benchmarks.Infrastructure;
using Rnn.Benchmarks.Ours;

namespace Rnn.Benchmarks.Peers;

/// <summary>Part of --verify here: the char-rnn training step, ours against PyTorch.</summary>
internal static class TrainingCheck
{
    /// <summary>
    /// The char-rnn training step, ours against PyTorch from the same initial weights and data: the loss of every
    /// step (each after the previous updates) must agree. Adam divides by √v, so tiny gradient differences in
    /// near-zero components move weights by up to lr; hence a looser, relative tolerance than inference.
    /// </summary>
    public static bool Run(int steps)
    {
        const double RelativeTolerance = 1e-4;
        var work = new CharRnnWorkload(chunks: 3);
        using ITrainingRunner ours = new OurTrainingRunner(work, threads: 1);
        using ITrainingRunner torch = new TorchSharpTrainingRunner(work, threads: 1);
        bool ok = true;
        for (int s = 0; s < steps; s++)
        {
            double a = ours.Step(), b = torch.Step();
            double rel = Math.Abs(a - b) / Math.Abs(b);
            bool good = rel <= RelativeTolerance;
            Console.WriteLine($"training char-rnn step {s}: loss ours {a:F6} TorchSharp {b:F6} relative diff {rel:E2} {(good ? "ok" : "FAIL")}");
            ok &= good;
        }
        return ok;
    }
}
