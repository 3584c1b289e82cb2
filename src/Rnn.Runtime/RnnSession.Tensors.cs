using System.Numerics.Tensors;

namespace Rnn.Runtime;

// Tensor-shaped arguments beside the span + shape fast path: checked, then the same run (no copy, no allocation).
public sealed partial class RnnSession
{
    /// <summary>
    /// <see cref="Run(ReadOnlySpan{float}, Span{float}, int, int, ReadOnlySpan{int}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, bool)"/>
    /// over dense tensors, T and B taken from the input's shape: input (T, B, I) or (B, T, I) with
    /// <paramref name="batchFirst"/>; output (T, B, D·H) or (B, T, D·H); h0, c0, hn, cn (L·D, B, H) or empty.
    /// Strided views are refused.
    /// </summary>
    public void Run(ReadOnlyTensorSpan<float> input, TensorSpan<float> output, ReadOnlySpan<int> lengths = default,
        ReadOnlyTensorSpan<float> h0 = default, ReadOnlyTensorSpan<float> c0 = default,
        TensorSpan<float> hn = default, TensorSpan<float> cn = default, bool batchFirst = false)
    {
        if (input.Rank != 3)
            throw new ArgumentException($"input has shape {TensorArguments.Format(input.Lengths)}, expected three dimensions, {(batchFirst ? "(batch, sequence, input)" : "(sequence, batch, input)")}.", nameof(input));
        ReadOnlySpan<nint> shape = input.Lengths;
        nint T = batchFirst ? shape[1] : shape[0], B = batchFirst ? shape[0] : shape[1];
        if (T > MaxSequenceLength || B > MaxBatch)
            throw new ArgumentException($"input has shape {TensorArguments.Format(shape)}: sequence {T} and batch {B}, but the session holds at most {MaxSequenceLength} and {MaxBatch}.", nameof(input));
        RnnModel m = _model;
        // Constant strings: the checks run on every call and allocate nothing.
        TensorArguments.CheckShape(shape, nameof(input), batchFirst ? "(batch, sequence, input)" : "(sequence, batch, input)", shape[0], shape[1], m.InputSize);
        TensorArguments.CheckShape(output.Lengths, nameof(output), batchFirst ? "(batch, sequence, directions x hidden)" : "(sequence, batch, directions x hidden)",
            shape[0], shape[1], m.OutputSize);
        int states = m.NumLayers * m.Directions;
        if (!h0.IsEmpty) TensorArguments.CheckShape(h0.Lengths, nameof(h0), "(layers x directions, batch, hidden)", states, B, m.HiddenSize);
        if (!c0.IsEmpty) TensorArguments.CheckShape(c0.Lengths, nameof(c0), "(layers x directions, batch, hidden)", states, B, m.HiddenSize);
        if (!hn.IsEmpty) TensorArguments.CheckShape(hn.Lengths, nameof(hn), "(layers x directions, batch, hidden)", states, B, m.HiddenSize);
        if (!cn.IsEmpty) TensorArguments.CheckShape(cn.Lengths, nameof(cn), "(layers x directions, batch, hidden)", states, B, m.HiddenSize);
        Run(TensorArguments.Contiguous(input, nameof(input)), TensorArguments.Contiguous(output, nameof(output)), (int)T, (int)B, lengths,
            TensorArguments.Contiguous(h0, nameof(h0)), TensorArguments.Contiguous(c0, nameof(c0)),
            TensorArguments.Contiguous(hn, nameof(hn)), TensorArguments.Contiguous(cn, nameof(cn)), batchFirst);
    }
}
