using Rnn.Tests.TestSupport;
using Rnn.Tests.TestSupport.Onnx;

namespace Rnn.Tests.Runtime.Onnx;

/// <summary>
/// ONNX's own backend test cases for the recurrent operators (onnx/backend/test/case/node/lstm.py, gru.py, rnn.py),
/// rebuilt with their inputs and weights: the expected outputs come from <see cref="OnnxReference"/>, which computes
/// what those files' numpy helpers compute. Where a case draws random weights (seq_length), a fixed seed stands in.
/// </summary>
public class OnnxBackendCaseTests
{
    private static float[] Fill(int count, float value) { var a = new float[count]; Array.Fill(a, value); return a; }

    private static OnnxNodeSpec Scaled(string op, int input, int hidden, float scale, float[]? b = null, float[]? p = null) => new()
    {
        OpType = op, InputSize = input, HiddenSize = hidden,
        W = Fill((op == "LSTM" ? 4 : op == "GRU" ? 3 : 1) * hidden * input, scale),
        R = Fill((op == "LSTM" ? 4 : op == "GRU" ? 3 : 1) * hidden * hidden, scale),
        B = b, P = p,
    };

    // X of the defaults cases: shape (1, 3, 2), i.e. one step of a batch of three.
    private static readonly float[] X3x2 = [1, 2, 3, 4, 5, 6];
    private static readonly float[] X3x3 = [1, 2, 3, 4, 5, 6, 7, 8, 9];

    [Fact]
    public void LstmDefaults()
    {
        using var tmp = new TempDirectory();
        OnnxRunner.AssertMatchesReference(Scaled("LSTM", 2, 3, 0.1f) with { WriteY = false }, tmp.Path, X3x2, 1, 3, what: "test_lstm_defaults");
    }

    [Fact]
    public void LstmWithInitialBias()
    {
        using var tmp = new TempDirectory();
        float[] b = [.. Fill(4 * 4, 0.1f), .. new float[4 * 4]];
        OnnxRunner.AssertMatchesReference(Scaled("LSTM", 3, 4, 0.1f, b), tmp.Path, X3x3, 1, 3, what: "test_lstm_with_initial_bias");
    }

    [Fact]
    public void LstmBatchwise()
    {
        // X (3, 1, 2) with layout 1: batch 3, one step each; hidden 7, weights 0.3.
        using var tmp = new TempDirectory();
        OnnxRunner.AssertMatchesReference(Scaled("LSTM", 2, 7, 0.3f) with { Layout = 1 }, tmp.Path, X3x2, 1, 3, what: "test_lstm_batchwise");
    }

    [Fact]
    public void LstmWithPeepholes()
    {
        // X (1, 2, 4); hidden 3; W, R and P all 0.1, B zeros; sequence_lens, initial_h and initial_c given (zeros, full length).
        using var tmp = new TempDirectory();
        OnnxNodeSpec spec = Scaled("LSTM", 4, 3, 0.1f, new float[2 * 4 * 3], Fill(3 * 3, 0.1f)) with { WriteY = false };
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8];
        OnnxRunner.AssertMatchesReference(spec, tmp.Path, x, 1, 2, [1, 1], new float[2 * 3], new float[2 * 3], what: "test_lstm_with_peepholes");
        // The peepholes count: without them Y_h moves by more than the tolerance.
        double withP = OnnxReference.Run(spec, x, 1, 2).Yh[0], withoutP = OnnxReference.Run(spec with { P = null }, x, 1, 2).Yh[0];
        Assert.True(Math.Abs(withP - withoutP) > 1e-4, $"peepholes move Y_h[0] by {Math.Abs(withP - withoutP):E2} only");
    }

    // The GRU cases as ONNX writes them: no linear_before_reset attribute, so 0 (h reset before the recurrent product).
    [Fact]
    public void GruDefaultsResetFirst()
    {
        using var tmp = new TempDirectory();
        OnnxRunner.AssertMatchesReference(Scaled("GRU", 2, 5, 0.1f), tmp.Path, X3x2, 1, 3, what: "test_gru_defaults");
    }

    [Fact]
    public void GruWithInitialBiasResetFirst()
    {
        using var tmp = new TempDirectory();
        float[] b = [.. Fill(3 * 3, 0.1f), .. new float[3 * 3]];
        OnnxRunner.AssertMatchesReference(Scaled("GRU", 3, 3, 0.1f, b), tmp.Path, X3x3, 1, 3, what: "test_gru_with_initial_bias");
    }

    [Fact]
    public void GruSeqLengthResetFirst()
    {
        // Two steps, so the reset gate meets a non-zero h (in one step from h = 0 both GRU forms agree).
        using var tmp = new TempDirectory();
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
        OnnxNodeSpec spec = OnnxNodeSpec.Random("GRU", 3, 5, seed: 7, scale: 1f);
        OnnxRunner.AssertMatchesReference(spec, tmp.Path, x, 2, 3, what: "test_gru_seq_length");
        double[] resetFirst = OnnxReference.Run(spec, x, 2, 3).Y, resetAfter = OnnxReference.Run(spec with { LinearBeforeReset = 1 }, x, 2, 3).Y;
        double largest = 0;
        for (int i = 0; i < resetFirst.Length; i++) largest = Math.Max(largest, Math.Abs(resetFirst[i] - resetAfter[i]));
        Assert.True(largest > 1e-3, $"the two GRU forms differ by {largest:E2} only");
    }

    [Fact]
    public void GruBatchwiseResetFirst()
    {
        using var tmp = new TempDirectory();
        OnnxRunner.AssertMatchesReference(Scaled("GRU", 2, 6, 0.2f) with { Layout = 1 }, tmp.Path, X3x2, 1, 3, what: "test_gru_batchwise");
    }

    [Fact]
    public void GruDefaults()
    {
        using var tmp = new TempDirectory();
        OnnxRunner.AssertMatchesReference(Scaled("GRU", 2, 5, 0.1f) with { LinearBeforeReset = 1 }, tmp.Path, X3x2, 1, 3, what: "test_gru_defaults (lbr 1)");
    }

    [Fact]
    public void GruWithInitialBias()
    {
        using var tmp = new TempDirectory();
        float[] b = [.. Fill(3 * 3, 0.1f), .. new float[3 * 3]];
        OnnxRunner.AssertMatchesReference(Scaled("GRU", 3, 3, 0.1f, b) with { LinearBeforeReset = 1 }, tmp.Path, X3x3, 1, 3, what: "test_gru_with_initial_bias (lbr 1)");
    }

    [Fact]
    public void GruSeqLength()
    {
        // X (2, 3, 3): two steps of a batch of three; weights and biases randn in the original, seeded here.
        using var tmp = new TempDirectory();
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
        OnnxNodeSpec spec = OnnxNodeSpec.Random("GRU", 3, 5, seed: 7, scale: 1f) with { LinearBeforeReset = 1 };
        OnnxRunner.AssertMatchesReference(spec, tmp.Path, x, 2, 3, what: "test_gru_seq_length (lbr 1)");
    }

    [Fact]
    public void GruBatchwise()
    {
        using var tmp = new TempDirectory();
        OnnxRunner.AssertMatchesReference(Scaled("GRU", 2, 6, 0.2f) with { Layout = 1, LinearBeforeReset = 1 }, tmp.Path, X3x2, 1, 3, what: "test_gru_batchwise (lbr 1)");
    }

    [Fact]
    public void RnnDefaults()
    {
        using var tmp = new TempDirectory();
        OnnxRunner.AssertMatchesReference(Scaled("RNN", 2, 4, 0.1f), tmp.Path, X3x2, 1, 3, what: "test_simple_rnn_defaults");
        // The case's own numbers for its first row: tanh(0.1·(1 + 2)).
        Assert.Equal(0.29131261, OnnxReference.Run(Scaled("RNN", 2, 4, 0.1f), X3x2, 1, 3).Y[0], 1e-7);
    }

    [Fact]
    public void RnnWithInitialBias()
    {
        using var tmp = new TempDirectory();
        float[] b = [.. Fill(4, 0.1f), .. new float[4]];
        OnnxRunner.AssertMatchesReference(Scaled("RNN", 2, 4, 0.1f, b), tmp.Path, X3x2, 1, 3, what: "test_simple_rnn_with_initial_bias");
        Assert.Equal(0.37994897, OnnxReference.Run(Scaled("RNN", 2, 4, 0.1f, b), X3x2, 1, 3).Y[0], 1e-7);
    }

    [Fact]
    public void RnnSeqLength()
    {
        using var tmp = new TempDirectory();
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
        OnnxRunner.AssertMatchesReference(OnnxNodeSpec.Random("RNN", 3, 5, seed: 3, scale: 1f), tmp.Path, x, 2, 3, what: "test_rnn_seq_length");
    }

    [Fact]
    public void RnnBatchwise()
    {
        using var tmp = new TempDirectory();
        OnnxRunner.AssertMatchesReference(Scaled("RNN", 2, 4, 0.5f) with { Layout = 1 }, tmp.Path, X3x2, 1, 3, what: "test_simple_rnn_batchwise");
    }
}
