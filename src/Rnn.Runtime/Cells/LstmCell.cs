using Rnn.Runtime.Kernels;

namespace Rnn.Runtime.Cells;

/// <summary>The element-wise half of an LSTM step, after the gate products.</summary>
internal static class LstmCell
{
    /// <summary>
    /// pre is (4H): pre-activations of gates i, f, g, o with every bias added. c is (H), read and updated.
    /// h is (H), written. gates, if not empty, is (4H) and receives the activated i, f, g, o for the backward pass.
    /// </summary>
    public static void Pointwise(KernelPath path, ReadOnlySpan<float> pre, Span<float> c, Span<float> h, Span<float> gates)
    {
        int hidden = h.Length;
        ReadOnlySpan<float> pi = pre.Slice(0, hidden), pf = pre.Slice(hidden, hidden);
        ReadOnlySpan<float> pg = pre.Slice(2 * hidden, hidden), po = pre.Slice(3 * hidden, hidden);
        c = c.Slice(0, hidden);
        bool save = !gates.IsEmpty;
        for (int u = 0; u < hidden; u++)
        {
            float i = Activations.Sigmoid(pi[u]);
            float f = Activations.Sigmoid(pf[u]);
            float g = Activations.Tanh(pg[u]);
            float o = Activations.Sigmoid(po[u]);
            float cNew = f * c[u] + i * g;
            c[u] = cNew;
            h[u] = o * Activations.Tanh(cNew);
            if (save)
            {
                gates[u] = i;
                gates[hidden + u] = f;
                gates[2 * hidden + u] = g;
                gates[3 * hidden + u] = o;
            }
        }
        _ = path;
    }
}
