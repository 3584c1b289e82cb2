using System.Numerics.Tensors;

namespace Rnn.Runtime;

/// <summary>
/// The bridge from <see cref="ReadOnlyTensorSpan{T}"/>/<see cref="TensorSpan{T}"/> arguments to the span + shape fast
/// path: a dense tensor's memory as one span (no copy, no allocation), its shape checked against the one expected.
/// </summary>
internal static class TensorArguments
{
    /// <summary>The memory of a dense tensor; strided or broadcast views are refused (the kernels read rows contiguously).</summary>
    public static ReadOnlySpan<float> Contiguous(in ReadOnlyTensorSpan<float> tensor, string name)
    {
        if (tensor.IsEmpty) return default;
        Span<nint> start = stackalloc nint[tensor.Rank];
        start.Clear();
        if (tensor.FlattenedLength > int.MaxValue || !tensor.TryGetSpan(start, (int)tensor.FlattenedLength, out ReadOnlySpan<float> span))
            throw new ArgumentException($"{name} with shape {Format(tensor.Lengths)} and strides {Format(tensor.Strides)} is not dense: pass a contiguous tensor (copy a strided view first).", name);
        return span;
    }

    /// <inheritdoc cref="Contiguous(in ReadOnlyTensorSpan{float}, string)"/>
    public static Span<float> Contiguous(in TensorSpan<float> tensor, string name)
    {
        if (tensor.IsEmpty) return default;
        Span<nint> start = stackalloc nint[tensor.Rank];
        start.Clear();
        if (tensor.FlattenedLength > int.MaxValue || !tensor.TryGetSpan(start, (int)tensor.FlattenedLength, out Span<float> span))
            throw new ArgumentException($"{name} with shape {Format(tensor.Lengths)} and strides {Format(tensor.Strides)} is not dense: pass a contiguous tensor (copy a strided view first).", name);
        return span;
    }

    /// <summary>Throws unless <paramref name="lengths"/> is exactly (a, b, c) (<paramref name="c"/> &lt; 0: (a, b)).</summary>
    public static void CheckShape(ReadOnlySpan<nint> lengths, string name, string expected, nint a, nint b, nint c = -1)
    {
        bool ok = c < 0 ? lengths is [var x, var y] && x == a && y == b
                        : lengths is [var p, var q, var r] && p == a && q == b && r == c;
        if (!ok)
            throw new ArgumentException($"{name} has shape {Format(lengths)}, expected {expected} = {(c < 0 ? $"({a}, {b})" : $"({a}, {b}, {c})")}.", name);
    }

    public static string Format(ReadOnlySpan<nint> values)
    {
        var text = new System.Text.StringBuilder("(");
        for (int i = 0; i < values.Length; i++) text.Append(i == 0 ? "" : ", ").Append(values[i]);
        return text.Append(values.Length == 1 ? ",)" : ")").ToString();
    }
}
