using Rnn.Training.Parameters;

namespace Rnn.Tests.Training.Parameters;

public class ParameterSetTests
{
    [Fact]
    public void ParameterHasShapeSizedValueAndGradient()
    {
        var p = new Parameter("weight_ih_l0", [8, 3]);
        Assert.Equal(24, p.Length);
        Assert.Equal(24, p.Value.Length);
        Assert.Equal(24, p.Grad.Length);
        Assert.Equal([8, 3], p.Shape);
        p.Grad[5] = 2;
        p.ZeroGrad();
        Assert.All(p.Grad, g => Assert.Equal(0f, g));
        Assert.Equal("weight_ih_l0 (8, 3)", p.ToString());

        float[] value = new float[6];
        Assert.Same(value, new Parameter("b", [2, 3], value).Value);
        var e = Assert.Throws<ArgumentException>(() => new Parameter("b", [2, 3], new float[5]));
        Assert.Contains("'b'", e.Message);
        Assert.Contains("6 elements", e.Message);
        Assert.Throws<ArgumentException>(() => new Parameter("b", [2, -1]));
        Assert.Throws<ArgumentException>(() => new Parameter(" ", [2]));
    }

    [Fact]
    public void SetKeepsOrderLooksUpByNameAndCountsElements()
    {
        var set = new ParameterSet { new Parameter("a", [2, 2]), new Parameter("b", [3]), new Parameter("c", []) };
        Assert.Equal(3, set.Count);
        Assert.Equal(4 + 3 + 1, set.TotalElementCount);
        Assert.Equal(["a", "b", "c"], set.Select(p => p.Name));
        Assert.Same(set[1], set["b"]);
        Assert.True(set.TryGet("a", out Parameter? a) && a.Length == 4);
        Assert.False(set.Contains("z"));
        var missing = Assert.Throws<KeyNotFoundException>(() => set["z"]);
        Assert.Contains("a, b, c", missing.Message);
        Assert.Throws<ArgumentException>(() => set.Add(new Parameter("a", [1])));

        foreach (Parameter p in set) p.Grad.AsSpan().Fill(1);
        set.ZeroGrad();
        foreach (Parameter p in set) Assert.All(p.Grad, g => Assert.Equal(0f, g));
    }
}
