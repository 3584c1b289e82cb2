using Rnn.Benchmarks.Peers;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;
using Rnn.Tests.TestSupport.Onnx;

namespace Rnn.Tests.Runtime.Onnx;

/// <summary>
/// ONNX Runtime's quantized LSTM (com.microsoft.DynamicQuantizeLSTM, what its quantize_dynamic makes of an LSTM): W and
/// R as int8 or uint8, transposed, with scales and zero points. Loaded, it must run exactly as an ONNX LSTM holding the
/// dequantized weights, scale · (q − zero point), does.
/// </summary>
public class OnnxQuantizedLstmTests
{
    /// <summary>One quantized weight: bytes (D, K, 4H), its scale and zero point ((D) or (D, 4H)), and the dequantized
    /// floats in LSTM's layout (D, 4H, K), computed as the importer must (one float multiply of an exact difference).</summary>
    private sealed record Quantized(byte[] Bytes, int DataType, long[] Dims, float[] Scale, byte[] Zero, long[] ScaleDims, float[] Dequantized);

    /// <summary><paramref name="symmetric"/> uint8: bytes 1..255 around zero point 128, so q − 128 fits a signed byte.</summary>
    private static Quantized Quantize(Random rng, int d, int k, int gates, bool unsigned, bool perColumn, bool symmetric = false)
    {
        var bytes = new byte[d * k * gates];
        for (int i = 0; i < bytes.Length; i++)
            bytes[i] = unsigned ? (byte)rng.Next(symmetric ? 1 : 0, 256) : (byte)(sbyte)rng.Next(-127, 128);
        int scales = perColumn ? d * gates : d;
        var scale = new float[scales];
        var zero = new byte[scales];
        for (int s = 0; s < scales; s++)
        {
            scale[s] = 0.002f + 0.01f * (float)rng.NextDouble();
            zero[s] = !unsigned ? (byte)0 : symmetric ? (byte)128 : (byte)rng.Next(120, 137);
        }
        var floats = new float[d * gates * k];
        for (int dd = 0; dd < d; dd++)
            for (int kk = 0; kk < k; kk++)
                for (int n = 0; n < gates; n++)
                {
                    int s = perColumn ? dd * gates + n : dd;
                    int q = unsigned ? bytes[(dd * k + kk) * gates + n] : (sbyte)bytes[(dd * k + kk) * gates + n];
                    int z = unsigned ? zero[s] : (sbyte)zero[s];
                    floats[(dd * gates + n) * k + kk] = scale[s] * (q - z);
                }
        return new Quantized(bytes, unsigned ? OnnxGraphWriter.UInt8 : OnnxGraphWriter.Int8, [d, k, gates], scale, zero,
            perColumn ? [d, gates] : [d], floats);
    }

    /// <summary>The quantized node as a model, with the same graph inputs and outputs as <see cref="OnnxNodeSpec.ToGraph"/>.</summary>
    private static OnnxGraphWriter QuantizedGraph(OnnxNodeSpec spec, Quantized w, Quantized r,
        Action<OnnxGraphWriter>? initializers = null, string[]? inputs = null)
    {
        var g = new OnnxGraphWriter();
        int d = spec.Directions, h = spec.HiddenSize;
        var attributes = new List<(string, object)> { ("hidden_size", (long)h) };
        if (spec.Direction != "forward") attributes.Add(("direction", spec.Direction));
        inputs ??= ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "", "W_scale", "W_zero_point", "R_scale", "R_zero_point"];
        g.Node("com.microsoft", "DynamicQuantizeLSTM", "qlstm", inputs, ["Y", "Y_h", "Y_c"], [.. attributes]);
        if (initializers is not null) initializers(g);
        else
        {
            g.Initializer("W", w.Dims, w.Bytes, w.DataType).Initializer("R", r.Dims, r.Bytes, r.DataType);
            g.Initializer("W_scale", w.ScaleDims, w.Scale).Initializer("W_zero_point", w.ScaleDims, w.Zero, w.DataType);
            g.Initializer("R_scale", r.ScaleDims, r.Scale).Initializer("R_zero_point", r.ScaleDims, r.Zero, r.DataType);
        }
        g.Initializer("B", [d, 8 * h], spec.B!);
        g.Input("X", [null, null, spec.InputSize]).Input("sequence_lens", [null], OnnxGraphWriter.Int32);
        g.Input("initial_h", [d, null, h]).Input("initial_c", [d, null, h]);
        g.Output("Y", [null, d, null, h]).Output("Y_h", [d, null, h]).Output("Y_c", [d, null, h]);
        return g;
    }

    [Theory]
    [InlineData("forward", false, true)]      // int8, a scale per output column (ONNX Runtime's per_channel)
    [InlineData("bidirectional", false, false)] // int8, one scale per direction
    [InlineData("reverse", true, true)]       // uint8 with zero points near 128: q − zero point leaves a signed byte
    [InlineData("bidirectional", true, false)]
    [InlineData("forward", true, true, true)] // uint8 around 128: q − 128 fits, so the stored bytes are used
    [InlineData("bidirectional", true, false, true)]
    public void LoadsAsTheLstmOfItsDequantizedWeights(string direction, bool unsigned, bool perColumn, bool symmetric = false)
    {
        const int T = 5, B = 3, I = 4, H = 6;
        var rng = new Random(17);
        OnnxNodeSpec random = OnnxNodeSpec.Random("LSTM", I, H, direction, seed: 3);
        int d = random.Directions;
        Quantized w = Quantize(rng, d, I, 4 * H, unsigned, perColumn, symmetric), r = Quantize(rng, d, H, 4 * H, unsigned, perColumn, symmetric);
        OnnxNodeSpec plain = random with { W = w.Dequantized, R = r.Dequantized };
        using var tmp = new TempDirectory();
        string quantizedPath = tmp.File("quantized.onnx"), plainPath = tmp.File("plain.onnx");
        QuantizedGraph(plain, w, r).Save(quantizedPath);
        plain.ToGraph().Save(plainPath);

        float[] x = OnnxRunner.RandomTensor(T * B * I, 1);
        float[] h0 = OnnxRunner.RandomTensor(d * B * H, 2, 0.5f), c0 = OnnxRunner.RandomTensor(d * B * H, 3, 0.5f);
        int[] lengths = [5, 2, 4];
        using RnnModel quantized = RnnModel.Load(quantizedPath), reference = RnnModel.Load(plainPath);
        Assert.Equal("DynamicQuantizeLSTM", quantized.Onnx!.OpType);
        Assert.Equal((CellKind.Lstm, I, H, d), (quantized.Cell, quantized.InputSize, quantized.HiddenSize, quantized.Directions));
        var expected = OnnxRunner.Run(reference, x, T, B, lengths, h0, c0);
        var actual = OnnxRunner.Run(quantized, x, T, B, lengths, h0, c0);
        Assert.Equal(expected.Y, actual.Y);
        Assert.Equal(expected.Yh, actual.Yh);
        Assert.Equal(expected.Yc, actual.Yc);
        Assert.Contains(expected.Y, v => v != 0);

        // With int8 weights: close to float32, not equal.
        var int8 = OnnxRunner.Run(quantized, x, T, B, lengths, h0, c0, WeightPrecision.Int8);
        for (int i = 0; i < expected.Y.Length; i++) Assert.True(Math.Abs(int8.Y[i] - expected.Y[i]) < 0.03, $"Y[{i}]: {int8.Y[i]} vs {expected.Y[i]}");

        // When every q − zero point of a weight fits a signed byte (int8 with zero points 0 always), int8 runs multiply
        // those integers, with ONNX Runtime's scales, rows in PyTorch's gate order; otherwise the floats are quantized again.
        int Centred(Quantized qw, int dd, int k, int row, int scaleIndex) =>
            (unsigned ? qw.Bytes[(dd * qw.Dims[1] + k) * 4 * H + row] : (sbyte)qw.Bytes[(dd * qw.Dims[1] + k) * 4 * H + row])
            - (unsigned ? qw.Zero[scaleIndex] : (sbyte)qw.Zero[scaleIndex]);
        bool Fits(Quantized qw)
        {
            for (int dd = 0; dd < d; dd++)
                for (int k = 0; k < qw.Dims[1]; k++)
                    for (int row = 0; row < 4 * H; row++)
                        if (Centred(qw, dd, k, row, perColumn ? dd * 4 * H + row : dd) is < sbyte.MinValue or > sbyte.MaxValue) return false;
            return true;
        }
        bool rFits = Fits(r);
        Assert.Equal(Fits(w) || rFits, quantized.Weights(0, 0).HasStoredInt8);
        Assert.Equal(!unsigned || symmetric, rFits);
        if (!rFits) return;
        int[] order = [0, 2, 3, 1]; // PyTorch's i, f, g, o  ←  ONNX's i, o, f, c
        for (int dd = 0; dd < d; dd++)
        {
            var packed = quantized.Weights(0, dd).RecurrentWeightsInt8;
            for (int n = 0; n < 4 * H; n++)
            {
                int onnxRow = order[n / H] * H + n % H, scaleIndex = perColumn ? dd * 4 * H + onnxRow : dd;
                bool holdsMin = false; // a row holding -128 is quantized again
                for (int k = 0; k < H; k++) holdsMin |= Centred(r, dd, k, onnxRow, scaleIndex) == sbyte.MinValue;
                if (holdsMin) continue;
                Assert.Equal(r.Scale[scaleIndex], packed.Scales1[n]);
                for (int k = 0; k < H; k++) Assert.Equal(Centred(r, dd, k, onnxRow, scaleIndex), packed[1, n, k]);
            }
        }
    }

    /// <summary>W and R in an external data file (what ONNX writers do with large weights) load as when they are inline.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExternalQuantizedWeightsLoadAsInlineOnes(bool unsigned)
    {
        const int T = 4, B = 2, I = 5, H = 3;
        var rng = new Random(23);
        OnnxNodeSpec spec = OnnxNodeSpec.Random("LSTM", I, H, "bidirectional", seed: 9);
        Quantized w = Quantize(rng, 2, I, 4 * H, unsigned, true), r = Quantize(rng, 2, H, 4 * H, unsigned, false);
        using var tmp = new TempDirectory();
        string inlinePath = tmp.File("inline.onnx"), externalPath = tmp.File("external.onnx");
        QuantizedGraph(spec, w, r).Save(inlinePath);
        QuantizedGraph(spec, w, r, g =>
        {
            g.Initializer("W", w.Dims, w.Bytes, w.DataType, OnnxGraphWriter.Storage.External, "q.bin");
            g.Initializer("R", r.Dims, r.Bytes, r.DataType, OnnxGraphWriter.Storage.External, "q.bin");
            g.Initializer("W_scale", w.ScaleDims, w.Scale).Initializer("W_zero_point", w.ScaleDims, w.Zero, w.DataType);
            g.Initializer("R_scale", r.ScaleDims, r.Scale).Initializer("R_zero_point", r.ScaleDims, r.Zero, r.DataType);
        }).Save(externalPath);
        Assert.Equal(w.Bytes.Length + r.Bytes.Length, new FileInfo(tmp.File("q.bin")).Length);

        float[] x = OnnxRunner.RandomTensor(T * B * I, 4);
        using RnnModel inline = RnnModel.Load(inlinePath), external = RnnModel.Load(externalPath);
        var expected = OnnxRunner.Run(inline, x, T, B, default, null, null);
        var actual = OnnxRunner.Run(external, x, T, B, default, null, null);
        Assert.Equal(expected.Y, actual.Y);
        Assert.Contains(expected.Y, v => v != 0);
    }

    [Fact]
    public void BadExternalQuantizedWeightsAreNamed()
    {
        const int I = 4, H = 2;
        var rng = new Random(29);
        OnnxNodeSpec spec = OnnxNodeSpec.Random("LSTM", I, H, seed: 11);
        Quantized w = Quantize(rng, 1, I, 4 * H, false, false), r = Quantize(rng, 1, H, 4 * H, false, false);
        OnnxGraphWriter External() => QuantizedGraph(spec, w, r, g =>
        {
            g.Initializer("W", w.Dims, w.Bytes, w.DataType).Initializer("R", r.Dims, r.Bytes, r.DataType, OnnxGraphWriter.Storage.External, "r.bin");
            g.Initializer("W_scale", w.ScaleDims, w.Scale).Initializer("W_zero_point", w.ScaleDims, w.Zero, w.DataType);
            g.Initializer("R_scale", r.ScaleDims, r.Scale).Initializer("R_zero_point", r.ScaleDims, r.Zero, r.DataType);
        });
        using var tmp = new TempDirectory();
        string path = tmp.File("m.onnx");

        External().Save(path);
        File.WriteAllBytes(tmp.File("r.bin"), r.Bytes[..^3]); // shorter than R's dims say
        var shortFile = Assert.Throws<RnnFormatException>(() => RnnModel.Load(path));
        Assert.Contains("tensor 'R' needs bytes 0..16, but the file has 13", shortFile.Message);

        File.Delete(tmp.File("r.bin"));
        var missing = Assert.Throws<RnnFormatException>(() => RnnModel.Load(path));
        Assert.Contains("tensor 'R' is stored in", missing.Message);
        Assert.Contains("which does not exist", missing.Message);

        // External data claiming more elements than the file could hold is refused before anything of that size exists.
        var claims = QuantizedGraph(spec, w, r, g =>
        {
            g.Initializer("W", [1, 100_000_000, 4 * H], w.Bytes, w.DataType, OnnxGraphWriter.Storage.External, "w.bin").Initializer("R", r.Dims, r.Bytes, r.DataType);
            g.Initializer("W_scale", w.ScaleDims, w.Scale).Initializer("W_zero_point", w.ScaleDims, w.Zero, w.DataType);
            g.Initializer("R_scale", r.ScaleDims, r.Scale).Initializer("R_zero_point", r.ScaleDims, r.Zero, r.DataType);
        });
        claims.Save(path);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var big = Assert.Throws<RnnFormatException>(() => RnnModel.Load(path));
        Assert.Contains("tensor 'W' with dims (1, 100000000, 8) has external_data length 32, expected 800000000 bytes", big.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8 << 20, "the refusal allocated 8 MB or more");
    }

    private static void LoadFails(OnnxGraphWriter g, string mustMention)
    {
        using var tmp = new TempDirectory();
        string path = tmp.File("bad.onnx");
        g.Save(path);
        var e = Assert.Throws<RnnFormatException>(() => RnnModel.Load(path));
        Assert.Contains("bad.onnx", e.Message);
        Assert.Contains(mustMention, e.Message);
    }

    [Fact]
    public void BadScalesZeroPointsAndLayoutsAreNamed()
    {
        const int I = 3, H = 4;
        var rng = new Random(5);
        OnnxNodeSpec spec = OnnxNodeSpec.Random("LSTM", I, H, seed: 7);
        Quantized w = Quantize(rng, 1, I, 4 * H, false, true), r = Quantize(rng, 1, H, 4 * H, false, true);

        // W in LSTM's own layout (D, 4H, I) instead of transposed.
        LoadFails(QuantizedGraph(spec, w, r, g =>
        {
            g.Initializer("W", [1, 4 * H, I], w.Bytes, w.DataType).Initializer("R", r.Dims, r.Bytes, r.DataType);
            g.Initializer("W_scale", w.ScaleDims, w.Scale).Initializer("W_zero_point", w.ScaleDims, w.Zero, w.DataType);
            g.Initializer("R_scale", r.ScaleDims, r.Scale).Initializer("R_zero_point", r.ScaleDims, r.Zero, r.DataType);
        }), "stores W and R transposed");
        // A scale for neither the direction nor every column.
        LoadFails(QuantizedGraph(spec, w, r, g =>
        {
            g.Initializer("W", w.Dims, w.Bytes, w.DataType).Initializer("R", r.Dims, r.Bytes, r.DataType);
            g.Initializer("W_scale", [1, 5], new float[5]).Initializer("W_zero_point", [1, 5], new byte[5], w.DataType);
            g.Initializer("R_scale", r.ScaleDims, r.Scale).Initializer("R_zero_point", r.ScaleDims, r.Zero, r.DataType);
        }), "W_scale 'W_scale' has dims (1, 5), expected (1) or (1, 16)");
        // A uint8 zero point for int8 weights.
        LoadFails(QuantizedGraph(spec, w, r, g =>
        {
            g.Initializer("W", w.Dims, w.Bytes, w.DataType).Initializer("R", r.Dims, r.Bytes, r.DataType);
            g.Initializer("W_scale", w.ScaleDims, w.Scale).Initializer("W_zero_point", w.ScaleDims, w.Zero, w.DataType);
            g.Initializer("R_scale", r.ScaleDims, r.Scale).Initializer("R_zero_point", r.ScaleDims, r.Zero, OnnxGraphWriter.UInt8);
        }), "R_zero_point 'R_zero_point' is UINT8, but R is INT8");
        // A non-finite scale.
        LoadFails(QuantizedGraph(spec, w, r, g =>
        {
            g.Initializer("W", w.Dims, w.Bytes, w.DataType).Initializer("R", r.Dims, r.Bytes, r.DataType);
            float[] nan = (float[])w.Scale.Clone();
            nan[3] = float.NaN;
            g.Initializer("W_scale", w.ScaleDims, nan).Initializer("W_zero_point", w.ScaleDims, w.Zero, w.DataType);
            g.Initializer("R_scale", r.ScaleDims, r.Scale).Initializer("R_zero_point", r.ScaleDims, r.Zero, r.DataType);
        }), "W_scale");
        // hidden_size disagreeing with R, named in the quantized layout.
        var wrongHidden = new OnnxGraphWriter();
        wrongHidden.Node("com.microsoft", "DynamicQuantizeLSTM", "qlstm", ["X", "W", "R", "", "", "", "", "", "W_scale", "W_zero_point", "R_scale", "R_zero_point"],
            ["Y"], ("hidden_size", 5L));
        wrongHidden.Initializer("W", w.Dims, w.Bytes, w.DataType).Initializer("R", r.Dims, r.Bytes, r.DataType);
        wrongHidden.Initializer("W_scale", w.ScaleDims, w.Scale).Initializer("W_zero_point", w.ScaleDims, w.Zero, w.DataType);
        wrongHidden.Initializer("R_scale", r.ScaleDims, r.Scale).Initializer("R_zero_point", r.ScaleDims, r.Zero, r.DataType);
        wrongHidden.Input("X", [null, null, I]);
        LoadFails(wrongHidden, "has hidden_size 5, but R 'R' has dims (1, 4, 16)");
        // Dims claiming 1.6 billion bytes over 48 stored: refused before anything of that size is allocated.
        var claims = QuantizedGraph(spec, w, r, g =>
        {
            g.Initializer("W", [1, 100_000_000, 4 * H], w.Bytes, w.DataType).Initializer("R", r.Dims, r.Bytes, r.DataType);
            g.Initializer("W_scale", w.ScaleDims, w.Scale).Initializer("W_zero_point", w.ScaleDims, w.Zero, w.DataType);
            g.Initializer("R_scale", r.ScaleDims, r.Scale).Initializer("R_zero_point", r.ScaleDims, r.Zero, r.DataType);
        });
        long before = GC.GetAllocatedBytesForCurrentThread();
        LoadFails(claims, "raw_data of 48 bytes");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8 << 20, "the refusal allocated 8 MB or more");
        // No R_scale at all.
        LoadFails(QuantizedGraph(spec, w, r, inputs: ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "", "W_scale", "W_zero_point", "", "R_zero_point"]),
            "has no R_scale");
        // Bytes that do not fill the dims.
        LoadFails(QuantizedGraph(spec, w, r, g =>
        {
            g.Initializer("W", w.Dims, w.Bytes[..^1], w.DataType).Initializer("R", r.Dims, r.Bytes, r.DataType);
            g.Initializer("W_scale", w.ScaleDims, w.Scale).Initializer("W_zero_point", w.ScaleDims, w.Zero, w.DataType);
            g.Initializer("R_scale", r.ScaleDims, r.Scale).Initializer("R_zero_point", r.ScaleDims, r.Zero, r.DataType);
        }), "raw_data of 47 bytes");
    }
}
