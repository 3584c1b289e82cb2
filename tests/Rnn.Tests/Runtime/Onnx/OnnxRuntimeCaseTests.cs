using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Tests.TestSupport;
using Rnn.Tests.TestSupport.Onnx;

namespace Rnn.Tests.Runtime.Onnx;

/// <summary>
/// tests/onnx-ort: ONNX RNN / LSTM / GRU nodes on random weights over every attribute combination, with the outputs
/// ONNX Runtime 1.31 computed for them (tools/OrtCases). Each case is loaded from its .onnx file with RnnModel.Load
/// and run on every kernel path; Y, Y_h and Y_c (those the node names) must match ONNX Runtime's within the
/// manifest's tolerance.
/// </summary>
public class OnnxRuntimeCaseTests
{
    public static TheoryData<string> Cases() => OrtCase.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesOnnxRuntimeOnEveryKernelPath(string name)
    {
        OrtCase c = OrtCase.Named(name);
        float[] x = c.Tensor("X")!;
        float[]? h0 = c.Tensor("initial_h"), c0 = c.Tensor("initial_c");
        foreach (KernelPath path in KernelPaths.Supported())
        {
            using RnnModel model = RnnModel.Load(c.ModelPath, kernelPath: path);
            var (y, yh, yc) = OnnxRunner.Run(model, x, c.SeqLen, c.Batch, c.SequenceLens, h0, c0);
            foreach (string output in c.Outputs)
            {
                float[] actual = output switch { "Y" => y, "Y_h" => yh, _ => yc };
                Tolerance.AssertClose(c.Tensor(output)!, actual, c.Atol, c.Rtol, $"{name} {output} on {path}");
            }
        }
    }

    /// <summary>ONNX Runtime's committed values against the plain double-precision reference, within the same tolerance:
    /// the expected data is right, and so is the reference the other ONNX tests use (variants included).</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void OnnxRuntimesValuesMatchTheReference(string name)
    {
        OrtCase c = OrtCase.Named(name);
        OnnxReference.Outputs expected = OnnxReference.Run(c.Spec(), c.Tensor("X")!, c.SeqLen, c.Batch, c.SequenceLens,
            c.Tensor("initial_h"), c.Tensor("initial_c"));
        foreach (string output in c.Outputs)
        {
            double[] reference = output switch { "Y" => expected.Y, "Y_h" => expected.Yh, _ => expected.Yc };
            Tolerance.AssertClose(reference, c.Tensor(output)!, c.Atol, c.Rtol, $"{name} {output} (ONNX Runtime vs reference)");
        }
    }

    [Fact]
    public void TheCasesCoverEveryAttributeTheIssueLists()
    {
        var seen = new HashSet<string>();
        foreach (OrtCase c in OrtCase.All)
        {
            string op = c.Op;
            seen.Add($"{op} {c.Direction} layout {c.Layout}");
            if (!c.Bias) seen.Add($"{op} no B");
            if (c.SequenceLens is not null) seen.Add($"{op} sequence_lens");
            if (c.Inputs.Contains("initial_h")) seen.Add($"{op} initial state");
            foreach (string v in c.Variants) seen.Add($"{op} {v}");
            if (c.LinearBeforeReset == 1) seen.Add("GRU linear_before_reset=1");
            if (c.Activations is { } a) seen.Add($"{op} activations {a[0]}");
            foreach (string o in new[] { "Y", "Y_h", "Y_c" })
                if (!c.Outputs.Contains(o) && (o != "Y_c" || op == "LSTM")) seen.Add($"{op} without {o}");
        }
        var missing = new List<string>();
        foreach (string op in new[] { "RNN", "LSTM", "GRU" })
        {
            foreach (string d in new[] { "forward", "reverse", "bidirectional" })
                foreach (int layout in new[] { 0, 1 })
                    Need($"{op} {d} layout {layout}");
            foreach (string f in new[] { "no B", "sequence_lens", "initial state", "clip", "without Y", "without Y_h" }) Need($"{op} {f}");
        }
        foreach (string f in new[] { "RNN activations Relu", "RNN activations Tanh", "LSTM peepholes", "LSTM input_forget", "LSTM without Y_c",
                     "GRU linear_before_reset=0", "GRU linear_before_reset=1" })
            Need(f);
        Assert.True(missing.Count == 0, "not covered: " + string.Join("; ", missing));

        void Need(string what)
        {
            if (!seen.Contains(what)) missing.Add(what);
        }
    }
}
