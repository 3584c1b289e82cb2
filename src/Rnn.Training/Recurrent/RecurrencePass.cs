using Rnn.Training.Parameters;
using System.Numerics.Tensors;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;

namespace Rnn.Training.Recurrent;

/// <summary>
/// The time loops of one direction of one layer, forward and backward (BPTT), for the cell <typeparamref name="TCell"/>.
/// Handles what every cell shares: the order of the steps, state slots, rows past their sequence's length
/// (state carried through unchanged, output zero, gradient ignored) and recurrent dropout.
/// </summary>
internal static class RecurrencePass<TCell> where TCell : struct, ICellPass
{
    /// <summary>
    /// gx is (T, B, P): W_ih x + biases for every step (from one matrix product), overwritten.
    /// gh is (B, P) scratch. output is (T, B, ldOut); this direction writes H columns at outOffset
    /// (h', or zeros past a sequence's length). The initial state must already be in the direction's initial slot.
    /// </summary>
    public static void Forward(KernelPath path, Workspace ws, LayerDirection dir, int T, int B,
        Span<float> gx, Span<float> gh, Span<float> output, int ldOut, int outOffset,
        ReadOnlySpan<int> lengths, Span<bool> inactive, bool recurrentDropout)
    {
        int H = dir.Hidden, P = dir.Packed.RecurrentWeights.PaddedN, S = TCell.SavedWidth(H), stateSize = B * H;
        bool hasCell = dir.Cell.HasCellState();
        Span<float> h = ws.Span(dir.States, (T + 1) * stateSize);
        Span<float> c = hasCell ? ws.Span(dir.Cells, (T + 1) * stateSize) : default;
        Span<float> saved = ws.Span(dir.Saved, T * B * S);
        Span<float> masked = recurrentDropout ? ws.Span(dir.MaskedStates, T * stateSize) : default;
        ReadOnlySpan<float> mask = recurrentDropout ? ws.Span(dir.RecurrentMask, stateSize) : default;
        inactive = inactive.Slice(0, B);

        for (int s = 0; s < T; s++)
        {
            int t = dir.Direction == 0 ? s : T - 1 - s;
            Span<float> hPrev = h.Slice(dir.PreviousSlot(t) * stateSize, stateSize);
            Span<float> hNew = h.Slice(dir.NextSlot(t) * stateSize, stateSize);
            // The cells update the state in place; starting from a copy also carries inactive rows through unchanged.
            hPrev.CopyTo(hNew);
            Span<float> cNew = default;
            if (hasCell)
            {
                cNew = c.Slice(dir.NextSlot(t) * stateSize, stateSize);
                c.Slice(dir.PreviousSlot(t) * stateSize, stateSize).CopyTo(cNew);
            }
            ReadOnlySpan<float> productInput = hPrev;
            if (recurrentDropout)
            {
                Span<float> m = masked.Slice(t * stateSize, stateSize);
                TensorPrimitives.Multiply(hPrev, mask, m);
                productInput = m;
            }
            bool anyInactive = MarkInactive(lengths, t, inactive);
            TCell.ForwardStep(path, dir.Packed, B, productInput, gx.Slice(t * B * P, B * P), gh, hNew, cNew,
                saved.Slice(t * B * S, B * S), anyInactive ? inactive : default);

            for (int b = 0; b < B; b++)
            {
                Span<float> dst = output.Slice((t * B + b) * ldOut + outOffset, H);
                if (anyInactive && inactive[b]) dst.Clear();
                else hNew.Slice(b * H, H).CopyTo(dst);
            }
        }
    }

    /// <summary>
    /// dy is (T, B, ldy): the gradient of this layer's output, this direction's H columns at dyOffset (read only
    /// at active positions). dh, dc (B, H) enter holding the gradient w.r.t. the final state and leave holding the
    /// gradient w.r.t. the initial state. dGx (T, B, G·H) receives the input-side pre-activation gradient of every
    /// step, dGh the recurrent-side one (GRU; empty otherwise) — zeros at inactive positions, so the weight
    /// gradients can be taken afterwards as single products over all T·B rows. product is (B, padded H) scratch.
    /// dir.RecurrentWeightsForGradient must hold the current W_hh.
    /// </summary>
    public static void Backward(KernelPath path, Workspace ws, LayerDirection dir, int T, int B,
        ReadOnlySpan<float> dy, int ldy, int dyOffset, ReadOnlySpan<int> lengths, Span<bool> inactive,
        Span<float> dh, Span<float> dc, Span<float> dGx, Span<float> dGh, Span<float> product, bool recurrentDropout)
    {
        int H = dir.Hidden, GH = dir.GateRows, S = TCell.SavedWidth(H), stateSize = B * H, gateSize = B * GH;
        bool hasCell = dir.Cell.HasCellState();
        ReadOnlySpan<float> h = ws.Span(dir.States, (T + 1) * stateSize);
        ReadOnlySpan<float> c = hasCell ? ws.Span(dir.Cells, (T + 1) * stateSize) : default;
        ReadOnlySpan<float> saved = ws.Span(dir.Saved, T * B * S);
        ReadOnlySpan<float> mask = recurrentDropout ? ws.Span(dir.RecurrentMask, stateSize) : default;
        PackedMatrix whh = dir.RecurrentWeightsForGradient;
        int ldp = whh.PaddedN;
        bool separate = TCell.SeparateRecurrentGradient;
        inactive = inactive.Slice(0, B);

        for (int s = 0; s < T; s++)
        {
            int t = dir.Direction == 0 ? T - 1 - s : s;
            int prev = dir.PreviousSlot(t) * stateSize, next = dir.NextSlot(t) * stateSize;
            bool anyInactive = MarkInactive(lengths, t, inactive);
            Span<float> dGxStep = dGx.Slice(t * gateSize, gateSize);
            Span<float> dGhStep = separate ? dGh.Slice(t * gateSize, gateSize) : default;
            TCell.BackwardStep(path, B, H, anyInactive ? inactive : default, dy.Slice(t * B * ldy + dyOffset), ldy,
                saved.Slice(t * B * S, B * S), h.Slice(prev, stateSize), h.Slice(next, stateSize),
                hasCell ? c.Slice(prev, stateSize) : default, hasCell ? c.Slice(next, stateSize) : default,
                dh, dc, dGxStep, dGhStep, product);

            // dh_{t-1} += dG_t W_hh (⊙ mask), with the packed kernel the forward recurrence uses.
            // Inactive rows have dG = 0, so their carried gradient is unchanged.
            Gemm.Multiply(path, separate ? dGhStep : dGxStep, B, GH, whh, default, product, ldp, accumulate: false);
            for (int b = 0; b < B; b++)
            {
                ReadOnlySpan<float> p = product.Slice(b * ldp, H);
                Span<float> d = dh.Slice(b * H, H);
                if (recurrentDropout) TensorPrimitives.MultiplyAdd(p, mask.Slice(b * H, H), d, d);
                else TensorPrimitives.Add(p, d, d);
            }
        }
    }

    /// <summary>inactive[b] = t is past sequence b's length; returns whether any row is.</summary>
    private static bool MarkInactive(ReadOnlySpan<int> lengths, int t, Span<bool> inactive)
    {
        if (lengths.IsEmpty) return false;
        bool any = false;
        for (int b = 0; b < inactive.Length; b++) any |= inactive[b] = t >= lengths[b];
        return any;
    }
}
