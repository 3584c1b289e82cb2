namespace Rnn.Workloads.Data;

/// <summary>
/// Keras <c>pad_sequences</c>. Its defaults are padding 'pre' and truncating 'pre': a short sequence is
/// left-padded with the value, a long one keeps its LAST maxlen elements. An empty sequence becomes a row of the value.
/// </summary>
public static class KerasSequencePadding
{
    /// <summary>Writes <paramref name="sequence"/> padded/truncated to <c>row.Length</c> into <paramref name="row"/>.</summary>
    /// <returns>True when the sequence was truncated.</returns>
    public static bool PadSequence(ReadOnlySpan<int> sequence, Span<int> row, PaddingSide padding = PaddingSide.Pre,
        PaddingSide truncating = PaddingSide.Pre, int value = 0)
    {
        int maxLength = row.Length;
        bool truncated = sequence.Length > maxLength;
        ReadOnlySpan<int> kept = !truncated ? sequence
            : truncating == PaddingSide.Pre ? sequence[^maxLength..] : sequence[..maxLength];
        int padCount = maxLength - kept.Length;
        if (padding == PaddingSide.Pre)
        {
            row[..padCount].Fill(value);
            kept.CopyTo(row[padCount..]);
        }
        else
        {
            kept.CopyTo(row);
            row[kept.Length..].Fill(value);
        }
        return truncated;
    }

    /// <summary>Pads every sequence to <paramref name="maxLength"/>; returns one (count, maxLength) row-major array.</summary>
    public static int[] PadSequences(IReadOnlyList<int[]> sequences, int maxLength, PaddingSide padding = PaddingSide.Pre,
        PaddingSide truncating = PaddingSide.Pre, int value = 0)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (maxLength <= 0) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "maxlen must be positive");
        var rows = new int[checked(sequences.Count * maxLength)];
        for (int i = 0; i < sequences.Count; i++)
            PadSequence(sequences[i], rows.AsSpan(i * maxLength, maxLength), padding, truncating, value);
        return rows;
    }
}
