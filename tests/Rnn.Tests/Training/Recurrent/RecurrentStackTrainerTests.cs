using Rnn.Training.Parameters;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;
using Rnn.Tests.TestSupport;
using Rnn.Training;
using Rnn.Training.Recurrent;

namespace Rnn.Tests.Training.Recurrent;

/// <summary>
/// The trainer's contract beyond the equations: same forward as the inference runtime, masks that follow the
/// example, truncated BPTT plumbing, accumulation, kernel-path agreement, zero allocations, argument checks.
/// </summary>
[Collection(AllocationCollection.Name)]
public class RecurrentStackTrainerTests
{
    private static readonly CellKind[] AllCells = [CellKind.Lstm, CellKind.Gru, CellKind.RnnTanh, CellKind.RnnRelu];

    public static IEnumerable<object[]> CellsAndPaths()
    {
        foreach (CellKind cell in AllCells)
            foreach (KernelPath path in KernelPaths.Supported())
                yield return [cell, path];
    }

    public static IEnumerable<object[]> Cells()
    {
        foreach (CellKind cell in AllCells) yield return [cell];
    }

    /// <summary>Inputs for a (T, B) batch of a trainer's architecture, from fixed seeds.</summary>
    private sealed record Batch(float[] X, float[] H0, float[] C0, float[] Ry, float[] Rhn, float[] Rcn)
    {
        public static Batch Random(RnnArchitecture a, int T, int B, int seed)
        {
            int states = a.NumLayers * a.Directions * B * a.HiddenSize;
            bool lstm = a.Cell == CellKind.Lstm;
            return new Batch(
                ReferenceRnn.RandomFloats(T * B * a.InputSize, seed),
                ReferenceRnn.RandomFloats(states, seed + 1, 0.5f),
                lstm ? ReferenceRnn.RandomFloats(states, seed + 2, 0.5f) : [],
                ReferenceRnn.RandomFloats(T * B * a.Directions * a.HiddenSize, seed + 3),
                ReferenceRnn.RandomFloats(states, seed + 4),
                lstm ? ReferenceRnn.RandomFloats(states, seed + 5) : []);
        }
    }

    [Theory]
    [MemberData(nameof(CellsAndPaths))]
    public void InferenceForwardEqualsRnnSession(CellKind cell, KernelPath path)
    {
        const int T = 6, B = 3;
        int[] lengths = [6, 1, 4];
        var arch = new RnnArchitecture(cell, 5, 9, 2, true, true, "");
        using var trainer = new RecurrentStackTrainer(arch, T, B, path, 0.5f, 0.5f, 0.5f, initSeed: 3);
        using RnnModel model = RnnModel.FromTensors(trainer.ToStateDict(), cell, kernelPath: path);
        using RnnSession session = model.CreateSession(T, B);
        Batch data = Batch.Random(arch, T, B, 100);
        bool lstm = cell == CellKind.Lstm;

        float[] y = new float[T * B * trainer.OutputSize], hn = new float[data.H0.Length], cn = new float[data.C0.Length];
        trainer.Forward(data.X, y, T, B, lengths, data.H0, data.C0, hn, lstm ? cn : default, training: false, dropoutSeed: 9);
        float[] yS = new float[y.Length], hnS = new float[hn.Length], cnS = new float[cn.Length];
        session.Run(data.X, yS, T, B, lengths, data.H0, data.C0, hnS, lstm ? cnS : default);

        Tolerance.AssertClose(yS, y, 1e-6, 1e-6, $"{cell}/{path} y");
        Tolerance.AssertClose(hnS, hn, 1e-6, 1e-6, $"{cell}/{path} hn");
        Tolerance.AssertClose(cnS, cn, 1e-6, 1e-6, $"{cell}/{path} cn");

        // With training on, the configured dropout must actually change the outputs.
        float[] yTrain = new float[y.Length];
        trainer.Forward(data.X, yTrain, T, B, lengths, data.H0, data.C0, training: true, dropoutSeed: 9);
        Assert.False(yTrain.AsSpan().SequenceEqual(y), $"{cell}/{path}: dropout 0.5 left the outputs unchanged");
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void DropoutMasksFollowTheExampleNotTheBatchSplit(CellKind cell)
    {
        const int T = 5, B = 4, Split = 2;
        int[] lengths = [5, 3, 4, 2];
        var arch = new RnnArchitecture(cell, 4, 6, 2, true, true, "");
        Batch data = Batch.Random(arch, T, B, 200);
        int H = arch.HiddenSize, I = arch.InputSize, O = 2 * H, S = arch.NumLayers * arch.Directions;
        const ulong seed = 77;
        const int first = 40;

        using var whole = new RecurrentStackTrainer(arch, T, B, KernelPaths.Default, 0.3f, 0.2f, 0.4f, initSeed: 8);
        float[] y = new float[T * B * O], hn = new float[S * B * H], dx = new float[T * B * I], dh0 = new float[S * B * H];
        whole.Forward(data.X, y, T, B, lengths, data.H0, data.C0, hn, default, training: true, dropoutSeed: seed, firstExample: first);
        whole.Backward(data.Ry, data.Rhn, data.Rcn, dx, dh0, default);

        using var part = new RecurrentStackTrainer(arch, T, Split, KernelPaths.Default, 0.3f, 0.2f, 0.4f, initSeed: 8);
        for (int start = 0; start < B; start += Split)
        {
            // Rows [start, start + Split) of every (T, B, ·) and (L·D, B, H) tensor.
            float[] Rows(float[] full, int outer, int width)
            {
                if (full.Length == 0) return [];
                var r = new float[outer * Split * width];
                for (int o = 0; o < outer; o++) full.AsSpan((o * B + start) * width, Split * width).CopyTo(r.AsSpan(o * Split * width));
                return r;
            }
            float[] yP = new float[T * Split * O], hnP = new float[S * Split * H], dxP = new float[T * Split * I], dh0P = new float[S * Split * H];
            part.Forward(Rows(data.X, T, I), yP, T, Split, lengths.AsSpan(start, Split), Rows(data.H0, S, H), Rows(data.C0, S, H), hnP, default,
                training: true, dropoutSeed: seed, firstExample: first + start);
            part.Backward(Rows(data.Ry, T, O), Rows(data.Rhn, S, H), Rows(data.Rcn, S, H), dxP, dh0P, default);
            Tolerance.AssertClose(Rows(y, T, O), yP, 1e-6, 1e-6, $"{cell} y rows {start}+");
            Tolerance.AssertClose(Rows(hn, S, H), hnP, 1e-6, 1e-6, $"{cell} hn rows {start}+");
            Tolerance.AssertClose(Rows(dx, T, I), dxP, 1e-6, 1e-5, $"{cell} dx rows {start}+");
            Tolerance.AssertClose(Rows(dh0, S, H), dh0P, 1e-6, 1e-5, $"{cell} dh0 rows {start}+");
        }
        // The halves' parameter gradients accumulated in `part` add up to the whole batch's.
        for (int i = 0; i < whole.Parameters.Count; i++)
            Tolerance.AssertClose(whole.Parameters[i].Grad, part.Parameters[i].Grad, 1e-5, 1e-4, $"{cell} grad {whole.Parameters[i].Name}");
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void ChunkedForwardEqualsUnchunkedAndOneChunkEqualsFullBptt(CellKind cell)
    {
        const int T = 7, B = 2;
        var arch = new RnnArchitecture(cell, 3, 5, 2, false, true, "");
        Batch data = Batch.Random(arch, T, B, 300);
        bool lstm = cell == CellKind.Lstm;
        int O = arch.HiddenSize, I = arch.InputSize, states = data.H0.Length;

        using var trainer = new RecurrentStackTrainer(arch, T, B, KernelPaths.Default, initSeed: 4);
        float[] y = new float[T * B * O], hn = new float[states], cn = new float[data.C0.Length];
        trainer.Forward(data.X, y, T, B, default, data.H0, data.C0, hn, lstm ? cn : default);
        trainer.Backward(data.Ry, data.Rhn, data.Rcn);
        float[][] fullGrads = Grads(trainer);

        foreach (int k in new[] { 1, 3, T })
        {
            foreach (Parameter p in trainer.Parameters) p.ZeroGrad();
            float[] yChunked = new float[y.Length];
            float[] h = (float[])data.H0.Clone(), c = (float[])data.C0.Clone();
            for (int start = 0; start < T; start += k)
            {
                int len = Math.Min(k, T - start);
                float[] yc = new float[len * B * O], hNext = new float[states], cNext = new float[c.Length];
                trainer.Forward(data.X.AsSpan(start * B * I, len * B * I), yc, len, B, default, h, c, hNext, lstm ? cNext : default);
                // The last chunk owns the final-state loss terms; no gradient crosses a chunk boundary (dh0 ignored).
                bool lastChunk = start + len == T;
                trainer.Backward(data.Ry.AsSpan(start * B * O, len * B * O), lastChunk ? data.Rhn : default, lastChunk ? data.Rcn : default);
                yc.CopyTo(yChunked, start * B * O);
                h = hNext;
                c = cNext;
            }
            Tolerance.AssertClose(y, yChunked, 1e-6, 1e-6, $"{cell} k={k} y");
            Tolerance.AssertClose(hn, h, 1e-6, 1e-6, $"{cell} k={k} hn");
            Tolerance.AssertClose(cn, c, 1e-6, 1e-6, $"{cell} k={k} cn");
            float[][] chunkGrads = Grads(trainer);
            if (k == T)
                for (int i = 0; i < fullGrads.Length; i++)
                    Assert.True(fullGrads[i].AsSpan().SequenceEqual(chunkGrads[i]), $"{cell}: one chunk of {T} differs from full BPTT in {trainer.Parameters[i].Name}");
            else
                Assert.False(fullGrads[0].AsSpan().SequenceEqual(chunkGrads[0]), $"{cell} k={k}: truncation did not cut any gradient path");
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void BackwardAccumulatesIntoGrad(CellKind cell)
    {
        const int T = 4, B = 2;
        var arch = new RnnArchitecture(cell, 3, 4, 2, true, true, "");
        Batch data = Batch.Random(arch, T, B, 400);
        using var trainer = new RecurrentStackTrainer(arch, T, B, KernelPaths.Default, initSeed: 1);
        trainer.Forward(data.X, new float[T * B * trainer.OutputSize], T, B, [4, 2], data.H0, data.C0);
        trainer.Backward(data.Ry, data.Rhn, data.Rcn);
        float[][] once = Grads(trainer);
        trainer.Backward(data.Ry, data.Rhn, data.Rcn);
        for (int i = 0; i < once.Length; i++)
        {
            Assert.Contains(once[i], v => v != 0f);
            float[] twice = Array.ConvertAll(once[i], v => 2 * v);
            Tolerance.AssertClose(twice, trainer.Parameters[i].Grad, 1e-6, 1e-6, $"{cell} {trainer.Parameters[i].Name}");
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void KernelPathsAgree(CellKind cell)
    {
        const int T = 9, B = 5;
        int[] lengths = [9, 2, 7, 1, 9];
        var arch = new RnnArchitecture(cell, 20, 19, 2, true, true, "");
        Batch data = Batch.Random(arch, T, B, 500);
        float[][]? reference = null;
        float[]? referenceDx = null;
        foreach (KernelPath path in KernelPaths.Supported())
        {
            using var trainer = new RecurrentStackTrainer(arch, T, B, path, 0.2f, 0.1f, 0.3f, initSeed: 6);
            float[] dx = new float[data.X.Length];
            trainer.Forward(data.X, new float[T * B * trainer.OutputSize], T, B, lengths, data.H0, data.C0, training: true, dropoutSeed: 5);
            trainer.Backward(data.Ry, data.Rhn, data.Rcn, dx);
            float[][] grads = Grads(trainer);
            if (reference is null)
            {
                reference = grads;
                referenceDx = dx;
                continue;
            }
            Tolerance.AssertClose(referenceDx, dx, 1e-5, 1e-4, $"{cell}/{path} dx");
            for (int i = 0; i < grads.Length; i++)
                Tolerance.AssertClose(reference[i], grads[i], 1e-5, 1e-4, $"{cell}/{path} {trainer.Parameters[i].Name}");
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void NoManagedAllocationsPerForwardAndBackwardOnceWarm(CellKind cell)
    {
        const int T = 8, B = 4;
        int[] lengths = [8, 3, 5, 8];
        var arch = new RnnArchitecture(cell, 6, 20, 2, true, true, "");
        Batch data = Batch.Random(arch, T, B, 600);
        using var trainer = new RecurrentStackTrainer(arch, T, B, KernelPaths.Default, 0.2f, 0.2f, 0.2f);
        float[] y = new float[T * B * trainer.OutputSize], hn = new float[data.H0.Length], cn = new float[data.C0.Length];
        float[] dx = new float[data.X.Length], dh0 = new float[data.H0.Length], dc0 = new float[data.C0.Length];
        bool lstm = cell == CellKind.Lstm;

        void Step(ulong seed)
        {
            trainer.Forward(data.X, y, T, B, lengths, data.H0, data.C0, hn, lstm ? cn : default, training: true, dropoutSeed: seed);
            trainer.Backward(data.Ry, data.Rhn, data.Rcn, dx, dh0, lstm ? dc0 : default);
            // A shorter call reuses the same workspace.
            trainer.Forward(data.X.AsSpan(0, 3 * 2 * arch.InputSize), y.AsSpan(0, 3 * 2 * trainer.OutputSize), 3, 2);
            trainer.Backward(data.Ry.AsSpan(0, 3 * 2 * trainer.OutputSize));
        }
        Step(1);
        ulong seed = 2;
        long allocated = AllocatedBytes.Least(() => Step(seed++));
        Assert.True(allocated == 0, $"{cell}: {allocated} bytes allocated in each of 3 warm Forward+Backward pairs");
    }

    [Fact]
    public void TrainerWithoutBiasesEqualsOneWithZeroBiases()
    {
        const int T = 4, B = 2;
        var withBias = new RnnArchitecture(CellKind.Gru, 3, 5, 2, true, true, "");
        var noBias = withBias with { HasBias = false };
        using var a = new RecurrentStackTrainer(withBias, T, B, KernelPaths.Default, initSeed: 2);
        using var b = new RecurrentStackTrainer(noBias, T, B, KernelPaths.Default, initSeed: 2);
        Assert.Equal(2 * b.Parameters.Count, a.Parameters.Count);
        foreach (Parameter p in a.Parameters)
            if (p.Name.StartsWith("bias_", StringComparison.Ordinal)) p.Value.AsSpan().Clear();
        Batch data = Batch.Random(withBias, T, B, 700);
        float[] ya = new float[T * B * a.OutputSize], yb = new float[ya.Length];
        a.Forward(data.X, ya, T, B, default, data.H0);
        b.Forward(data.X, yb, T, B, default, data.H0);
        Assert.Equal(ya, yb);
        a.Backward(data.Ry, data.Rhn);
        b.Backward(data.Ry, data.Rhn);
        foreach (Parameter p in b.Parameters)
        {
            Parameter same = a.Parameters.Single(q => q.Name == p.Name);
            Assert.Equal(same.Grad, p.Grad);
        }
    }

    [Fact]
    public void LoadFromAndToStateDictRoundTrip()
    {
        var arch = new RnnArchitecture(CellKind.Lstm, 4, 6, 2, true, true, "rnn.");
        using var trainer = new RecurrentStackTrainer(arch, 3, 2, KernelPaths.Default, initSeed: 1);
        Assert.Equal(
            ["rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
             "rnn.weight_ih_l0_reverse", "rnn.weight_hh_l0_reverse", "rnn.bias_ih_l0_reverse", "rnn.bias_hh_l0_reverse",
             "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1",
             "rnn.weight_ih_l1_reverse", "rnn.weight_hh_l1_reverse", "rnn.bias_ih_l1_reverse", "rnn.bias_hh_l1_reverse"],
            trainer.Parameters.Select(p => p.Name));
        Assert.Equal([24, 12], trainer.Parameters[8].Shape);

        using var other = new RecurrentStackTrainer(arch, 3, 2, KernelPaths.Default, initSeed: 2);
        Assert.NotEqual(trainer.Parameters[0].Value, other.Parameters[0].Value);
        other.LoadFrom(trainer.ToStateDict());
        for (int i = 0; i < trainer.Parameters.Count; i++)
            Assert.Equal(trainer.Parameters[i].Value, other.Parameters[i].Value);

        // Same initialisation as the runtime's random model with that seed.
        using RnnModel model = RnnModel.CreateRandom(CellKind.Lstm, 4, 6, 2, true, seed: 1);
        TensorDictionary fromModel = model.ToStateDict();
        var w = new float[24 * 12];
        fromModel.Read("weight_ih_l1", w);
        Assert.Equal(w, trainer.Parameters[8].Value);
    }

    [Fact]
    public void LoadFromRejectsWrongShapesAndNonFiniteValuesNamingTheTensor()
    {
        var arch = new RnnArchitecture(CellKind.Gru, 4, 6, 1, false, true, "");
        using var trainer = new RecurrentStackTrainer(arch, 3, 2, KernelPaths.Default);
        var bad = new TensorDictionary { SourceName = "bad.safetensors" };
        bad.Add("weight_ih_l0", [18, 5], new float[90]);
        bad.Add("weight_hh_l0", [18, 6], new float[108]);
        bad.Add("bias_ih_l0", [18], new float[18]);
        bad.Add("bias_hh_l0", [18], new float[18]);
        var e = Assert.Throws<RnnFormatException>(() => trainer.LoadFrom(bad));
        Assert.Equal("weight_ih_l0", e.TensorName);
        Assert.Contains("(18, 4)", e.Message);

        var nan = trainer.ToStateDict();
        var values = new float[18];
        values[3] = float.NaN;
        var withNan = new TensorDictionary { SourceName = "nan.safetensors" };
        foreach (string name in nan.Names)
        {
            nan.TryGetShape(name, out int[] shape);
            var data = new float[shape.Aggregate(1, (x, y) => x * y)];
            nan.Read(name, data);
            withNan.Add(name, shape, name == "bias_hh_l0" ? values : data);
        }
        e = Assert.Throws<RnnFormatException>(() => trainer.LoadFrom(withNan));
        Assert.Equal("bias_hh_l0", e.TensorName);
    }

    [Fact]
    public void BadArgumentsGetClearErrors()
    {
        var arch = new RnnArchitecture(CellKind.Gru, 4, 6, 2, false, true, "");
        using var trainer = new RecurrentStackTrainer(arch, 5, 3, KernelPaths.Default);
        float[] x = new float[5 * 3 * 4], y = new float[5 * 3 * 6];
        Assert.Throws<InvalidOperationException>(() => trainer.Backward(y));
        var e = Assert.Throws<ArgumentException>(() => trainer.Forward(x.AsSpan(1), y, 5, 3));
        Assert.Equal("x", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Forward(x, y, 6, 3));
        e = Assert.Throws<ArgumentException>(() => trainer.Forward(x, y, 5, 3, [5, 0, 2]));
        Assert.Contains("lengths[1] = 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => trainer.Forward(x, y, 5, 3, default, default, new float[2 * 3 * 6]));
        Assert.Equal("c0", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => trainer.Forward(x, y, 5, 3, default, new float[7]));
        Assert.Equal("h0", e.ParamName);
        trainer.Forward(x, y, 5, 3);
        e = Assert.Throws<ArgumentException>(() => trainer.Backward(y.AsSpan(6)));
        Assert.Equal("dy", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecurrentStackTrainer(arch, 5, 3, KernelPaths.Default, interLayerDropout: 1f));
    }

    private static float[][] Grads(RecurrentStackTrainer trainer) =>
        trainer.Parameters.Select(p => (float[])p.Grad.Clone()).ToArray();
}
