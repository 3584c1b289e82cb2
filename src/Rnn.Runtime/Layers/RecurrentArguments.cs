using Rnn.Runtime.IO;

namespace Rnn.Runtime.Layers;

/// <summary>
/// Argument checks shared by everything that runs a recurrent stack over whole sequences (<see cref="RnnSession"/>,
/// the trainer's forward and backward passes): one message per mistake, naming the argument and both sizes. They take
/// the parts of the message, not the message, so a call that passes builds no string.
/// </summary>
internal static class RecurrentArguments
{
    /// <summary>T and B within what the <paramref name="owner"/> ("session", "trainer") was sized for; the names are the
    /// caller's own parameters'.</summary>
    public static void CheckExtent(int T, int B, int maxSequenceLength, int maxBatch, string owner, string lengthName, string batchName)
    {
        if (T <= 0 || T > maxSequenceLength)
            throw new ArgumentOutOfRangeException(lengthName, T, $"Sequence length must be 1..{maxSequenceLength} (this {owner}'s maximum).");
        if (B <= 0 || B > maxBatch)
            throw new ArgumentOutOfRangeException(batchName, B, $"Batch must be 1..{maxBatch} (this {owner}'s maximum).");
    }

    /// <summary>A (T, B, width) tensor of <paramref name="actual"/> floats.</summary>
    public static void CheckSequence(int actual, int T, int B, int width, string name, string widthName)
    {
        long expected = (long)T * B * width;
        if (actual != expected)
            throw new ArgumentException($"{name} has {actual} floats, expected seq {T} x batch {B} x {widthName} {width} = {expected}.", name);
    }

    /// <summary>Per-sequence lengths, if given: one per sequence, each 1..T.</summary>
    public static void CheckLengths(ReadOnlySpan<int> lengths, int T, int B)
    {
        if (lengths.IsEmpty) return;
        if (lengths.Length != B)
            throw new ArgumentException($"lengths has {lengths.Length} entries, expected one per sequence ({B}).", nameof(lengths));
        for (int b = 0; b < B; b++)
            if (lengths[b] < 1 || lengths[b] > T)
                throw new ArgumentException($"lengths[{b}] = {lengths[b]} is outside 1..{T} (the sequence length).", nameof(lengths));
    }

    /// <summary>A state (h0, hn, or their gradients) of (L·D, B, H) floats, or empty.</summary>
    public static void CheckState(int length, RnnArchitecture a, int batch, string name)
    {
        long expected = (long)a.NumLayers * a.Directions * batch * a.HiddenSize;
        if (length != 0 && length != expected)
            throw new ArgumentException(
                $"{name} has {length} floats, expected layers*directions {a.NumLayers * a.Directions} x batch {batch} x hidden {a.HiddenSize} = {expected}.", name);
    }

    /// <summary>A cell state (c0, cn, or their gradients): as <see cref="CheckState"/>, and only for a cell that has one.</summary>
    public static void CheckCellState(int length, RnnArchitecture a, int batch, string name)
    {
        if (length != 0 && !a.Cell.HasCellState())
            throw new ArgumentException($"{name} given, but a {a.Cell.ToName()} cell has no cell state.", name);
        CheckState(length, a, batch, name);
    }
}
