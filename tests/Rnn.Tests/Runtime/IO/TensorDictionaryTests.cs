using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Tests.Runtime.IO;

public sealed class TensorDictionaryTests
{
    [Fact]
    public void Names_keep_insertion_order_and_the_indexer_returns_the_added_array()
    {
        var tensors = new TensorDictionary();
        float[] weight = [1f, 2f, 3f, 4f, 5f, 6f];
        tensors.Add("weight_ih_l0", [3, 2], weight);
        tensors.Add("bias_ih_l0", [3], [7f, 8f, 9f]);
        tensors.Add("a_scalar", [], [10f]);

        Assert.Equal(["weight_ih_l0", "bias_ih_l0", "a_scalar"], tensors.Names);
        Assert.Same(weight, tensors["weight_ih_l0"]);
        Assert.Equal(3, tensors.Count);
        Assert.True(tensors.TryGetShape("a_scalar", out int[] scalarShape));
        Assert.Empty(scalarShape);
    }

    [Fact]
    public void Read_copies_into_the_destination_and_checks_its_length()
    {
        var tensors = new TensorDictionary { SourceName = "my checkpoint" };
        tensors.Add("w", [2, 2], [1f, 2f, 3f, 4f]);

        var destination = new float[4];
        tensors.Read("w", destination);
        Assert.Equal([1f, 2f, 3f, 4f], destination);

        var e = Assert.Throws<ArgumentException>(() => tensors.Read("w", new float[3]));
        Assert.Contains("'w'", e.Message);
        Assert.Contains("my checkpoint", e.Message);
        Assert.Contains("[2, 2] (4 elements)", e.Message);
        Assert.Contains("holds 3", e.Message);
    }

    [Fact]
    public void A_missing_tensor_is_reported_with_the_source_name()
    {
        var tensors = new TensorDictionary { SourceName = "my checkpoint" };
        Assert.False(tensors.TryGetShape("w", out _));
        var e = Assert.Throws<RnnFormatException>(() => tensors.Read("w", new float[1]));
        Assert.Contains("my checkpoint", e.Message);
        Assert.Equal("w", e.TensorName);
        Assert.Throws<RnnFormatException>(() => tensors["w"]);
    }

    [Fact]
    public void Add_rejects_duplicates_and_data_that_disagrees_with_the_shape()
    {
        var tensors = new TensorDictionary();
        tensors.Add("w", [2], [1f, 2f]);
        Assert.Throws<ArgumentException>(() => tensors.Add("w", [2], [1f, 2f]));
        var e = Assert.Throws<ArgumentException>(() => tensors.Add("v", [2, 3], new float[5]));
        Assert.Contains("[2, 3] (6 elements) but 5 values", e.Message);
        Assert.Throws<ArgumentException>(() => tensors.Add("n", [-1], []));
        Assert.Equal(["w"], tensors.Names);
    }

    [Fact]
    public void The_shape_is_copied_on_Add_and_on_the_way_out()
    {
        var tensors = new TensorDictionary();
        int[] shape = [2, 3];
        tensors.Add("w", shape, new float[6]);
        shape[0] = 99;
        tensors.GetShape("w")[1] = 99;

        Assert.Equal([2, 3], tensors.GetShape("w"));
    }
}
