using Rnn.Benchmarks.Peers;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;
using Rnn.Tests.TestSupport;
using Rnn.Tests.TestSupport.Onnx;

namespace Rnn.Tests.Runtime.Onnx;

/// <summary>ONNX nodes with random weights, every direction, layout and storage, against the plain reference.</summary>
public class OnnxModelTests
{
    public static TheoryData<string, string, int> Shapes()
    {
        var data = new TheoryData<string, string, int>();
        foreach (string op in new[] { "RNN", "LSTM", "GRU" })
            foreach (string direction in new[] { "forward", "reverse", "bidirectional" })
                foreach (int layout in new[] { 0, 1 })
                    data.Add(op, direction, layout);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryDirectionAndLayoutMatchesTheReference(string op, string direction, int layout)
    {
        const int T = 5, B = 3, I = 4, H = 6;
        OnnxNodeSpec spec = OnnxNodeSpec.Random(op, I, H, direction, seed: 11) with { Layout = layout };
        if (op == "GRU") spec = spec with { LinearBeforeReset = 1 };
        int D = spec.Directions;
        float[] x = OnnxRunner.RandomTensor(T * B * I, 1);
        float[] h0 = OnnxRunner.RandomTensor(D * B * H, 2, 0.5f), c0 = OnnxRunner.RandomTensor(D * B * H, 3, 0.5f);
        int[] lengths = [5, 2, 4];
        using var tmp = new TempDirectory();
        foreach (KernelPath path in KernelPaths.Supported())
            OnnxRunner.AssertMatchesReference(spec, tmp.Path, x, T, B, lengths, h0, spec.Lstm ? c0 : null, path, what: $"{op} {direction} layout {layout} {path}");
    }

    [Theory]
    [InlineData("FloatData")]
    [InlineData("External")]
    public void WeightsStoredAsFloatDataOrExternalLoadTheSame(string storageName)
    {
        var storage = Enum.Parse<OnnxGraphWriter.Storage>(storageName);
        const int T = 4, B = 2, I = 3, H = 5;
        OnnxNodeSpec spec = OnnxNodeSpec.Random("LSTM", I, H, "bidirectional", seed: 5) with { Storage = storage };
        using var tmp = new TempDirectory();
        OnnxRunner.AssertMatchesReference(spec, tmp.Path, OnnxRunner.RandomTensor(T * B * I, 9), T, B, what: storage.ToString());
        if (storage == OnnxGraphWriter.Storage.External) Assert.True(File.Exists(tmp.File("weights.bin")));
    }

    [Fact]
    public void TheModelDescribesItsOnnxNode()
    {
        using var tmp = new TempDirectory();
        string path = tmp.File("m.onnx");
        (OnnxNodeSpec.Random("GRU", 3, 4, "reverse") with { Layout = 1, LinearBeforeReset = 1, Name = "enc" }).ToGraph().Save(path);
        using RnnModel model = RnnModel.Load(path);
        Assert.Equal(CellKind.Gru, model.Cell);
        Assert.Equal((3, 4, 1, 1), (model.InputSize, model.HiddenSize, model.NumLayers, model.Directions));
        Assert.True(model.Architecture.Reverse);
        Assert.Equal(["enc"], model.Onnx!.NodeNames);
        Assert.Equal(1, model.Onnx.Layout);
        Assert.Throws<InvalidOperationException>(() => model.CreateStream());
    }

    [Fact]
    public void ReluActivationMakesAnRnnReluAndMatches()
    {
        const int T = 3, B = 2, I = 2, H = 3;
        OnnxNodeSpec spec = OnnxNodeSpec.Random("RNN", I, H, "bidirectional", seed: 4) with { Activations = ["Relu", "Relu"] };
        using var tmp = new TempDirectory();
        OnnxRunner.AssertMatchesReference(spec, tmp.Path, OnnxRunner.RandomTensor(T * B * I, 8), T, B, what: "relu");
        using RnnModel model = RnnModel.Load(tmp.File("model.onnx"));
        Assert.Equal(CellKind.RnnRelu, model.Cell);
    }

    [Fact]
    public void ANamedNodeIsPickedAmongSeveral()
    {
        using var tmp = new TempDirectory();
        string path = tmp.File("two.onnx");
        OnnxNodeSpec a = OnnxNodeSpec.Random("LSTM", 3, 4, seed: 1), b = OnnxNodeSpec.Random("GRU", 3, 5, seed: 2) with { LinearBeforeReset = 1 };
        var g = new OnnxGraphWriter();
        g.Node("LSTM", "first", ["X", "Wa", "Ra", "Ba"], ["Ya", "Yha"], ("hidden_size", 4L));
        g.Node("GRU", "second", ["X", "Wb", "Rb", "Bb"], ["Yb", "Yhb"], ("hidden_size", 5L), ("linear_before_reset", 1L));
        g.Initializer("Wa", [1, 16, 3], a.W).Initializer("Ra", [1, 16, 4], a.R).Initializer("Ba", [1, 32], a.B!);
        g.Initializer("Wb", [1, 15, 3], b.W).Initializer("Rb", [1, 15, 5], b.R).Initializer("Bb", [1, 30], b.B!);
        g.Input("X", [null, null, 3]).Output("Ya", [null, 1, null, 4]).Output("Yb", [null, 1, null, 5]);
        g.Save(path);
        using (RnnModel second = RnnModel.Load(path, node: "second")) Assert.Equal(CellKind.Gru, second.Cell);
        var e = Assert.Throws<RnnFormatException>(() => RnnModel.Load(path));
        Assert.Contains("'first'", e.Message);
        Assert.Contains("'second'", e.Message);
        e = Assert.Throws<RnnFormatException>(() => RnnModel.Load(path, node: "third"));
        Assert.Contains("no recurrent node named 'third'", e.Message);
    }

    [Theory]
    [InlineData("forward")]
    [InlineData("bidirectional")]
    public void AStackAsTorchExportWritesItLoadsAsOneMultiLayerModel(string direction)
    {
        // torch.onnx.export of nn.LSTM(num_layers=2): LSTM → (Squeeze | Transpose [0,2,1,3] + Reshape) → LSTM.
        const int T = 4, B = 2, I = 3, H = 5;
        OnnxNodeSpec l0 = OnnxNodeSpec.Random("LSTM", I, H, direction, seed: 21);
        int D = l0.Directions;
        OnnxNodeSpec l1 = OnnxNodeSpec.Random("LSTM", D * H, H, direction, seed: 22);
        var g = new OnnxGraphWriter();
        var dir = ("direction", (object)direction);
        g.Node("LSTM", "lstm0", ["X", "W0", "R0", "B0"], ["Y0", "", ""], ("hidden_size", (long)H), dir);
        if (D == 1) g.Node("Squeeze", "squeeze0", ["Y0", "axes"], ["X1"]);
        else
        {
            g.Node("Transpose", "transpose0", ["Y0"], ["Y0t"], ("perm", new long[] { 0, 2, 1, 3 }));
            g.Node("Reshape", "reshape0", ["Y0t", "shape"], ["X1"]);
        }
        g.Node("LSTM", "lstm1", ["X1", "W1", "R1", "B1"], ["Y1", "", ""], ("hidden_size", (long)H), dir);
        g.Initializer("W0", [D, 4 * H, I], l0.W).Initializer("R0", [D, 4 * H, H], l0.R).Initializer("B0", [D, 8 * H], l0.B!);
        g.Initializer("W1", [D, 4 * H, D * H], l1.W).Initializer("R1", [D, 4 * H, H], l1.R).Initializer("B1", [D, 8 * H], l1.B!);
        g.Input("X", [T, B, I]).Input("axes", [1]).Input("shape", [3]).Output("Y1", [T, D, B, H]);
        using var tmp = new TempDirectory();
        string path = tmp.File("stack.onnx");
        g.Save(path);
        using RnnModel model = RnnModel.Load(path);
        Assert.Equal(2, model.NumLayers);
        Assert.Equal(["lstm0", "lstm1"], model.Onnx!.NodeNames);

        float[] x = OnnxRunner.RandomTensor(T * B * I, 30);
        var (y, _, _) = OnnxRunner.Run(model, x, T, B);
        // Layer 0's Y (T, D, B, H) rearranged to (T, B, D·H) is layer 1's X.
        double[] y0 = OnnxReference.Run(l0, x, T, B).Y;
        var x1 = new float[T * B * D * H];
        for (int t = 0; t < T; t++)
            for (int d = 0; d < D; d++)
                for (int b = 0; b < B; b++)
                    for (int u = 0; u < H; u++) x1[((t * B + b) * D + d) * H + u] = (float)y0[((t * D + d) * B + b) * H + u];
        Tolerance.AssertClose(OnnxReference.Run(l1, x1, T, B).Y, y, 2e-5, 1e-4, $"stack {direction}");
    }
}
