using System.Numerics.Tensors;
using Rnn.Runtime.Cells;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Kernels.Int8;

namespace Rnn.Runtime.Layers;

/// <summary>
/// One time step of one direction over a block of batch rows, shared by the session and the stream:
/// the recurrent product (into the gate buffer for LSTM/Elman, into a separate one for GRU), then the cell's
/// element-wise pass per row. The input projection (with biases) is already in <c>gx</c>.
/// </summary>
internal static class RecurrentStep
{
    /// <summary>
    /// gx: rows × (G·H padded), row r at r·ldgx; overwritten for LSTM/Elman. gh: scratch of rows × padded N (GRU only).
    /// h, c: rows × H, the state, updated in place. active(r) false leaves row r's state untouched.
    /// descending: the order the product visits the weights in (same bits; see <see cref="Gemm.Multiply"/>).
    /// recurrentWeights: W_hhᵀ in another layout (<see cref="RecurrentLayerWeights.RecurrentWeightsGrouped"/>), or null
    /// for <see cref="RecurrentLayerWeights.RecurrentWeights"/>; every layout gives the same bits.
    /// </summary>
    public static void Run(KernelPath path, RecurrentLayerWeights w, int rows,
        Span<float> gx, int ldgx, Span<float> gh, Span<float> h, Span<float> c, ReadOnlySpan<bool> inactive,
        bool descending = false, PackedMatrix? recurrentWeights = null)
    {
        int hidden = w.HiddenSize;
        PackedMatrix whh = recurrentWeights ?? w.RecurrentWeights;
        int padded = whh.PaddedN;
        if (w.Cell == CellKind.Gru)
        {
            Gemm.Multiply(path, h, rows, hidden, whh, w.RecurrentBias, gh, padded, accumulate: false, descending);
            for (int r = 0; r < rows; r++)
            {
                if (!inactive.IsEmpty && inactive[r]) continue;
                GruCell.Pointwise(path, gx.Slice(r * ldgx, 3 * hidden), gh.Slice(r * padded, 3 * hidden), h.Slice(r * hidden, hidden), default);
            }
            return;
        }
        Gemm.Multiply(path, h, rows, hidden, whh, default, gx.Slice(0, (rows - 1) * ldgx + padded), ldgx, accumulate: true, descending);
        Pointwise(path, w, rows, gx, ldgx, h, c, inactive);
    }

    /// <summary>
    /// <see cref="Run"/> with bfloat16 recurrent weights: one matrix-vector product per active row into
    /// <paramref name="product"/> (rows × ldp, ldp ≥ the bf16 padded width), added to gx (LSTM/Elman) or used as
    /// the GRU's recurrent half, then the cell's element-wise pass. Inactive rows are skipped entirely.
    /// </summary>
    public static void RunBf16(KernelPath path, RecurrentLayerWeights w, int rows,
        Span<float> gx, int ldgx, Span<float> product, int ldp, Span<float> h, Span<float> c, ReadOnlySpan<bool> inactive)
    {
        int hidden = w.HiddenSize;
        int gates = w.Cell.GateCount() * hidden;
        PackedMatrixBf16 weights = w.RecurrentWeightsBf16;
        for (int r = 0; r < rows; r++)
        {
            if (!inactive.IsEmpty && inactive[r]) continue;
            Span<float> pre = gx.Slice(r * ldgx, gates);
            Span<float> hr = h.Slice(r * hidden, hidden);
            Span<float> pr = product.Slice(r * ldp, ldp);
            if (w.Cell == CellKind.Gru)
            {
                GemvBf16.Multiply(path, hr, weights, w.RecurrentBias, pr);
                GruCell.Pointwise(path, pre, pr.Slice(0, gates), hr, default);
                continue;
            }
            GemvBf16.Multiply(path, hr, weights, default, pr);
            TensorPrimitives.Add(pre, pr.Slice(0, gates), pre);
            PointwiseRow(path, w, r, gx, ldgx, h, c);
        }
    }

    /// <summary>
    /// <see cref="Run"/> with int8 recurrent weights: every row of h quantized into <paramref name="quantized"/>, one
    /// int8 product over the rows, added to gx (LSTM/Elman: gx already holds the input projection and biases) or written
    /// to <paramref name="gh"/> (rows ldgh apart) with the GRU's recurrent bias, then the cell's element-wise pass.
    /// </summary>
    public static void RunInt8(KernelPath path, Int8Kernel kernel, RecurrentLayerWeights w, int rows,
        Span<float> gx, int ldgx, Span<float> gh, int ldgh, Span<float> h, Span<float> c, ReadOnlySpan<bool> inactive,
        QuantizedRows quantized, bool descending)
    {
        int hidden = w.HiddenSize;
        quantized.Quantize(h, rows, hidden, hidden);
        if (w.Cell == CellKind.Gru)
        {
            GemvInt8.Multiply(kernel, w.RecurrentWeightsInt8, rows, quantized.Bytes, quantized.Stride, quantized.Scales,
                default, 0, default, w.RecurrentBias, gh, ldgh, accumulate: false, descending);
            for (int r = 0; r < rows; r++)
            {
                if (!inactive.IsEmpty && inactive[r]) continue;
                GruCell.Pointwise(path, gx.Slice(r * ldgx, 3 * hidden), gh.Slice(r * ldgh, 3 * hidden), h.Slice(r * hidden, hidden), default);
            }
            return;
        }
        GemvInt8.Multiply(kernel, w.RecurrentWeightsInt8, rows, quantized.Bytes, quantized.Stride, quantized.Scales,
            default, 0, default, default, gx, ldgx, accumulate: true, descending);
        Pointwise(path, w, rows, gx, ldgx, h, c, inactive);
    }

    /// <summary>The element-wise pass alone, for LSTM/Elman rows whose gx already holds every product and bias;
    /// rows marked in <paramref name="inactive"/> (if given) keep their state.</summary>
    public static void Pointwise(KernelPath path, RecurrentLayerWeights w, int rows, Span<float> gx, int ldgx, Span<float> h, Span<float> c,
        ReadOnlySpan<bool> inactive = default)
    {
        for (int r = 0; r < rows; r++)
        {
            if (!inactive.IsEmpty && inactive[r]) continue;
            PointwiseRow(path, w, r, gx, ldgx, h, c);
        }
    }

    private static void PointwiseRow(KernelPath path, RecurrentLayerWeights w, int r, Span<float> gx, int ldgx, Span<float> h, Span<float> c)
    {
        int hidden = w.HiddenSize;
        if (w.Cell == CellKind.Lstm)
            LstmCell.Pointwise(path, gx.Slice(r * ldgx, 4 * hidden), c.Slice(r * hidden, hidden), h.Slice(r * hidden, hidden), default);
        else
            ElmanCell.Pointwise(path, gx.Slice(r * ldgx, hidden), h.Slice(r * hidden, hidden), w.Cell == CellKind.RnnRelu);
    }
}
