using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels.Int8;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime;

/// <summary>
/// int8 safetensors (recurrent weights as I8 plus "{name}_scale"): a quantized file runs with the bits of its float
/// model at int8 and as its dequantized weights at float32; q and scales are used as stored; bad files are named.
/// </summary>
public class Int8StateDictTests
{
    private const int I = 11, H = 37, T = 6, B = 2;

    public static TheoryData<CellKind, bool> Cells() => new()
    {
        { CellKind.Lstm, true }, { CellKind.Gru, true }, { CellKind.RnnTanh, false }, { CellKind.Lstm, false },
    };

    private static byte[] Bytes(SafeTensorsWriter writer)
    {
        using var stream = new MemoryStream();
        writer.WriteTo(stream);
        return stream.ToArray();
    }

    private static byte[] FloatFile(CellKind cell, bool bidirectional, int layers = 2)
    {
        var writer = new SafeTensorsWriter();
        writer.AddAll(RnnModel.RandomStateDict(cell, I, H, layers, bidirectional, seed: 7));
        return Bytes(writer);
    }

    private static unsafe byte[] Quantized(byte[] floatFile, out int quantized)
    {
        fixed (byte* image = floatFile)
            return Bytes(Int8StateDict.Quantize(SafeTensorsImage.Open(image, floatFile.Length, "float"), null, out _, out quantized));
    }

    private static float[] Run(RnnModel model, WeightPrecision precision, float[] x)
    {
        var y = new float[T * B * model.OutputSize];
        using RnnSession session = model.CreateSession(T, B, precision);
        session.Run(x, y, T, B);
        return y;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void AQuantizedFileRunsWithTheBitsOfItsFloatModelAtInt8(CellKind cell, bool bidirectional)
    {
        byte[] floats = FloatFile(cell, bidirectional);
        byte[] int8 = Quantized(floats, out int quantized);
        Assert.Equal(2 * 2 * (bidirectional ? 2 : 1), quantized);
        Assert.True(int8.Length < 0.4 * floats.Length, $"int8 file {int8.Length} bytes against float {floats.Length}");
        using RnnModel original = RnnModel.Load(floats, "float", cell);
        using RnnModel loaded = RnnModel.Load(int8, "int8", cell);
        Assert.True(loaded.Weights(1, 0).HasStoredInt8);
        float[] x = ReferenceRnn.RandomFloats(T * B * I, 3, 2f);
        Assert.Equal(Run(original, WeightPrecision.Int8, x), Run(loaded, WeightPrecision.Int8, x));

        // A stream too (unidirectional only): LSTM and Elman streams run [W_ih | W_hh] as one two-part matrix of both stored weights.
        if (!bidirectional)
        {
            using RnnStream a = original.CreateStream(B, WeightPrecision.Int8), b = loaded.CreateStream(B, WeightPrecision.Int8);
            var ya = new float[B * H];
            var yb = new float[B * H];
            for (int t = 0; t < T; t++)
            {
                a.Step(x.AsSpan(t * B * I, B * I), ya);
                b.Step(x.AsSpan(t * B * I, B * I), yb);
                Assert.Equal(ya, yb);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void AtFloat32AQuantizedFileRunsItsDequantizedWeights(CellKind cell, bool bidirectional)
    {
        byte[] int8 = Quantized(FloatFile(cell, bidirectional), out _);
        using RnnModel loaded = RnnModel.Load(int8, "int8", cell);
        // The same model written out by hand: every I8 weight as scale · q in float32.
        var dequantized = new TensorDictionary { SourceName = "dequantized" };
        unsafe
        {
            fixed (byte* image = int8)
            {
                var source = SafeTensorsImage.Open(image, int8.Length, "int8");
                foreach (string name in source.Names)
                {
                    if (name.EndsWith(Int8StateDict.ScaleSuffix, StringComparison.Ordinal)) continue;
                    source.TryGetShape(name, out int[] shape);
                    var values = new float[shape.Aggregate(1, (p, d) => p * d)];
                    if (source.IsInt8(name))
                    {
                        var q = new sbyte[values.Length];
                        source.ReadInt8(name, q);
                        var scales = new float[shape[0]];
                        source.Read(name + Int8StateDict.ScaleSuffix, scales);
                        for (int i = 0; i < values.Length; i++) values[i] = scales[i / shape[1]] * q[i];
                    }
                    else source.Read(name, values);
                    dequantized.Add(name, shape, values);
                }
            }
        }
        using RnnModel expected = RnnModel.FromTensors(dequantized, cell);
        float[] x = ReferenceRnn.RandomFloats(T * B * I, 4, 2f);
        Assert.Equal(Run(expected, WeightPrecision.Float32, x), Run(loaded, WeightPrecision.Float32, x));
        Assert.Equal(Run(expected, WeightPrecision.BFloat16, x), Run(loaded, WeightPrecision.BFloat16, x));
    }

    /// <summary>A file's own q (here no row reaches ±127, so quantizing the dequantized floats again would rescale
    /// every value) and scales are what the int8 products use; a row holding -128 is quantized from its floats.</summary>
    [Fact]
    public void StoredQAndScalesArePackedAsStored()
    {
        const int rows = 4 * H;
        var rng = new Random(5);
        var writer = new SafeTensorsWriter();
        var qih = new sbyte[rows * I];
        var qhh = new sbyte[rows * H];
        for (int i = 0; i < qih.Length; i++) qih[i] = (sbyte)rng.Next(-60, 61);
        for (int i = 0; i < qhh.Length; i++) qhh[i] = (sbyte)rng.Next(-60, 61);
        qhh[5 * H + 3] = sbyte.MinValue; // row 5 cannot be taken as stored
        var sih = new float[rows];
        var shh = new float[rows];
        for (int n = 0; n < rows; n++) { sih[n] = 0.001f * (n + 1); shh[n] = 0.002f * (n + 1); }
        writer.Add("weight_ih_l0", [rows, I], qih);
        writer.Add("weight_ih_l0_scale", [rows, 1], sih);
        writer.Add("weight_hh_l0", [rows, H], qhh);
        writer.Add("weight_hh_l0_scale", [rows], shh);
        writer.Add("bias_ih_l0", [rows], new float[rows]);
        writer.Add("bias_hh_l0", [rows], new float[rows]);
        using RnnModel model = RnnModel.Load(Bytes(writer), "hand-made");

        PackedMatrixInt8 step = model.Weights(0, 0).StepWeightsInt8;
        for (int n = 0; n < rows; n++)
        {
            Assert.Equal(sih[n], step.Scales1[n]);
            for (int k = 0; k < I; k++) Assert.Equal(qih[n * I + k], step[1, n, k]);
            if (n == 5) continue;
            Assert.Equal(shh[n], step.Scales2[n]);
            for (int k = 0; k < H; k++) Assert.Equal(qhh[n * H + k], step[2, n, k]);
        }
        // Row 5: quantized again from 0.012 · q. Its largest magnitude is 0.012 · 128, so the new scale is 0.012 · 128 / 127
        // and each q becomes q · 127 / 128 rounded to even (no |q| ≤ 60 lands within 1/128 of a tie), -128 becoming -127.
        Tolerance.AssertClose(shh[5] * 128.0 / 127.0, step.Scales2[5], 0, 1e-6, "row 5's new scale");
        Assert.Equal(-127, step[2, 5, 3]);
        for (int k = 0; k < H; k++)
            Assert.Equal((sbyte)Math.Round(qhh[5 * H + k] * 127.0 / 128.0, MidpointRounding.ToEven), step[2, 5, k]);
        // A session's W_ih and W_hh apart: the same stored values.
        Assert.Equal(qhh[7 * H + 2], model.Weights(0, 0).RecurrentWeightsInt8[1, 7, 2]);
        Assert.Equal(qih[9 * I + 4], model.Weights(0, 0).InputWeightsInt8[1, 9, 4]);
    }

    [Fact]
    public void AQuantizedFileLoadsFromAPathAsFromBytes()
    {
        using var tmp = new TempDirectory();
        byte[] int8 = Quantized(FloatFile(CellKind.Gru, bidirectional: false), out _);
        File.WriteAllBytes(tmp.File("gru.int8.safetensors"), int8);
        using RnnModel fromPath = RnnModel.Load(tmp.File("gru.int8.safetensors"));
        using RnnModel fromBytes = RnnModel.Load(int8);
        float[] x = ReferenceRnn.RandomFloats(T * B * I, 8, 2f);
        Assert.Equal(Run(fromBytes, WeightPrecision.Int8, x), Run(fromPath, WeightPrecision.Int8, x));
        Assert.True(fromPath.Weights(0, 0).HasStoredInt8);

        // A writer copying the file keeps I8 as I8.
        using SafeTensorsFile file = SafeTensorsFile.Open(tmp.File("gru.int8.safetensors"));
        var copy = new SafeTensorsWriter();
        copy.AddAll(file);
        Assert.Equal(int8, Bytes(copy));
        Assert.Equal("I8", file.GetDType("weight_hh_l0"));
        Assert.Equal("F32", file.GetDType("weight_hh_l0_scale"));
    }

    /// <summary>A module under a prefix (a model's "encoder.rnn.") beside other layers: only its recurrent weights are
    /// quantized, the prefix is found as for a float file, and the int8 file runs with the float file's int8 bits.</summary>
    [Fact]
    public unsafe void APrefixedModuleBesideOtherLayersIsQuantizedAlone()
    {
        var writer = new SafeTensorsWriter();
        TensorDictionary sd = RnnModel.RandomStateDict(CellKind.Lstm, I, H, seed: 4);
        foreach (string name in sd.Names) writer.Add("encoder.rnn." + name, sd.GetShape(name), sd[name]);
        writer.Add("decoder.weight", [3, H], ReferenceRnn.RandomFloats(3 * H, 5));
        byte[] floats = Bytes(writer);
        byte[] int8 = Quantized(floats, out int quantized);
        Assert.Equal(2, quantized);
        fixed (byte* image = int8)
        {
            var file = SafeTensorsImage.Open(image, int8.Length, "int8");
            Assert.True(file.IsInt8("encoder.rnn.weight_ih_l0"));
            Assert.False(file.IsInt8("decoder.weight"));
            Assert.True(file.TryGetShape("encoder.rnn.weight_hh_l0_scale", out _));
        }
        using RnnModel original = RnnModel.Load(floats, "float");
        using RnnModel loaded = RnnModel.Load(int8, "int8");
        float[] x = ReferenceRnn.RandomFloats(T * B * I, 6, 2f);
        Assert.Equal(Run(original, WeightPrecision.Int8, x), Run(loaded, WeightPrecision.Int8, x));
    }

    /// <summary>Each bad int8 file fails with an error naming the file's tensor at fault, before any model exists.</summary>
    [Theory]
    [InlineData("missing scale", "weight_hh_l0_scale", "is missing")]
    [InlineData("scale shape", "weight_hh_l0_scale", "expected (148,) or (148, 1)")]
    [InlineData("negative scale", "weight_hh_l0_scale", "must be ≥ 0")]
    [InlineData("NaN scale", "weight_hh_l0_scale", "must be finite")]
    [InlineData("scale beside a float weight", "weight_ih_l0_scale", "unexpected tensor")]
    [InlineData("int8 bias", "bias_hh_l0", "dtype I8")]
    public void ABadInt8FileIsNamed(string fault, string tensor, string message)
    {
        const int rows = 4 * H;
        var writer = new SafeTensorsWriter();
        writer.Add("weight_ih_l0", [rows, I], new float[rows * I]);
        writer.Add("weight_hh_l0", [rows, H], new sbyte[rows * H]);
        var scales = new float[rows];
        Array.Fill(scales, 0.5f);
        if (fault == "negative scale") scales[3] = -1;
        if (fault == "NaN scale") scales[3] = float.NaN;
        if (fault == "scale shape") writer.Add("weight_hh_l0_scale", [rows, 2], new float[2 * rows]);
        else if (fault != "missing scale") writer.Add("weight_hh_l0_scale", [rows], scales);
        if (fault == "scale beside a float weight") writer.Add("weight_ih_l0_scale", [rows], scales);
        writer.Add("bias_ih_l0", [rows], new float[rows]);
        if (fault == "int8 bias") writer.Add("bias_hh_l0", [rows], new sbyte[rows]);
        else writer.Add("bias_hh_l0", [rows], new float[rows]);
        var e = Assert.Throws<RnnFormatException>(() => RnnModel.Load(Bytes(writer), "bad.safetensors"));
        Assert.Contains("bad.safetensors", e.Message);
        Assert.Contains($"'{tensor}'", e.Message);
        Assert.Contains(message, e.Message);
    }
}
