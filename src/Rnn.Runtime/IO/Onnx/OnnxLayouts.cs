namespace Rnn.Runtime.IO.Onnx;

/// <summary>
/// Converts between a session's tensors and an ONNX recurrent node's. Run the session with
/// <c>batchFirst: layout == 1</c>; then X is the node's X as it is, and these give Y, Y_h, Y_c and take
/// initial_h / initial_c in the node's layout (see <see cref="OnnxSource"/>).
/// </summary>
internal static class OnnxLayouts
{
    /// <summary>
    /// output: a session's (seq, batch, D·H), or (batch, seq, D·H) for layout 1 — written to y as ONNX's Y:
    /// (seq, D, batch, H) for layout 0, (batch, seq, D, H) for layout 1 (the same order: a copy).
    /// </summary>
    public static void ToY(ReadOnlySpan<float> output, Span<float> y, int sequenceLength, int batch, int directions, int hidden, int layout)
    {
        int size = sequenceLength * batch * directions * hidden;
        Check(output, y, size, layout);
        if (layout == 1)
        {
            output.Slice(0, size).CopyTo(y);
            return;
        }
        for (int t = 0; t < sequenceLength; t++)
            for (int b = 0; b < batch; b++)
                for (int d = 0; d < directions; d++)
                    output.Slice(((t * batch + b) * directions + d) * hidden, hidden)
                        .CopyTo(y.Slice(((t * directions + d) * batch + b) * hidden, hidden));
    }

    /// <summary>A session's state (states, batch, H) as ONNX's Y_h / Y_c: the same for layout 0, (batch, states, H) for layout 1.</summary>
    public static void ToOnnxState(ReadOnlySpan<float> state, Span<float> onnx, int states, int batch, int hidden, int layout) =>
        SwapLeadingAxes(state, onnx, states, batch, hidden, layout);

    /// <summary>ONNX's initial_h / initial_c, (states, batch, H) or (batch, states, H) for layout 1, as a session's (states, batch, H).</summary>
    public static void FromOnnxState(ReadOnlySpan<float> onnx, Span<float> state, int states, int batch, int hidden, int layout) =>
        SwapLeadingAxes(onnx, state, layout == 1 ? batch : states, layout == 1 ? states : batch, hidden, layout);

    private static void SwapLeadingAxes(ReadOnlySpan<float> source, Span<float> destination, int outer, int inner, int hidden, int layout)
    {
        int size = outer * inner * hidden;
        Check(source, destination, size, layout);
        if (layout == 0)
        {
            source.Slice(0, size).CopyTo(destination);
            return;
        }
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
                source.Slice((o * inner + i) * hidden, hidden).CopyTo(destination.Slice((i * outer + o) * hidden, hidden));
    }

    private static void Check(ReadOnlySpan<float> source, Span<float> destination, int size, int layout)
    {
        if (source.Overlaps(destination)) throw new ArgumentException("The source and destination tensors overlap; give the result its own memory.");
        int sourceLength = source.Length, destinationLength = destination.Length;
        if (layout is not (0 or 1)) throw new ArgumentOutOfRangeException(nameof(layout), layout, "ONNX layouts are 0 and 1.");
        if (sourceLength < size || destinationLength < size)
            throw new ArgumentException($"The tensors hold {sourceLength} and {destinationLength} floats; the shape needs {size} in each.");
    }
}
