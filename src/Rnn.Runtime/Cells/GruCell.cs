using Rnn.Runtime.Kernels;

namespace Rnn.Runtime.Cells;

/// <summary>The element-wise half of a GRU step (PyTorch semantics), after the gate products.</summary>
internal static class GruCell
{
    /// <summary>
    /// gx is (3H): W_ih x + b_ih, with b_hr and b_hz already added to the r and z blocks.
    /// gh is (3H): W_hh h, with b_hn added to the n block (b_hn sits inside r * (W_hn h + b_hn)).
    /// h is (H): the previous state, overwritten with the new one.
    /// gates, if not empty, is (4H) and receives r, z, n and W_hn h + b_hn for the backward pass.
    /// </summary>
    public static void Pointwise(KernelPath path, ReadOnlySpan<float> gx, ReadOnlySpan<float> gh, Span<float> h, Span<float> gates)
    {
        int hidden = h.Length;
        bool save = !gates.IsEmpty;
        for (int u = 0; u < hidden; u++)
        {
            float r = Activations.Sigmoid(gx[u] + gh[u]);
            float z = Activations.Sigmoid(gx[hidden + u] + gh[hidden + u]);
            float hn = gh[2 * hidden + u];
            float n = Activations.Tanh(gx[2 * hidden + u] + r * hn);
            float prev = h[u];
            h[u] = (1f - z) * n + z * prev;
            if (save)
            {
                gates[u] = r;
                gates[hidden + u] = z;
                gates[2 * hidden + u] = n;
                gates[3 * hidden + u] = hn;
            }
        }
        _ = path;
    }
}
