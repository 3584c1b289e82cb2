using System.Numerics.Tensors;
using Rnn.Runtime.Cells;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Kernels.Int8;

namespace Rnn.Runtime.Layers;

/// <summary>
/// One time step of one direction over a block of batch rows, shared by the session and the stream:
/// the recurrent product (into the gate buffer for LSTM/Elman, into a separate one for GRU), then the cell's
/// element-wise pass per row. The input projection (with biases) is already in <c>gx</c>.
/// A GRU that resets h before the product (ONNX linear_before_reset = 0) splits both: r and z from h, then the
/// candidate from r ⊙ h (<see cref="GruCell.ResetGate"/>, <see cref="GruCell.Candidate"/>).
/// </summary>
internal static class RecurrentStep
{
    /// <summary>Floats of <c>gh</c> a float32 <see cref="Run"/> of <paramref name="rows"/> rows needs.</summary>
    public static int ScratchLength(RecurrentLayerWeights w, int rows) =>
        w.Variant.ResetBeforeProduct ? rows * ResetFirstRowFloats(w.HiddenSize) : rows * w.RecurrentWeights.PaddedN;

    /// <summary>Floats of <c>product</c> a bfloat16 <see cref="RunBf16"/> of <paramref name="rows"/> rows ldp apart needs.</summary>
    public static int Bf16ScratchLength(RecurrentLayerWeights w, int rows, int ldp) =>
        rows * ldp + (w.Variant.ResetBeforeProduct ? PackedMatrixBf16.PaddedWidth(w.HiddenSize) + w.HiddenSize : 0);

    // Per row: the [W_hr; W_hz] product (2H in whole panels), the W_hn product (H in whole panels), r ⊙ h (H).
    private static int ResetFirstRowFloats(int hidden) =>
        PackedMatrix.RoundUp(2 * hidden, PackedMatrix.PanelWidth) + PackedMatrix.RoundUp(hidden, PackedMatrix.PanelWidth) + hidden;

    /// <summary>
    /// gx: rows × (G·H padded), row r at r·ldgx; overwritten for LSTM/Elman. gh: scratch of <see cref="ScratchLength"/>
    /// floats (GRU only). h, c: rows × H, the state, updated in place. active(r) false leaves row r's state untouched.
    /// descending: the order the product visits the weights in (same bits; see <see cref="Gemm.Multiply"/>).
    /// recurrentWeights: W_hhᵀ in another layout (<see cref="RecurrentLayerWeights.RecurrentWeightsGrouped"/>), or null
    /// for <see cref="RecurrentLayerWeights.RecurrentWeights"/>; every layout gives the same bits (a reset-first GRU
    /// takes its split copies in the same layout).
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
            if (w.Variant.ResetBeforeProduct)
            {
                RunResetFirst(path, w, rows, gx, ldgx, gh, h, inactive, descending, whh.Layout == PackedLayout.Groups);
                return;
            }
            Gemm.Multiply(path, h, rows, hidden, whh, w.RecurrentBias, gh, padded, accumulate: false, descending);
            for (int r = 0; r < rows; r++)
            {
                if (!inactive.IsEmpty && inactive[r]) continue;
                GruCell.Pointwise(path, gx.Slice(r * ldgx, 3 * hidden), gh.Slice(r * padded, 3 * hidden), h.Slice(r * hidden, hidden), default, w.Variant);
            }
            return;
        }
        Gemm.Multiply(path, h, rows, hidden, whh, default, gx.Slice(0, (rows - 1) * ldgx + padded), ldgx, accumulate: true, descending);
        Pointwise(path, w, rows, gx, ldgx, h, c, inactive);
    }

    /// <summary>The reset-first GRU step in float32: r, z from h; r ⊙ h; its product with W_hn; the update.</summary>
    private static void RunResetFirst(KernelPath path, RecurrentLayerWeights w, int rows,
        Span<float> gx, int ldgx, Span<float> gh, Span<float> h, ReadOnlySpan<bool> inactive, bool descending, bool grouped)
    {
        int hidden = w.HiddenSize;
        PackedMatrix gates = grouped ? w.ResetGateWeightsGrouped : w.ResetGateWeights;
        PackedMatrix candidate = grouped ? w.CandidateWeightsGrouped : w.CandidateWeights;
        int pg = gates.PaddedN, pn = candidate.PaddedN;
        Span<float> ghRz = gh.Slice(0, rows * pg), ghN = gh.Slice(rows * pg, rows * pn), resetH = gh.Slice(rows * (pg + pn), rows * hidden);
        Gemm.Multiply(path, h, rows, hidden, gates, default, ghRz, pg, accumulate: false, descending);
        for (int r = 0; r < rows; r++)
        {
            if (!inactive.IsEmpty && inactive[r]) { resetH.Slice(r * hidden, hidden).Clear(); continue; }
            GruCell.ResetGate(path, gx.Slice(r * ldgx, 3 * hidden), ghRz.Slice(r * pg, 2 * hidden), h.Slice(r * hidden, hidden),
                resetH.Slice(r * hidden, hidden), w.Variant);
        }
        Gemm.Multiply(path, resetH, rows, hidden, candidate, default, ghN, pn, accumulate: false, descending);
        for (int r = 0; r < rows; r++)
        {
            if (!inactive.IsEmpty && inactive[r]) continue;
            GruCell.Candidate(path, gx.Slice(r * ldgx, 3 * hidden), ghRz.Slice(r * pg, 2 * hidden), ghN.Slice(r * pn, hidden),
                h.Slice(r * hidden, hidden), w.Variant);
        }
    }

    /// <summary>
    /// <see cref="Run"/> with bfloat16 recurrent weights: one matrix-vector product per active row into
    /// <paramref name="product"/> (rows × ldp, ldp ≥ the bf16 padded width, plus what <see cref="Bf16ScratchLength"/>
    /// adds), added to gx (LSTM/Elman) or used as the GRU's recurrent half, then the cell's element-wise pass.
    /// Inactive rows are skipped entirely.
    /// </summary>
    public static void RunBf16(KernelPath path, RecurrentLayerWeights w, int rows,
        Span<float> gx, int ldgx, Span<float> product, int ldp, Span<float> h, Span<float> c, ReadOnlySpan<bool> inactive)
    {
        int hidden = w.HiddenSize;
        int gates = w.Cell.GateCount() * hidden;
        PackedMatrixBf16 weights = w.RecurrentWeightsBf16;
        bool resetFirst = w.Variant.ResetBeforeProduct;
        Span<float> candidate = default, resetH = default;
        if (resetFirst)
        {
            int pn = PackedMatrixBf16.PaddedWidth(hidden);
            candidate = product.Slice(rows * ldp, pn);
            resetH = product.Slice(rows * ldp + pn, hidden);
        }
        for (int r = 0; r < rows; r++)
        {
            if (!inactive.IsEmpty && inactive[r]) continue;
            Span<float> pre = gx.Slice(r * ldgx, gates);
            Span<float> hr = h.Slice(r * hidden, hidden);
            Span<float> pr = product.Slice(r * ldp, ldp);
            if (resetFirst)
            {
                GemvBf16.Multiply(path, hr, w.ResetGateWeightsBf16, default, pr);
                GruCell.ResetGate(path, pre, pr, hr, resetH, w.Variant);
                GemvBf16.Multiply(path, resetH, w.CandidateWeightsBf16, default, candidate);
                GruCell.Candidate(path, pre, pr, candidate, hr, w.Variant);
                continue;
            }
            if (w.Cell == CellKind.Gru)
            {
                GemvBf16.Multiply(path, hr, weights, w.RecurrentBias, pr);
                GruCell.Pointwise(path, pre, pr.Slice(0, gates), hr, default, w.Variant);
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
    /// to <paramref name="gh"/> (rows ldgh apart, ldgh ≥ 3H) with the GRU's recurrent bias, then the cell's element-wise
    /// pass. A reset-first GRU keeps r ⊙ h, then its W_hn product, in each gh row's n block, and quantizes r ⊙ h again.
    /// </summary>
    public static void RunInt8(KernelPath path, Int8Kernel kernel, RecurrentLayerWeights w, int rows,
        Span<float> gx, int ldgx, Span<float> gh, int ldgh, Span<float> h, Span<float> c, ReadOnlySpan<bool> inactive,
        QuantizedRows quantized, bool descending)
    {
        int hidden = w.HiddenSize;
        quantized.Quantize(h, rows, hidden, hidden);
        if (w.Cell == CellKind.Gru && w.Variant.ResetBeforeProduct)
        {
            GemvInt8.Multiply(kernel, w.ResetGateWeightsInt8, rows, quantized.Bytes, quantized.Stride, quantized.Scales,
                default, 0, default, default, gh, ldgh, accumulate: false, descending);
            for (int r = 0; r < rows; r++)
            {
                Span<float> resetH = gh.Slice(r * ldgh + 2 * hidden, hidden);
                if (!inactive.IsEmpty && inactive[r]) { resetH.Clear(); continue; }
                GruCell.ResetGate(path, gx.Slice(r * ldgx, 3 * hidden), gh.Slice(r * ldgh, 2 * hidden), h.Slice(r * hidden, hidden), resetH, w.Variant);
            }
            quantized.Quantize(gh.Slice(2 * hidden), rows, hidden, ldgh);
            GemvInt8.Multiply(kernel, w.CandidateWeightsInt8, rows, quantized.Bytes, quantized.Stride, quantized.Scales,
                default, 0, default, default, gh.Slice(2 * hidden), ldgh, accumulate: false, descending);
            for (int r = 0; r < rows; r++)
            {
                if (!inactive.IsEmpty && inactive[r]) continue;
                GruCell.Candidate(path, gx.Slice(r * ldgx, 3 * hidden), gh.Slice(r * ldgh, 2 * hidden), gh.Slice(r * ldgh + 2 * hidden, hidden),
                    h.Slice(r * hidden, hidden), w.Variant);
            }
            return;
        }
        if (w.Cell == CellKind.Gru)
        {
            GemvInt8.Multiply(kernel, w.RecurrentWeightsInt8, rows, quantized.Bytes, quantized.Stride, quantized.Scales,
                default, 0, default, w.RecurrentBias, gh, ldgh, accumulate: false, descending);
            for (int r = 0; r < rows; r++)
            {
                if (!inactive.IsEmpty && inactive[r]) continue;
                GruCell.Pointwise(path, gx.Slice(r * ldgx, 3 * hidden), gh.Slice(r * ldgh, 3 * hidden), h.Slice(r * hidden, hidden), default, w.Variant);
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
            LstmCell.Pointwise(path, gx.Slice(r * ldgx, 4 * hidden), c.Slice(r * hidden, hidden), h.Slice(r * hidden, hidden), default, w.Variant);
        else
            ElmanCell.Pointwise(path, gx.Slice(r * ldgx, hidden), h.Slice(r * hidden, hidden), w.Cell == CellKind.RnnRelu, w.Variant.Clip);
    }
}
