using Rnn.Runtime;

namespace Rnn.Tests.TestSupport;

/// <summary>
/// A plain double-precision forward pass of a whole recurrent stack, straight from PyTorch's equations, with
/// padded batches (lengths), bidirectional layers and explicit dropout masks. Shares no code with the trainer:
/// its loss is what the finite-difference checks differentiate.
/// </summary>
internal sealed class ReferenceStack
{
    public required CellKind Cell { get; init; }
    public required int InputSize { get; init; }
    public required int Hidden { get; init; }
    public required int Layers { get; init; }
    public required bool Bidirectional { get; init; }
    public required int T { get; init; }
    public required int B { get; init; }
    public int[]? Lengths { get; init; }

    /// <summary>Per direction (B, I), applied to x at every step; null: none.</summary>
    public float[][]? InputMasks { get; init; }
    /// <summary>Per layer·D + direction (B, H), applied to h before W_hh; null: none.</summary>
    public float[][]? RecurrentMasks { get; init; }
    /// <summary>Per layer but the last (T, B, D·H), applied to that layer's output; null: none.</summary>
    public float[][]? InterLayerMasks { get; init; }

    public int D => Bidirectional ? 2 : 1;

    /// <summary>Parameters by PyTorch name. x (T, B, I); h0, c0 (L·D, B, H). Returns y (T, B, D·H), hn, cn.</summary>
    public (double[] Y, double[] Hn, double[] Cn) Forward(Dictionary<string, double[]> p, double[] x, double[] h0, double[] c0)
    {
        int H = Hidden, G = Cell.GateCount(), DH = D * H;
        var hn = new double[Layers * D * B * H];
        var cn = new double[Layers * D * B * H];
        double[] layerInput = x;
        int inSize = InputSize;
        for (int l = 0; l < Layers; l++)
        {
            var output = new double[T * B * DH];
            for (int d = 0; d < D; d++)
            {
                string sfx = d == 1 ? "_reverse" : "";
                double[] wih = p[$"weight_ih_l{l}{sfx}"], whh = p[$"weight_hh_l{l}{sfx}"];
                double[] bih = p[$"bias_ih_l{l}{sfx}"], bhh = p[$"bias_hh_l{l}{sfx}"];
                int si = l * D + d;
                for (int b = 0; b < B; b++)
                {
                    int len = Lengths?[b] ?? T;
                    var h = new double[H];
                    var c = new double[H];
                    for (int u = 0; u < H; u++)
                    {
                        h[u] = h0[(si * B + b) * H + u];
                        c[u] = c0.Length > 0 ? c0[(si * B + b) * H + u] : 0;
                    }
                    for (int s = 0; s < len; s++)
                    {
                        int t = d == 0 ? s : len - 1 - s;
                        var xin = new double[inSize];
                        for (int k = 0; k < inSize; k++)
                        {
                            xin[k] = layerInput[(t * B + b) * inSize + k];
                            if (l == 0 && InputMasks is not null) xin[k] *= InputMasks[d][b * inSize + k];
                        }
                        var hr = new double[H];
                        for (int k = 0; k < H; k++)
                            hr[k] = h[k] * (RecurrentMasks is null ? 1.0 : RecurrentMasks[si][b * H + k]);
                        var gx = new double[G * H];
                        var gh = new double[G * H];
                        for (int r = 0; r < G * H; r++)
                        {
                            double ax = bih[r], ah = bhh[r];
                            for (int k = 0; k < inSize; k++) ax += wih[r * inSize + k] * xin[k];
                            for (int k = 0; k < H; k++) ah += whh[r * H + k] * hr[k];
                            gx[r] = ax;
                            gh[r] = ah;
                        }
                        var hNew = new double[H];
                        for (int u = 0; u < H; u++)
                        {
                            switch (Cell)
                            {
                                case CellKind.Lstm:
                                    double i = Sig(gx[u] + gh[u]), f = Sig(gx[H + u] + gh[H + u]);
                                    double g = Math.Tanh(gx[2 * H + u] + gh[2 * H + u]), o = Sig(gx[3 * H + u] + gh[3 * H + u]);
                                    c[u] = f * c[u] + i * g;
                                    hNew[u] = o * Math.Tanh(c[u]);
                                    break;
                                case CellKind.Gru:
                                    double rr = Sig(gx[u] + gh[u]), z = Sig(gx[H + u] + gh[H + u]);
                                    double n = Math.Tanh(gx[2 * H + u] + rr * gh[2 * H + u]);
                                    hNew[u] = (1 - z) * n + z * h[u];
                                    break;
                                case CellKind.RnnTanh:
                                    hNew[u] = Math.Tanh(gx[u] + gh[u]);
                                    break;
                                default:
                                    hNew[u] = Math.Max(0, gx[u] + gh[u]);
                                    break;
                            }
                        }
                        h = hNew;
                        Array.Copy(h, 0, output, (t * B + b) * DH + d * H, H);
                    }
                    Array.Copy(h, 0, hn, (si * B + b) * H, H);
                    Array.Copy(c, 0, cn, (si * B + b) * H, H);
                }
            }
            if (l < Layers - 1 && InterLayerMasks is not null)
                for (int j = 0; j < output.Length; j++) output[j] *= InterLayerMasks[l][j];
            layerInput = output;
            inSize = DH;
        }
        return (layerInput, hn, Cell == CellKind.Lstm ? cn : []);
    }

    /// <summary>loss = Σ y·ry + Σ hn·rhn + Σ cn·rcn.</summary>
    public double Loss(Dictionary<string, double[]> p, double[] x, double[] h0, double[] c0, float[] ry, float[] rhn, float[] rcn)
    {
        var (y, hn, cn) = Forward(p, x, h0, c0);
        double loss = 0;
        for (int i = 0; i < y.Length; i++) loss += y[i] * ry[i];
        for (int i = 0; i < hn.Length; i++) loss += hn[i] * rhn[i];
        for (int i = 0; i < cn.Length; i++) loss += cn[i] * rcn[i];
        return loss;
    }

    private static double Sig(double v) => 1 / (1 + Math.Exp(-v));
}
