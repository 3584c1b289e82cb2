namespace Rnn.Tests.TestSupport.Onnx;

/// <summary>
/// The ONNX operator definitions of RNN, LSTM and GRU written out plainly in double precision, as the numpy
/// reference of ONNX's backend tests (onnx/backend/test/case/node/{rnn,lstm,gru}.py) computes them: ONNX gate order
/// and layouts, peepholes, input_forget, clip, both linear_before_reset forms, sequence_lens. Slow and obvious on
/// purpose: the runtime's fused kernels are checked against it.
/// </summary>
internal static class OnnxReference
{
    public sealed record Outputs(double[] Y, double[] Yh, double[] Yc);

    /// <summary>
    /// x in the node's layout: (T, B, I), or (B, T, I) for layout 1; h0/c0 (D, B, H) or (B, D, H), null for zeros;
    /// lengths null for all T. Returns Y, Y_h, Y_c in the node's layout.
    /// </summary>
    public static Outputs Run(OnnxNodeSpec n, float[] x, int T, int B, int[]? lengths = null, float[]? h0 = null, float[]? c0 = null)
    {
        int I = n.InputSize, H = n.HiddenSize, D = n.Directions, G = n.Gates;
        int layout = n.Layout;
        double clip = n.Clip ?? double.PositiveInfinity;
        bool coupled = n.InputForget == 1, lbr = n.LinearBeforeReset == 1;
        bool relu = n.Activations is { Length: > 0 } a && a[0].Equals("Relu", StringComparison.OrdinalIgnoreCase);
        var y = new double[T * D * B * H];
        var yh = new double[D * B * H];
        var yc = new double[D * B * H];
        double X(int t, int b, int i) => layout == 0 ? x[(t * B + b) * I + i] : x[(b * T + t) * I + i];
        int StateIndex(int d, int b, int u) => layout == 0 ? (d * B + b) * H + u : (b * D + d) * H + u;
        int YIndex(int t, int d, int b, int u) => layout == 0 ? ((t * D + d) * B + b) * H + u : ((b * T + t) * D + d) * H + u;
        double Clip(double v) => Math.Clamp(v, -clip, clip);
        static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

        for (int d = 0; d < D; d++)
        {
            bool backward = d == 1 || n.Direction == "reverse";
            double W(int row, int i) => n.W[(d * G * H + row) * I + i];
            double R(int row, int j) => n.R[(d * G * H + row) * H + j];
            double Wb(int row) => n.B is null ? 0 : n.B[d * 2 * G * H + row];
            double Rb(int row) => n.B is null ? 0 : n.B[d * 2 * G * H + G * H + row];
            double P(int k, int u) => n.P is null ? 0 : n.P[d * 3 * H + k * H + u];
            for (int b = 0; b < B; b++)
            {
                int len = lengths?[b] ?? T;
                var h = new double[H];
                var c = new double[H];
                for (int u = 0; u < H; u++)
                {
                    h[u] = h0 is null ? 0 : h0[StateIndex(d, b, u)];
                    c[u] = c0 is null ? 0 : c0[StateIndex(d, b, u)];
                }
                for (int s = 0; s < len; s++)
                {
                    int t = backward ? len - 1 - s : s;
                    // Pre-activations of every gate block g: x·W_gᵀ + Wb_g and h·R_gᵀ + Rb_g apart (GRU needs them apart).
                    var xw = new double[G * H];
                    var hr = new double[G * H];
                    for (int row = 0; row < G * H; row++)
                    {
                        double sx = Wb(row), sh = Rb(row);
                        for (int i = 0; i < I; i++) sx += X(t, b, i) * W(row, i);
                        for (int j = 0; j < H; j++) sh += h[j] * R(row, j);
                        xw[row] = sx;
                        hr[row] = sh;
                    }
                    var hNew = new double[H];
                    if (G == 1)
                    {
                        for (int u = 0; u < H; u++)
                        {
                            double pre = Clip(xw[u] + hr[u]);
                            hNew[u] = relu ? Math.Max(pre, 0) : Math.Tanh(pre);
                        }
                    }
                    else if (G == 4)
                    {
                        for (int u = 0; u < H; u++) // blocks i, o, f, c
                        {
                            double i = Sigmoid(Clip(xw[u] + hr[u] + P(0, u) * c[u]));
                            double f = coupled ? 1 - i : Sigmoid(Clip(xw[2 * H + u] + hr[2 * H + u] + P(2, u) * c[u]));
                            double g = Math.Tanh(Clip(xw[3 * H + u] + hr[3 * H + u]));
                            double cNew = f * c[u] + i * g;
                            double o = Sigmoid(Clip(xw[H + u] + hr[H + u] + P(1, u) * cNew));
                            c[u] = cNew;
                            hNew[u] = o * Math.Tanh(cNew);
                        }
                    }
                    else
                    {
                        var r = new double[H];
                        for (int u = 0; u < H; u++) r[u] = Sigmoid(Clip(xw[H + u] + hr[H + u])); // blocks z, r, h
                        for (int u = 0; u < H; u++)
                        {
                            double z = Sigmoid(Clip(xw[u] + hr[u]));
                            double pre;
                            if (lbr) pre = xw[2 * H + u] + r[u] * hr[2 * H + u];
                            else
                            {
                                pre = xw[2 * H + u] + Rb(2 * H + u);
                                for (int j = 0; j < H; j++) pre += r[j] * h[j] * R(2 * H + u, j);
                            }
                            double hh = Math.Tanh(Clip(pre));
                            hNew[u] = (1 - z) * hh + z * h[u];
                        }
                    }
                    h = hNew;
                    for (int u = 0; u < H; u++) y[YIndex(t, d, b, u)] = h[u];
                }
                for (int u = 0; u < H; u++)
                {
                    yh[StateIndex(d, b, u)] = h[u];
                    yc[StateIndex(d, b, u)] = c[u];
                }
            }
        }
        return new Outputs(y, yh, yc);
    }
}
