using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Tests.TestSupport;
using Rnn.Tests.TestSupport.Onnx;
using Xunit.Abstractions;

namespace Rnn.Tests.Runtime.Onnx;

/// <summary>
/// ONNX's cell variants (clip, LSTM peepholes and input_forget, GRU linear_before_reset = 0) on random weights against
/// <see cref="OnnxReference"/>: sessions and streams, every kernel path, odd sizes, every direction and layout,
/// float32, bfloat16 and int8, and 0 B per step.
/// </summary>
[Collection(AllocationCollection.Name)]
public class OnnxCellVariantTests(ITestOutputHelper output)
{
    public static readonly string[] Variants =
        ["lstm-clip", "lstm-input-forget", "lstm-peepholes", "lstm-all", "gru-clip", "gru-reset-first", "gru-reset-first-clip", "rnn-clip", "rnn-relu-clip"];

    /// <summary>A node of the named variant with random weights (scale 0.5: pre-activations pass ±1, so a clip of 0.6 bites).</summary>
    internal static OnnxNodeSpec Variant(string variant, int input, int hidden, string direction = "forward", int seed = 1)
    {
        string op = variant.StartsWith("lstm", StringComparison.Ordinal) ? "LSTM" : variant.StartsWith("gru", StringComparison.Ordinal) ? "GRU" : "RNN";
        bool peepholes = variant is "lstm-peepholes" or "lstm-all";
        OnnxNodeSpec spec = OnnxNodeSpec.Random(op, input, hidden, direction, seed, peepholes: peepholes);
        if (variant.EndsWith("clip", StringComparison.Ordinal) || variant == "lstm-all") spec = spec with { Clip = 0.6f };
        if (variant is "lstm-input-forget" or "lstm-all") spec = spec with { InputForget = 1 };
        if (op == "GRU") spec = spec with { LinearBeforeReset = variant.Contains("reset-first", StringComparison.Ordinal) ? 0 : 1 };
        if (variant == "rnn-relu-clip") spec = spec with { Activations = direction == "bidirectional" ? ["Relu", "Relu"] : ["Relu"] };
        return spec;
    }

    /// <summary>The same node with the variant switched off (PyTorch's cell).</summary>
    private static OnnxNodeSpec Plain(OnnxNodeSpec spec) =>
        spec with { Clip = null, InputForget = null, P = null, LinearBeforeReset = spec.OpType == "GRU" ? 1 : null };

    public static TheoryData<string, int, string, int> Shapes()
    {
        var data = new TheoryData<string, int, string, int>();
        foreach (string v in Variants)
        {
            data.Add(v, 1, "bidirectional", 0);
            data.Add(v, 3, "forward", 1);
            data.Add(v, 17, "bidirectional", 1);
            data.Add(v, 33, "reverse", 0);
            data.Add(v, 33, "bidirectional", 0);
        }
        return data;
    }

    public static TheoryData<string> VariantNames() => [.. Variants];

    [Theory]
    [MemberData(nameof(VariantNames))]
    public void TheVariantChangesTheOutputs(string variant)
    {
        // Otherwise the tests below could pass with the variant ignored.
        const int T = 5, B = 3, I = 4, H = 6;
        OnnxNodeSpec spec = Variant(variant, I, H, seed: 3);
        float[] x = OnnxRunner.RandomTensor(T * B * I, 4);
        double[] with = OnnxReference.Run(spec, x, T, B).Y, without = OnnxReference.Run(Plain(spec), x, T, B).Y;
        double largest = 0;
        for (int i = 0; i < with.Length; i++) largest = Math.Max(largest, Math.Abs(with[i] - without[i]));
        Assert.True(largest > 1e-2, $"{variant}: the variant moves Y by only {largest:E2}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SessionsMatchTheReferenceOnEveryPath(string variant, int hidden, string direction, int layout)
    {
        const int T = 6, B = 3, I = 5;
        OnnxNodeSpec spec = Variant(variant, I, hidden, direction, seed: hidden) with { Layout = layout };
        int D = spec.Directions;
        float[] x = OnnxRunner.RandomTensor(T * B * I, 1);
        float[] h0 = OnnxRunner.RandomTensor(D * B * hidden, 2, 0.5f), c0 = OnnxRunner.RandomTensor(D * B * hidden, 3, 0.5f);
        int[] lengths = [6, 2, 5];
        using var tmp = new TempDirectory();
        foreach (KernelPath path in KernelPaths.Supported())
            OnnxRunner.AssertMatchesReference(spec, tmp.Path, x, T, B, lengths, h0, spec.Lstm ? c0 : null, path,
                what: $"{variant} H {hidden} {direction} layout {layout} {path}");
    }

    [Theory]
    [MemberData(nameof(VariantNames))]
    public void StreamsMatchTheReferenceOnEveryPath(string variant)
    {
        const int T = 7, I = 4;
        foreach (int hidden in new[] { 1, 17, 33 })
            foreach (int streams in new[] { 1, 3 }) // one stream takes the grouped weights, several the panels
            {
                OnnxNodeSpec spec = Variant(variant, I, hidden, seed: hidden + streams);
                float[] x = OnnxRunner.RandomTensor(T * streams * I, 5);
                double[] expected = OnnxReference.Run(spec, x, T, streams).Y; // (T, 1, B, H)
                using var tmp = new TempDirectory();
                string file = tmp.File("m.onnx");
                spec.ToGraph().Save(file);
                foreach (KernelPath path in KernelPaths.Supported())
                {
                    float[] y = RunStream(file, path, WeightPrecision.Float32, x, T, streams, I, hidden);
                    Tolerance.AssertClose(expected, y, 2e-5, 1e-4, $"{variant} stream H {hidden} x{streams} {path}");
                }
            }
    }

    [Theory]
    [MemberData(nameof(VariantNames))]
    public void VectorPathsAgreeBitForBit(string variant)
    {
        const int T = 5, B = 2, I = 3, H = 33;
        OnnxNodeSpec spec = Variant(variant, I, H, "bidirectional", seed: 8);
        float[] x = OnnxRunner.RandomTensor(T * B * I, 6);
        using var tmp = new TempDirectory();
        string file = tmp.File("m.onnx");
        spec.ToGraph().Save(file);
        float[]? first = null;
        KernelPath firstPath = default;
        foreach (KernelPath path in KernelPaths.Supported())
        {
            if (path == KernelPath.Scalar) continue; // MathF's sigmoid/tanh: close, not the same bits
            using RnnModel model = RnnModel.Load(file, kernelPath: path);
            float[] y = OnnxRunner.Run(model, x, T, B).Y;
            if (first is null) (first, firstPath) = (y, path);
            else Assert.True(first.AsSpan().SequenceEqual(y), $"{variant}: {path} and {firstPath} differ");
        }
    }

    private static float[] RoundedToBf16(float[] values)
    {
        var rounded = new float[values.Length];
        for (int i = 0; i < values.Length; i++) rounded[i] = BitConverter.UInt32BitsToSingle((uint)PackedMatrixBf16.ToBf16(values[i]) << 16);
        return rounded;
    }

    [Theory]
    [MemberData(nameof(VariantNames))]
    public void Bfloat16EqualsFloat32WithRoundedWeights(string variant)
    {
        // A bf16 session rounds R alone (its input projection stays float32); a bf16 stream rounds W and R.
        const int T = 6, B = 3, I = 4, H = 17;
        OnnxNodeSpec spec = Variant(variant, I, H, "bidirectional", seed: 12);
        OnnxNodeSpec forward = Variant(variant, I, H, seed: 12);
        float[] x = OnnxRunner.RandomTensor(T * B * I, 13);
        using var tmp = new TempDirectory();
        string original = tmp.File("m.onnx"), roundedFile = tmp.File("rounded.onnx"), forwardFile = tmp.File("f.onnx");
        spec.ToGraph().Save(original);
        (spec with { R = RoundedToBf16(spec.R) }).ToGraph().Save(roundedFile);
        forward.ToGraph().Save(forwardFile);
        double[] streamExpected = OnnxReference.Run(forward with { W = RoundedToBf16(forward.W), R = RoundedToBf16(forward.R) }, x, T, B).Y;
        foreach (KernelPath path in KernelPaths.Supported())
        {
            using RnnModel model = RnnModel.Load(original, kernelPath: path), reference = RnnModel.Load(roundedFile, kernelPath: path);
            var bf16 = OnnxRunner.Run(model, x, T, B, precision: WeightPrecision.BFloat16);
            var f32 = OnnxRunner.Run(reference, x, T, B);
            Tolerance.AssertClose(f32.Y, bf16.Y, 1e-5, 1e-5, $"{variant} bf16 session {path}");
            float[] stream = RunStream(forwardFile, path, WeightPrecision.BFloat16, x, T, B, I, H);
            Tolerance.AssertClose(streamExpected, stream, 3e-5, 1e-4, $"{variant} bf16 stream {path}");
        }
    }

    [Theory]
    [MemberData(nameof(VariantNames))]
    public void Int8StaysNearFloat32AndStreamsEqualSessions(string variant)
    {
        const int T = 6, B = 3, I = 4, H = 33;
        OnnxNodeSpec spec = Variant(variant, I, H, seed: 14);
        float[] x = OnnxRunner.RandomTensor(T * B * I, 15);
        double[] expected = OnnxReference.Run(spec, x, T, B).Y;
        using var tmp = new TempDirectory();
        string file = tmp.File("m.onnx");
        spec.ToGraph().Save(file);
        foreach (KernelPath path in KernelPaths.Supported())
        {
            using RnnModel model = RnnModel.Load(file, kernelPath: path);
            float[] session = OnnxRunner.Run(model, x, T, B, precision: WeightPrecision.Int8).Y;
            Tolerance.AssertClose(expected, session, 0.03, 0, $"{variant} int8 session {path}");
            double error = Tolerance.MaxAbsDifference(expected, session);
            output.WriteLine($"{variant} int8 session {path}: max abs error {error:E2}");
            Assert.True(error > 1e-4, $"{variant} int8 session {path}: within {error} of float64, so the int8 weights are not in use");
            float[] stream = RunStream(file, path, WeightPrecision.Int8, x, T, B, I, H);
            if (spec.OpType == "GRU") // a GRU stream runs the session's own int8 step; LSTM/Elman fuse [x; h] in one product
                Assert.True(session.AsSpan().SequenceEqual(stream), $"{variant} int8: the stream and the session differ on {path}");
            else Tolerance.AssertClose(expected, stream, 0.03, 0, $"{variant} int8 stream {path}");
        }
    }

    [Theory]
    [MemberData(nameof(VariantNames))]
    public void AStepAndARunAllocateNothing(string variant)
    {
        const int T = 4, B = 2, I = 3, H = 19;
        using var tmp = new TempDirectory();
        string file = tmp.File("m.onnx");
        Variant(variant, I, H, seed: 2).ToGraph().Save(file);
        float[] x = OnnxRunner.RandomTensor(T * B * I, 3);
        foreach (WeightPrecision precision in Enum.GetValues<WeightPrecision>())
        {
            using RnnModel model = RnnModel.Load(file);
            using RnnStream stream = model.CreateStream(B, precision);
            using RnnSession session = model.CreateSession(T, B, precision);
            var output = new float[B * H];
            var y = new float[T * B * H];
            int[] lengths = [4, 3];
            stream.Step(x.AsSpan(0, B * I), output);
            stream.StepOne(1, x.AsSpan(0, I), output.AsSpan(0, H));
            session.Run(x, y, T, B, lengths);
            Assert.Equal(0, AllocatedBytes.Least(() =>
            {
                for (int i = 0; i < 20; i++)
                {
                    stream.Step(x.AsSpan(0, B * I), output);
                    stream.StepOne(1, x.AsSpan(0, I), output.AsSpan(0, H));
                    session.Run(x, y, T, B, lengths);
                }
            }));
        }
    }

    /// <summary>A forward model's stream fed x (T, streams, I) step by step: its outputs as ONNX's Y (T, 1, streams, H).</summary>
    private static float[] RunStream(string file, KernelPath path, WeightPrecision precision, float[] x, int T, int streams, int I, int H)
    {
        using RnnModel model = RnnModel.Load(file, kernelPath: path);
        using RnnStream stream = model.CreateStream(streams, precision);
        var y = new float[T * streams * H];
        for (int t = 0; t < T; t++)
            stream.Step(x.AsSpan(t * streams * I, streams * I), y.AsSpan(t * streams * H, streams * H));
        return y;
    }
}
