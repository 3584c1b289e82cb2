using System.Runtime.CompilerServices;
using Rnn.Runtime.Kernels;

namespace Rnn.Runtime.Cells;

/// <summary>
/// The cell variants ONNX defines beyond PyTorch's modules, for one layer and direction: a clip on every gate's
/// pre-activation, LSTM peepholes and input_forget (f = 1 − i), and the GRU that resets h before the recurrent
/// product (linear_before_reset = 0). <see cref="Plain"/> is PyTorch's cell, which the kernels run unchanged.
/// </summary>
internal sealed class CellVariant
{
    /// <summary>PyTorch's cell: no clip, no peepholes, separate forget gate, reset applied after the product.</summary>
    public static readonly CellVariant Plain = new();

    /// <summary>Gate pre-activations are clamped to [−Clip, Clip]; +∞ when the cell does not clip.</summary>
    public float Clip { get; init; } = float.PositiveInfinity;

    /// <summary>Whether <see cref="Clip"/> is finite.</summary>
    public bool Clips => float.IsFinite(Clip);

    /// <summary>LSTM: the forget gate is 1 − i (ONNX input_forget = 1).</summary>
    public bool InputForget { get; init; }

    /// <summary>LSTM peepholes (3H, blocks i, f, o): i and f add p·c of the previous step, o adds p·c of this step. Empty for none.</summary>
    public float[] Peepholes { get; init; } = [];

    /// <summary>GRU with ONNX linear_before_reset = 0: n = tanh(W_in x + b_in + (r ⊙ h) R_nᵀ + b_hn).</summary>
    public bool ResetBeforeProduct { get; init; }

    /// <summary>True for PyTorch's cell: the kernels take their plain instantiation.</summary>
    public bool IsPlain => !Clips && !InputForget && Peepholes.Length == 0 && !ResetBeforeProduct;

    /// <summary>x clamped to [lo, hi]; NaN stays NaN (x is the second operand of each native min/max, which yields it on
    /// x64 and propagates it on ARM64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Clamp<TOps, TVector>(TVector x, TVector lo, TVector hi)
        where TOps : struct, IFloatVectorOps<TVector>
        where TVector : struct =>
        TOps.MinNative(hi, TOps.MaxNative(lo, x));
}

/// <summary>
/// Picks a cell kernel's instantiation at compile time: <see cref="PlainCell"/> folds every variant branch away, so
/// PyTorch's cells run the same instructions as before the variants existed; <see cref="VariantCell"/> reads them.
/// </summary>
internal interface ICellVariantSwitch
{
    static abstract bool On { get; }
}

/// <summary>PyTorch's cell: variant branches compile away.</summary>
internal readonly struct PlainCell : ICellVariantSwitch
{
    public static bool On => false;
}

/// <summary>A cell with ONNX variants: the kernel reads the variant's flags.</summary>
internal readonly struct VariantCell : ICellVariantSwitch
{
    public static bool On => true;
}
