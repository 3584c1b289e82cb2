using Rnn.Workloads.Data;

namespace Rnn.Tests.Workloads.Data;

public class KerasSequencePaddingTests
{
    private static int[] Pad(int[] sequence, int maxLength, PaddingSide padding = PaddingSide.Pre,
        PaddingSide truncating = PaddingSide.Pre, int value = 0)
    {
        var row = new int[maxLength];
        KerasSequencePadding.PadSequence(sequence, row, padding, truncating, value);
        return row;
    }

    [Fact]
    public void Defaults_pad_at_the_front()
    {
        Assert.Equal([0, 0, 1, 5, 6], Pad([1, 5, 6], 5));
    }

    [Fact]
    public void Defaults_truncate_at_the_front_keeping_the_last_elements()
    {
        Assert.Equal([5, 6, 7, 8], Pad([1, 4, 5, 6, 7, 8], 4));
        var row = new int[4];
        Assert.True(KerasSequencePadding.PadSequence([1, 4, 5, 6, 7, 8], row));
        Assert.False(KerasSequencePadding.PadSequence([1, 4, 5, 6], row));
    }

    [Fact]
    public void Post_options_work_at_the_back()
    {
        Assert.Equal([1, 5, 6, 0, 0], Pad([1, 5, 6], 5, padding: PaddingSide.Post));
        Assert.Equal([1, 4, 5, 6], Pad([1, 4, 5, 6, 7, 8], 4, truncating: PaddingSide.Post));
    }

    [Fact]
    public void Empty_sequence_is_all_padding_value()
    {
        Assert.Equal([-1, -1, -1], Pad([], 3, value: -1));
    }

    [Fact]
    public void Pad_sequences_is_row_major()
    {
        int[] rows = KerasSequencePadding.PadSequences([[1, 2], [1, 2, 3, 4, 5], []], 3);
        Assert.Equal([0, 1, 2, 3, 4, 5, 0, 0, 0], rows);
    }
}
