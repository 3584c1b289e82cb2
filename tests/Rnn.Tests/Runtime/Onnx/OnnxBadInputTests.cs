using Rnn.Benchmarks.Peers;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;
using Rnn.Tests.TestSupport.Onnx;

namespace Rnn.Tests.Runtime.Onnx;

/// <summary>Bad ONNX files: one clear <see cref="RnnFormatException"/> each naming the file (and node or tensor), never a crash;
/// the CLI exits 2 with one error line.</summary>
public class OnnxBadInputTests
{
    private static RnnFormatException LoadFails(string path, string mustMention)
    {
        var e = Assert.Throws<RnnFormatException>(() => RnnModel.Load(path));
        Assert.Contains(Path.GetFileName(path), e.Message);
        Assert.Contains(mustMention, e.Message);
        return e;
    }

    private static string Save(TempDirectory tmp, string name, OnnxGraphWriter g)
    {
        string path = tmp.File(name);
        g.Save(path);
        return path;
    }

    [Fact]
    public void TruncatedProtobufIsNamed()
    {
        using var tmp = new TempDirectory();
        byte[] good = OnnxNodeSpec.Random("LSTM", 3, 4).ToGraph().ToBytes();
        string path = tmp.File("truncated.onnx");
        File.WriteAllBytes(path, good.AsSpan(0, good.Length - 7).ToArray());
        LoadFails(path, "not a valid ONNX model");
    }

    [Fact]
    public void CorruptBytesEverywhereGiveFormatErrorsOnly()
    {
        // Every single-byte change and every truncation either loads or fails with RnnFormatException naming the file:
        // no other exception. A change inside a tensor's raw bytes is still a valid model; a truncation loses the
        // graph's tail (its outputs and the opset come last), so every one must be refused.
        using var tmp = new TempDirectory();
        OnnxNodeSpec spec = OnnxNodeSpec.Random("GRU", 2, 3) with { LinearBeforeReset = 1 };
        byte[] good = spec.ToGraph().ToBytes();
        Assert.True(Loads(good, tmp));
        bool[] weightByte = new bool[good.Length];
        foreach (float[] tensor in new[] { spec.W, spec.R, spec.B! })
        {
            int at = good.AsSpan().IndexOf(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.AsSpan()));
            Assert.True(at >= 0, "a tensor's raw bytes are in the file");
            weightByte.AsSpan(at, tensor.Length * sizeof(float)).Fill(true);
        }
        var rng = new Random(5);
        int truncatedLoaded = 0, unnoticed = 0;
        for (int i = 0; i < good.Length; i++)
        {
            byte[] bad = (byte[])good.Clone();
            bad[i] = (byte)(bad[i] ^ (1 + rng.Next(255)));
            if (Loads(bad, tmp) && !weightByte[i]) unnoticed++;
            if (Loads(good.AsSpan(0, i).ToArray(), tmp)) truncatedLoaded++;
        }
        Assert.Equal(0, truncatedLoaded);
        // Outside the weights, what may change unnoticed is metadata the import does not read: the producer, graph and
        // node names, the graph inputs' and outputs' declared types, the IR version (124 of 588 bytes when written).
        Assert.True(unnoticed < good.Length / 4, $"{unnoticed} of {good.Length} changed bytes outside the weights went unnoticed");
    }

    private static bool Loads(byte[] bytes, TempDirectory tmp)
    {
        string path = tmp.File("fuzzed.onnx");
        try
        {
            Rnn.Runtime.IO.Onnx.OnnxImport.Read(bytes, path, null);
            return true;
        }
        catch (RnnFormatException e)
        {
            Assert.Contains(path, e.Message);
            return false;
        }
    }

    [Fact]
    public void AHugeClaimedLengthIsRefusedWithoutAllocating()
    {
        using var tmp = new TempDirectory();
        // ModelProto.graph (field 7, length-delimited) claiming 2^40 bytes.
        byte[] bytes = [0x3A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20];
        string path = tmp.File("huge.onnx");
        File.WriteAllBytes(path, bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        LoadFails(path, "claims");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    // fuzz (onnx): dims claiming 807,403,519 elements over 108 bytes of raw_data allocated 3.2 GB before the refusal.
    [Theory]
    [InlineData("RawData", "raw_data of 108 bytes")]
    [InlineData("FloatData", "27 float_data values")]
    [InlineData("External", "tensor 'R'")]
    public void DimsClaimingMoreThanIsStoredAreRefusedBeforeAllocating(string storageName, string mustMention)
    {
        var storage = Enum.Parse<OnnxGraphWriter.Storage>(storageName);
        using var tmp = new TempDirectory();
        OnnxNodeSpec spec = OnnxNodeSpec.Random("LSTM", 3, 4);
        var g = new OnnxGraphWriter();
        g.Node("LSTM", "lstm", ["X", "W", "R"], ["Y"], ("hidden_size", 4L));
        g.Initializer("W", [1, 16, 3], spec.W).Initializer("R", [807403519], new float[27], storage).Input("X", [null, null, 3]);
        string path = Save(tmp, "claims.onnx", g);
        long before = GC.GetAllocatedBytesForCurrentThread();
        LoadFails(path, mustMention);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8 << 20, "the refusal allocated 8 MB or more");
    }

    [Fact]
    public void AMissingInitializerIsNamed()
    {
        using var tmp = new TempDirectory();
        var g = new OnnxGraphWriter();
        g.Node("LSTM", "lstm", ["X", "W", "R"], ["Y"], ("hidden_size", 4L));
        g.Initializer("W", [1, 16, 3], new float[48]).Input("X", [null, null, 3]);
        LoadFails(Save(tmp, "noR.onnx", g), "input R 'R' is missing");
    }

    [Fact]
    public void AShapeDisagreeingWithHiddenSizeIsNamed()
    {
        using var tmp = new TempDirectory();
        OnnxNodeSpec spec = OnnxNodeSpec.Random("GRU", 3, 4) with { LinearBeforeReset = 1 };
        var g = new OnnxGraphWriter();
        g.Node("GRU", "gru", ["X", "W", "R"], ["Y"], ("hidden_size", 5L), ("linear_before_reset", 1L));
        g.Initializer("W", [1, 12, 3], spec.W).Initializer("R", [1, 12, 4], spec.R).Input("X", [null, null, 3]);
        LoadFails(Save(tmp, "hidden.onnx", g), "hidden_size 5");
    }

    [Fact]
    public void AnUnsupportedActivationIsNamed()
    {
        using var tmp = new TempDirectory();
        OnnxNodeSpec spec = OnnxNodeSpec.Random("LSTM", 3, 4) with { Activations = ["Sigmoid", "HardSigmoid", "Tanh"] };
        LoadFails(Save(tmp, "act.onnx", spec.ToGraph()), "HardSigmoid");
    }

    [Fact]
    public void AGraphWithNoRecurrentNodeNamesItsOperators()
    {
        using var tmp = new TempDirectory();
        var g = new OnnxGraphWriter();
        g.Node("MatMul", "mm", ["X", "W"], ["Y"]).Node("Relu", "relu", ["Y"], ["Z"]);
        g.Initializer("W", [3, 3], new float[9]).Input("X", [1, 3]).Output("Z", [1, 3]);
        LoadFails(Save(tmp, "mlp.onnx", g), "no RNN, LSTM, GRU or com.microsoft.DynamicQuantizeLSTM node in the graph (its operators: MatMul, Relu)");
    }

    [Fact]
    public void AWeightComputedByAnotherOperatorNamesIt()
    {
        using var tmp = new TempDirectory();
        OnnxNodeSpec spec = OnnxNodeSpec.Random("RNN", 3, 4);
        var g = new OnnxGraphWriter();
        g.Node("Transpose", "tw", ["Wt"], ["W"]);
        g.Node("RNN", "rnn", ["X", "W", "R"], ["Y"], ("hidden_size", 4L));
        g.Initializer("Wt", [3, 4, 1], spec.W).Initializer("R", [1, 4, 4], spec.R).Input("X", [null, null, 3]);
        LoadFails(Save(tmp, "computed.onnx", g), "computed by Transpose node 'tw'");
    }

    [Fact]
    public void ExternalDataOutsideTheModelFolderIsRefused()
    {
        using var tmp = new TempDirectory();
        OnnxNodeSpec spec = OnnxNodeSpec.Random("RNN", 3, 4);
        var g = new OnnxGraphWriter();
        g.Node("RNN", "rnn", ["X", "W", "R"], ["Y"], ("hidden_size", 4L));
        g.Initializer("W", [1, 4, 3], spec.W, OnnxGraphWriter.Storage.External, "../escape.bin").Initializer("R", [1, 4, 4], spec.R);
        g.Input("X", [null, null, 3]);
        string path = tmp.File("m.onnx");
        File.WriteAllBytes(path, g.ToBytes());
        LoadFails(path, "outside the model's folder");
    }

    [Fact]
    public void TheCliExitsTwoWithOneErrorLine()
    {
        using var tmp = new TempDirectory();
        string x = tmp.File("x.npy"), y = tmp.File("y.npy");
        Npy.Write(x, new float[2 * 1 * 3], [2, 1, 3]);
        byte[] good = OnnxNodeSpec.Random("LSTM", 3, 4).ToGraph().ToBytes();
        string truncated = tmp.File("truncated.onnx");
        File.WriteAllBytes(truncated, good.AsSpan(0, good.Length / 2).ToArray());
        CliRunner.AssertFails(["run", "--weights", truncated, "--input", x, "--output", y], "truncated.onnx");
        string act = Save(tmp, "act.onnx", (OnnxNodeSpec.Random("GRU", 3, 4) with { Activations = ["Relu", "Tanh"] }).ToGraph());
        CliRunner.AssertFails(["run", "--weights", act, "--input", x, "--output", y], "'Relu'");
        var g = new OnnxGraphWriter();
        g.Node("Relu", "relu", ["X"], ["Y"]).Input("X", [1, 3]).Output("Y", [1, 3]);
        CliRunner.AssertFails(["run", "--weights", Save(tmp, "relu.onnx", g), "--input", x, "--output", y], "no RNN, LSTM, GRU or com.microsoft.DynamicQuantizeLSTM node");
        var noR = new OnnxGraphWriter();
        noR.Node("LSTM", "lstm", ["X", "W", "R"], ["Y"], ("hidden_size", 4L));
        noR.Initializer("W", [1, 16, 3], new float[48]).Input("X", [null, null, 3]);
        CliRunner.AssertFails(["run", "--weights", Save(tmp, "noR.onnx", noR), "--input", x, "--output", y], "input R 'R' is missing");
        OnnxNodeSpec lstm = OnnxNodeSpec.Random("LSTM", 3, 4);
        var hidden = new OnnxGraphWriter();
        hidden.Node("LSTM", "lstm", ["X", "W", "R"], ["Y"], ("hidden_size", 5L));
        hidden.Initializer("W", [1, 16, 3], lstm.W).Initializer("R", [1, 16, 4], lstm.R).Input("X", [null, null, 3]);
        CliRunner.AssertFails(["run", "--weights", Save(tmp, "hidden.onnx", hidden), "--input", x, "--output", y], "hidden_size 5");
        Assert.False(File.Exists(y));
    }
}
