using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;
using Rnn.Tests.TestSupport;
using Rnn.Training.Parameters;
using Rnn.Training.Recurrent;

namespace Rnn.Tests.Training.Recurrent;

/// <summary>
/// The trainer's forward and backward (the backward rows, the optimizer-free gradient products) on every kernel path
/// at sizes on both sides of every vector width: the vector paths give the same bits (same operations per element,
/// multiply-adds fused alike), and the scalar path, whose sigmoid/tanh are MathF's, agrees within float rounding.
/// </summary>
public class TrainerKernelPathTests
{
    public static TheoryData<CellKind, int> Shapes()
    {
        var data = new TheoryData<CellKind, int>();
        foreach (CellKind cell in new[] { CellKind.Lstm, CellKind.Gru, CellKind.RnnTanh, CellKind.RnnRelu })
            foreach (int hidden in new[] { 1, 3, 17, 33, 129 })
                data.Add(cell, hidden);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Paths_agree_on_outputs_and_gradients(CellKind cell, int hidden)
    {
        const int T = 3, B = 2, input = 5;
        float[]? vectorResult = null;
        KernelPath vectorPathSeen = KernelPath.Scalar;
        float[] scalarResult = Run(KernelPath.Scalar, cell, input, hidden, T, B);
        foreach (KernelPath path in KernelPaths.Supported())
        {
            if (path == KernelPath.Scalar) continue;
            float[] result = Run(path, cell, input, hidden, T, B);
            Tolerance.AssertClose(scalarResult, result, 1e-5, 1e-4, $"{cell} H={hidden} {path} vs Scalar");
            if (vectorResult is null) { vectorResult = result; vectorPathSeen = path; }
            else Rnn.Tests.Runtime.Kernels.KernelTestData.AssertBitwiseEqual(vectorResult, result, $"{cell} H={hidden} {path} vs {vectorPathSeen}");
        }
    }

    /// <summary>y, hn, dx, dh0 and every parameter gradient, one after another.</summary>
    private static float[] Run(KernelPath path, CellKind cell, int input, int hidden, int T, int B)
    {
        var arch = new RnnArchitecture(cell, input, hidden, 2, true, true, "");
        using var trainer = new RecurrentStackTrainer(arch, T, B, path);
        trainer.LoadFrom(RnnModel.RandomStateDict(cell, input, hidden, 2, true, seed: (ulong)(hidden * 7 + (int)cell)));
        bool lstm = cell == CellKind.Lstm;
        int states = arch.NumLayers * arch.Directions * B * hidden;
        float[] x = ReferenceRnn.RandomFloats(T * B * input, 11, 1f);
        float[] h0 = ReferenceRnn.RandomFloats(states, 12, 0.5f);
        float[] c0 = lstm ? ReferenceRnn.RandomFloats(states, 13, 0.5f) : [];
        float[] y = new float[T * B * trainer.OutputSize], hn = new float[states], cn = new float[c0.Length];
        trainer.Forward(x, y, T, B, default, h0, c0, hn, lstm ? cn : default);
        foreach (Parameter p in trainer.Parameters) p.ZeroGrad();
        float[] dx = new float[x.Length], dh0 = new float[states], dc0 = new float[c0.Length];
        trainer.Backward(ReferenceRnn.RandomFloats(y.Length, 14, 1f), ReferenceRnn.RandomFloats(states, 15, 1f),
            lstm ? ReferenceRnn.RandomFloats(states, 16, 1f) : default, dx, dh0, lstm ? dc0 : default);
        var all = new List<float>();
        all.AddRange(y); all.AddRange(hn); all.AddRange(cn); all.AddRange(dx); all.AddRange(dh0); all.AddRange(dc0);
        foreach (Parameter p in trainer.Parameters) all.AddRange(p.Grad);
        return all.ToArray();
    }
}
