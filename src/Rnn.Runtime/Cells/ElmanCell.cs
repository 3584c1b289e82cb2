using Rnn.Runtime.Kernels;

namespace Rnn.Runtime.Cells;

/// <summary>The element-wise half of an Elman RNN step.</summary>
internal static class ElmanCell
{
    /// <summary>pre is (H): W_ih x + W_hh h + b_ih + b_hh. h is (H), written with tanh(pre) or relu(pre).</summary>
    public static void Pointwise(KernelPath path, ReadOnlySpan<float> pre, Span<float> h, bool relu)
    {
        int hidden = h.Length;
        pre = pre.Slice(0, hidden);
        if (relu)
            for (int u = 0; u < hidden; u++) h[u] = MathF.Max(pre[u], 0f); // NaN stays NaN, as in PyTorch
        else
            Activations.Tanh(path, pre, h);
    }
}
