using Rnn.Training.Parameters;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Layers;

namespace Rnn.Training.Recurrent;

/// <summary>
/// The cell-specific half of one time step over a batch, forward and backward. <see cref="RecurrencePass{TCell}"/>
/// runs the time loop, the state bookkeeping and the recurrent product of the gradient; an implementing struct
/// supplies the step itself (the JIT specialises the loop per struct: no virtual calls).
/// Rows marked in <c>inactive</c> (past their sequence's length) must be left alone by both steps, except that
/// BackwardStep writes zeros into their gradient rows.
/// </summary>
internal interface ICellPass
{
    /// <summary>Floats saved per row and step for the backward pass (gate activations).</summary>
    static abstract int SavedWidth(int hidden);

    /// <summary>True when the recurrent side needs its own pre-activation gradient (GRU's n block differs).</summary>
    static abstract bool SeparateRecurrentGradient { get; }

    /// <summary>
    /// gx is (B, P) at row stride P = padded G·H: W_ih x + biases, as the runtime's cells expect them; may be overwritten.
    /// productInput is (B, H): the state the recurrent product reads (h_{t-1}, or h_{t-1} ⊙ dropout mask).
    /// gh is (B, P) scratch. h and c are (B, H), holding h_{t-1} and c_{t-1} on entry and the new state on return.
    /// saved is (B, SavedWidth).
    /// </summary>
    static abstract void ForwardStep(KernelPath path, RecurrentLayerWeights w, int batch, ReadOnlySpan<float> productInput,
        Span<float> gx, Span<float> gh, Span<float> h, Span<float> c, Span<float> saved, ReadOnlySpan<bool> inactive);

    /// <summary>
    /// dy is the output gradient of this step, row b at b·ldy. saved, hPrev, hNew, cPrev, cNew are what the forward step
    /// saw and saved. dh and dc (B, H) carry the gradient w.r.t. the new state in and, for active rows, leave with the
    /// part of the gradient w.r.t. the previous state that does NOT go through W_hh (the caller adds dGh · W_hh).
    /// dGx is (B, G·H): gradient of the input-side pre-activations (W_ih x + b_ih). dGh is the same for the recurrent
    /// side (W_hh h + b_hh) when <see cref="SeparateRecurrentGradient"/>; otherwise it is empty and equals dGx.
    /// scratch holds at least B·H floats, free for the step to use. path is the kernel path (supported here).
    /// </summary>
    static abstract void BackwardStep(KernelPath path, int batch, int hidden, ReadOnlySpan<bool> inactive, ReadOnlySpan<float> dy, int ldy,
        ReadOnlySpan<float> saved, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> hNew, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> cNew,
        Span<float> dh, Span<float> dc, Span<float> dGx, Span<float> dGh, Span<float> scratch);
}
