namespace Rnn.Benchmarks.Reference;

/// <summary>
/// A plain, obviously-correct LSTM/GRU with PyTorch semantics (double accumulation), used only by
/// <c>--verify</c> to check that every implementation under test computes the same function.
/// </summary>
internal static class NaiveRnn
{
    /// <summary>
    /// One step for a batch. x is (B, I); h and c are (B, H) and are updated in place (c unused for GRU).
    /// LSTM: i,f,g,o = split(W_ih x + b_ih + W_hh h + b_hh); c' = σ(f)c + σ(i)tanh(g); h' = σ(o)tanh(c').
    /// GRU: r,z = σ(W_i x + b_i + W_h h + b_h); n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)); h' = (1-z)n + z h.
    /// </summary>
    public static void Step(RnnWeights w, ReadOnlySpan<float> x, Span<float> h, Span<float> c, int batch)
    {
        int I = w.InputSize, H = w.HiddenSize, G = w.Gates;
        var gx = new double[G * H];
        var gh = new double[G * H];
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> xb = x.Slice(b * I, I);
            Span<float> hb = h.Slice(b * H, H);
            for (int r = 0; r < G * H; r++)
            {
                double sx = w.BiasIh[r], sh = w.BiasHh[r];
                for (int k = 0; k < I; k++) sx += (double)w.WeightIh[r * I + k] * xb[k];
                for (int k = 0; k < H; k++) sh += (double)w.WeightHh[r * H + k] * hb[k];
                gx[r] = sx;
                gh[r] = sh;
            }
            if (w.Cell == CellType.Lstm)
            {
                Span<float> cb = c.Slice(b * H, H);
                for (int j = 0; j < H; j++)
                {
                    double i = Sigmoid(gx[j] + gh[j]);
                    double f = Sigmoid(gx[H + j] + gh[H + j]);
                    double g = Math.Tanh(gx[2 * H + j] + gh[2 * H + j]);
                    double o = Sigmoid(gx[3 * H + j] + gh[3 * H + j]);
                    double cn = f * cb[j] + i * g;
                    cb[j] = (float)cn;
                    hb[j] = (float)(o * Math.Tanh(cn));
                }
            }
            else
            {
                for (int j = 0; j < H; j++)
                {
                    double r = Sigmoid(gx[j] + gh[j]);
                    double z = Sigmoid(gx[H + j] + gh[H + j]);
                    double n = Math.Tanh(gx[2 * H + j] + r * gh[2 * H + j]);
                    hb[j] = (float)((1 - z) * n + z * hb[j]);
                }
            }
        }
    }

    /// <summary>Whole sequence: x is (T, B, I), y is (T, B, H); h and c (B, H) start as given and end as h_T, c_T.</summary>
    public static void Run(RnnWeights w, ReadOnlySpan<float> x, Span<float> y, Span<float> h, Span<float> c, int steps, int batch)
    {
        int I = w.InputSize, H = w.HiddenSize;
        for (int t = 0; t < steps; t++)
        {
            Step(w, x.Slice(t * batch * I, batch * I), h, c, batch);
            h.Slice(0, batch * H).CopyTo(y.Slice(t * batch * H, batch * H));
        }
    }

    private static double Sigmoid(double v) => 1.0 / (1.0 + Math.Exp(-v));
}
