using GoldenGen;
using Microsoft.ML.OnnxRuntime;
using Rnn.Benchmarks.Peers;

namespace OrtCases;

/// <summary>What a generated case holds, for the manifest.</summary>
internal sealed record CaseSummary(CaseSpec Spec, int SeqLen, int Batch, int InputSize, int HiddenSize, int[]? SequenceLens,
    string[] Inputs, string[] Outputs);

/// <summary>
/// Draws one case's sizes, weights and inputs from its seed, writes the node as model.onnx, runs it in ONNX Runtime
/// and writes the node's inputs and ONNX Runtime's outputs as .npy files named after the ONNX tensors. ONNX Runtime
/// refuses layout = 1, so a layout-1 case runs the same node with layout 0 on the transposed inputs, and its committed
/// inputs and outputs are that run's, transposed to layout 1.
/// </summary>
internal static class CaseGenerator
{
    public static CaseSummary Generate(CaseSpec c, string root)
    {
        var rng = new SplitMix((ulong)c.Seed);
        // With sequence_lens: at least 3 steps and 2 rows, so the lengths can differ from the whole sequence.
        int T = c.SequenceLens ? rng.Int(3, 5) : rng.Int(1, 5), B = c.SequenceLens ? rng.Int(2, 3) : rng.Int(1, 3);
        int I = rng.Int(2, 4), H = rng.Int(3, 5);
        int D = c.Directions, G = c.Gates;
        float[] w = rng.Uniform(D * G * H * I, 0.6f);
        float[] r = rng.Uniform(D * G * H * H, 0.6f);
        float[]? b = c.Bias ? rng.Uniform(D * 2 * G * H, 0.4f) : null;
        float[]? p = c.Peepholes ? rng.Uniform(D * 3 * H, 0.6f) : null;
        float[] x = rng.Uniform(T * B * I, 1f);                               // (T, B, I)
        float[]? h0 = c.InitialState ? rng.Uniform(D * B * H, 0.8f) : null;  // (D, B, H)
        float[]? c0 = c.InitialState && c.Lstm ? rng.Uniform(D * B * H, 0.8f) : null;
        int[]? lengths = null;
        if (c.SequenceLens)
        {
            lengths = new int[B];
            for (int i = 0; i < B; i++) lengths[i] = rng.Int(1, T);
            lengths[rng.Int(0, B - 1)] = T; // one full-length row, as a padded batch has
        }

        var outputs = new List<string>();
        if (!c.OmitY) outputs.Add("Y");
        if (!c.OmitYh) outputs.Add("Y_h");
        if (c.Lstm && !c.OmitYc) outputs.Add("Y_c");

        // ONNX Runtime runs the layout-0 twin.
        Dictionary<string, float[]> ort = RunOrt(Model(c with { Layout = 0 }, I, H, w, r, b, p).ToBytes(), x, T, B, I, D, H, lengths, h0, c0, outputs);

        string folder = Path.Combine(root, c.Name);
        Directory.CreateDirectory(folder);
        Model(c, I, H, w, r, b, p).Save(Path.Combine(folder, "model.onnx"));
        var inputs = new List<string>();
        void Write(string name, float[] data, long[] shape)
        {
            NpyFile.Write(Path.Combine(folder, name + ".npy"), data, shape);
        }
        bool batchwise = c.Layout == 1;
        Write("X", batchwise ? Swap01(x, T, B, I) : x, batchwise ? [B, T, I] : [T, B, I]);
        inputs.Add("X");
        long[] stateShape = batchwise ? [B, D, H] : [D, B, H];
        if (h0 is not null) { Write("initial_h", batchwise ? Swap01(h0, D, B, H) : h0, stateShape); inputs.Add("initial_h"); }
        if (c0 is not null) { Write("initial_c", batchwise ? Swap01(c0, D, B, H) : c0, stateShape); inputs.Add("initial_c"); }
        foreach (string o in outputs)
        {
            if (o == "Y") Write("Y", batchwise ? YToBatchwise(ort["Y"], T, D, B, H) : ort["Y"], batchwise ? [B, T, D, H] : [T, D, B, H]);
            else Write(o, batchwise ? Swap01(ort[o], D, B, H) : ort[o], stateShape);
        }
        return new CaseSummary(c, T, B, I, H, lengths, [.. inputs], [.. outputs]);
    }

    /// <summary>The node as a one-node graph: weights as initializers, X / sequence_lens / initial states as graph inputs.</summary>
    private static OnnxGraphWriter Model(CaseSpec c, int I, int H, float[] w, float[] r, float[]? b, float[]? p)
    {
        int D = c.Directions, GH = c.Gates * H;
        var attributes = new List<(string, object)> { ("hidden_size", (long)H) };
        if (c.Direction != "forward") attributes.Add(("direction", c.Direction));
        if (c.Layout != 0) attributes.Add(("layout", (long)c.Layout));
        if (c.Clip is { } clip) attributes.Add(("clip", clip));
        if (c.InputForget is { } f) attributes.Add(("input_forget", f));
        if (c.LinearBeforeReset is { } lbr) attributes.Add(("linear_before_reset", lbr));
        if (c.Activations is { } a) attributes.Add(("activations", D == 2 ? [.. a, .. a] : a));
        var inputs = new List<string> { "X", "W", "R", b is null ? "" : "B", c.SequenceLens ? "sequence_lens" : "", c.InitialState ? "initial_h" : "" };
        if (c.Lstm) inputs.AddRange([c.InitialState ? "initial_c" : "", p is null ? "" : "P"]);
        while (inputs[^1].Length == 0) inputs.RemoveAt(inputs.Count - 1);
        var outputs = new List<string> { c.OmitY ? "" : "Y", c.OmitYh ? "" : "Y_h" };
        if (c.Lstm) outputs.Add(c.OmitYc ? "" : "Y_c");
        while (outputs[^1].Length == 0) outputs.RemoveAt(outputs.Count - 1);

        var g = new OnnxGraphWriter(c.Name);
        g.Node(c.Op, c.Op.ToLowerInvariant(), [.. inputs], [.. outputs], [.. attributes]);
        g.Initializer("W", [D, GH, I], w).Initializer("R", [D, GH, H], r);
        if (b is not null) g.Initializer("B", [D, 2 * GH], b);
        if (p is not null) g.Initializer("P", [D, 3 * H], p);
        g.Input("X", [null, null, I]);
        if (c.SequenceLens) g.Input("sequence_lens", [null], OnnxGraphWriter.Int32);
        long?[] state = c.Layout == 0 ? [D, null, H] : [null, D, H];
        if (c.InitialState) g.Input("initial_h", state);
        if (c.InitialState && c.Lstm) g.Input("initial_c", state);
        if (!c.OmitY) g.Output("Y", c.Layout == 0 ? [null, D, null, H] : [null, null, D, H]);
        if (!c.OmitYh) g.Output("Y_h", state);
        if (c.Lstm && !c.OmitYc) g.Output("Y_c", state);
        return g;
    }

    private static Dictionary<string, float[]> RunOrt(byte[] model, float[] x, int T, int B, int I, int D, int H, int[]? lengths,
        float[]? h0, float[]? c0, List<string> outputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        using var session = new InferenceSession(model, options);
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            names.Add("X");
            values.Add(OrtValue.CreateTensorValueFromMemory(x, [T, B, I]));
            if (lengths is not null)
            {
                names.Add("sequence_lens");
                values.Add(OrtValue.CreateTensorValueFromMemory(lengths, [B]));
            }
            if (h0 is not null)
            {
                names.Add("initial_h");
                values.Add(OrtValue.CreateTensorValueFromMemory(h0, [D, B, H]));
            }
            if (c0 is not null)
            {
                names.Add("initial_c");
                values.Add(OrtValue.CreateTensorValueFromMemory(c0, [D, B, H]));
            }
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> results = session.Run(runOptions, names, values, outputs);
            var byName = new Dictionary<string, float[]>();
            int k = 0;
            foreach (OrtValue result in results) byName[outputs[k++]] = result.GetTensorDataAsSpan<float>().ToArray();
            return byName;
        }
        finally
        {
            foreach (OrtValue v in values) v.Dispose();
        }
    }

    /// <summary>(n0, n1, n2) → (n1, n0, n2).</summary>
    private static float[] Swap01(float[] a, int n0, int n1, int n2)
    {
        var t = new float[a.Length];
        for (int i = 0; i < n0; i++)
            for (int j = 0; j < n1; j++)
                Array.Copy(a, (i * n1 + j) * n2, t, (j * n0 + i) * n2, n2);
        return t;
    }

    /// <summary>Y (T, D, B, H) → (B, T, D, H).</summary>
    private static float[] YToBatchwise(float[] y, int T, int D, int B, int H)
    {
        var t = new float[y.Length];
        for (int s = 0; s < T; s++)
            for (int d = 0; d < D; d++)
                for (int b = 0; b < B; b++)
                    Array.Copy(y, ((s * D + d) * B + b) * H, t, ((b * T + s) * D + d) * H, H);
        return t;
    }
}
