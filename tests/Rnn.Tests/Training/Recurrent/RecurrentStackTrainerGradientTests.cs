using Rnn.Training.Parameters;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;
using Rnn.Tests.TestSupport;
using Rnn.Training;
using Rnn.Training.Recurrent;

namespace Rnn.Tests.Training.Recurrent;

/// <summary>
/// The trainer's forward against a double-precision reference of the whole stack (lengths, directions, dropout
/// masks included), and its gradients against central finite differences of that reference's loss, for every
/// parameter element, every input, every initial state.
/// </summary>
public class RecurrentStackTrainerGradientTests
{
    public sealed record Setup(int Layers, bool Bidirectional, bool WithLengths, bool Dropout)
    {
        public override string ToString() =>
            $"L{Layers}{(Bidirectional ? "bi" : "uni")}{(WithLengths ? "+lengths" : "")}{(Dropout ? "+dropout" : "")}";
    }

    public static IEnumerable<object[]> Cases()
    {
        Setup[] setups =
        [
            new(1, false, false, false),
            new(1, true, true, false),
            new(2, true, true, false),
            new(2, false, true, true),
            new(2, true, true, true),
        ];
        foreach (CellKind cell in new[] { CellKind.Lstm, CellKind.Gru, CellKind.RnnTanh, CellKind.RnnRelu })
            foreach (Setup s in setups)
                yield return [cell, s];
    }

    private const int I = 3, H = 4, T = 5, B = 3;
    private const float InterRate = 0.3f, InputRate = 0.25f, RecurrentRate = 0.35f;
    private const ulong Seed = 1234;
    private const int FirstExample = 7;

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardMatchesReferenceAndGradientsMatchFiniteDifferences(CellKind cell, Setup s)
    {
        var arch = new RnnArchitecture(cell, I, H, s.Layers, s.Bidirectional, true, "");
        using var trainer = new RecurrentStackTrainer(arch, T, B, KernelPaths.Default,
            s.Dropout ? InterRate : 0, s.Dropout ? InputRate : 0, s.Dropout ? RecurrentRate : 0, initSeed: 5);
        // Larger than default weights so the gates leave their linear region and errors in the derivatives show.
        foreach (Parameter p in trainer.Parameters)
            for (int i = 0; i < p.Length; i++) p.Value[i] *= 2f;

        int D = arch.Directions, L = s.Layers, states = L * D * B * H;
        bool lstm = cell == CellKind.Lstm;
        int[] lengths = s.WithLengths ? [T, 2, 4] : [];
        float[] x = ReferenceRnn.RandomFloats(T * B * I, 11);
        float[] h0 = ReferenceRnn.RandomFloats(states, 12, 0.5f);
        float[] c0 = lstm ? ReferenceRnn.RandomFloats(states, 13, 0.5f) : [];
        float[] ry = ReferenceRnn.RandomFloats(T * B * D * H, 14);
        float[] rhn = ReferenceRnn.RandomFloats(states, 15);
        float[] rcn = lstm ? ReferenceRnn.RandomFloats(states, 16) : [];

        float[] y = new float[T * B * D * H], hn = new float[states], cn = new float[c0.Length];
        trainer.Forward(x, y, T, B, lengths, h0, c0, hn, lstm ? cn : default, training: s.Dropout, dropoutSeed: Seed, firstExample: FirstExample);
        float[] dx = new float[x.Length], dh0 = new float[states], dc0 = new float[c0.Length];
        foreach (Parameter p in trainer.Parameters) p.ZeroGrad();
        trainer.Backward(ry, rhn, rcn, dx, dh0, lstm ? dc0 : default);

        ReferenceStack reference = Reference(trainer, s.Dropout, s.WithLengths ? lengths : null);
        var weights = new Dictionary<string, double[]>();
        foreach (Parameter p in trainer.Parameters) weights[p.Name] = ToDouble(p.Value);
        double[] xd = ToDouble(x), h0d = ToDouble(h0), c0d = ToDouble(c0);

        var (yRef, hnRef, cnRef) = reference.Forward(weights, xd, h0d, c0d);
        Tolerance.AssertClose(yRef, y, 2e-6, 1e-5, $"{cell} {s} y");
        Tolerance.AssertClose(hnRef, hn, 2e-6, 1e-5, $"{cell} {s} hn");
        if (lstm) Tolerance.AssertClose(cnRef, cn, 2e-6, 1e-5, $"{cell} {s} cn");

        double Loss() => reference.Loss(weights, xd, h0d, c0d, ry, rhn, rcn);
        foreach (Parameter p in trainer.Parameters)
            CheckGradient(weights[p.Name], p.Grad, Loss, $"{cell} {s} {p.Name}");
        CheckGradient(xd, dx, Loss, $"{cell} {s} dx");
        CheckGradient(h0d, dh0, Loss, $"{cell} {s} dh0");
        if (lstm) CheckGradient(c0d, dc0, Loss, $"{cell} {s} dc0");
    }

    /// <summary>The reference with the trainer's settings and the masks the trainer's documented key gives.</summary>
    internal static ReferenceStack Reference(RecurrentStackTrainer trainer, bool dropout, int[]? lengths)
    {
        RnnArchitecture a = trainer.Architecture;
        int D = a.Directions, Hd = a.HiddenSize, L = a.NumLayers;
        float[][]? input = null, recurrent = null, inter = null;
        if (dropout)
        {
            input = new float[D][];
            for (int d = 0; d < D; d++)
            {
                input[d] = new float[B * a.InputSize];
                for (int b = 0; b < B; b++)
                    DropoutMasks.Fill(input[d].AsSpan(b * a.InputSize, a.InputSize), trainer.InputDropout, Seed, 0, d, DropoutKind.Input, FirstExample + b, 0);
            }
            recurrent = new float[L * D][];
            for (int l = 0; l < L; l++)
                for (int d = 0; d < D; d++)
                {
                    recurrent[l * D + d] = new float[B * Hd];
                    for (int b = 0; b < B; b++)
                        DropoutMasks.Fill(recurrent[l * D + d].AsSpan(b * Hd, Hd), trainer.RecurrentDropout, Seed, l, d, DropoutKind.Recurrent, FirstExample + b, 0);
                }
            inter = new float[Math.Max(L - 1, 0)][];
            for (int l = 0; l < L - 1; l++)
            {
                inter[l] = new float[T * B * D * Hd];
                for (int t = 0; t < T; t++)
                    for (int b = 0; b < B; b++)
                        for (int d = 0; d < D; d++)
                            DropoutMasks.Fill(inter[l].AsSpan(((t * B + b) * D + d) * Hd, Hd), trainer.InterLayerDropout, Seed, l, d, DropoutKind.InterLayer, FirstExample + b, t);
            }
        }
        return new ReferenceStack
        {
            Cell = a.Cell, InputSize = a.InputSize, Hidden = Hd, Layers = L, Bidirectional = a.Bidirectional, T = T, B = B,
            Lengths = lengths, InputMasks = input, RecurrentMasks = recurrent, InterLayerMasks = inter,
        };
    }

    /// <summary>Central differences in double (step 1e-6): truncation ~1e-12, rounding ~1e-10, far below the float32 gradient's own error.</summary>
    private static void CheckGradient(double[] values, float[] analytic, Func<double> loss, string what)
    {
        const double step = 1e-6;
        Assert.Equal(values.Length, analytic.Length);
        for (int i = 0; i < values.Length; i++)
        {
            double keep = values[i];
            values[i] = keep + step;
            double up = loss();
            values[i] = keep - step;
            double down = loss();
            values[i] = keep;
            double numeric = (up - down) / (2 * step);
            Assert.True(Math.Abs(analytic[i] - numeric) <= 2e-5 + 1e-4 * Math.Abs(numeric),
                $"{what}[{i}]: analytic {analytic[i]:G9}, finite difference {numeric:G9}");
        }
    }

    internal static double[] ToDouble(float[] v) => Array.ConvertAll(v, f => (double)f);
}
