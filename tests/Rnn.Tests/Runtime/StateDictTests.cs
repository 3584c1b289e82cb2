using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Tests.Runtime;

public class StateDictTests
{
    private static TensorDictionary Copy(TensorDictionary source, string prefix = "", string? skip = null,
        Func<string, float[], float[]>? edit = null)
    {
        var copy = new TensorDictionary { SourceName = "model.safetensors" };
        foreach (string name in source.Names)
        {
            if (name == skip) continue;
            source.TryGetShape(name, out int[] shape);
            long n = 1;
            foreach (int s in shape) n *= s;
            var data = new float[n];
            source.Read(name, data);
            copy.Add(prefix + name, shape, edit is null ? data : edit(name, data));
        }
        return copy;
    }

    [Theory]
    [InlineData(CellKind.Lstm, 2, true)]
    [InlineData(CellKind.Gru, 3, false)]
    [InlineData(CellKind.RnnTanh, 1, true)]
    public void InfersTheArchitectureFromNamesAndShapes(CellKind cell, int layers, bool bidirectional)
    {
        var dict = Copy(RnnModel.RandomStateDict(cell, 7, 5, layers, bidirectional), prefix: "encoder.rnn.");
        using RnnModel model = RnnModel.FromTensors(dict);
        Assert.Equal(cell, model.Cell);
        Assert.Equal(layers, model.NumLayers);
        Assert.Equal(bidirectional, model.Bidirectional);
        Assert.Equal(7, model.InputSize);
        Assert.Equal(5, model.HiddenSize);
        Assert.Equal("encoder.rnn.", model.Architecture.Prefix);
    }

    [Fact]
    public void ExportGivesBackTheSameTensors()
    {
        var dict = RnnModel.RandomStateDict(CellKind.Gru, 7, 5, 2, true, seed: 9);
        using RnnModel model = RnnModel.FromTensors(dict);
        TensorDictionary back = model.ToStateDict();
        Assert.Equal(dict.Names.ToArray(), back.Names.ToArray());
        foreach (string name in dict.Names)
        {
            dict.TryGetShape(name, out int[] shape);
            back.TryGetShape(name, out int[] shape2);
            Assert.Equal(shape, shape2);
            var a = new float[shape.Aggregate(1, (p, s) => p * s)];
            var b = new float[a.Length];
            dict.Read(name, a);
            back.Read(name, b);
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void ACellKindTheWeightsCannotBeIsAnError()
    {
        var dict = RnnModel.RandomStateDict(CellKind.Lstm, 3, 4);
        var e = Assert.Throws<RnnFormatException>(() => RnnModel.FromTensors(dict, CellKind.Gru));
        Assert.Contains("cannot be a gru", e.Message);
        Assert.Contains("weight_hh_l0", e.Message);
    }

    [Fact]
    public void MissingWeightIsNamed()
    {
        var dict = Copy(RnnModel.RandomStateDict(CellKind.Lstm, 3, 4, 2), skip: "bias_hh_l1");
        var e = Assert.Throws<RnnFormatException>(() => RnnModel.FromTensors(dict));
        Assert.Contains("missing tensor 'bias_hh_l1'", e.Message);
        Assert.Contains("model.safetensors", e.Message);
    }

    [Fact]
    public void ExtraWeightIsNamed()
    {
        var dict = Copy(RnnModel.RandomStateDict(CellKind.Gru, 3, 4), prefix: "rnn.");
        dict.Add("rnn.weight_ih_l0_extra", [12, 3], new float[36]);
        var e = Assert.Throws<RnnFormatException>(() => RnnModel.FromTensors(dict));
        Assert.Contains("unexpected tensor 'rnn.weight_ih_l0_extra'", e.Message);
    }

    [Fact]
    public void WrongShapeIsNamedWithExpectedAndActual()
    {
        var source = RnnModel.RandomStateDict(CellKind.Gru, 3, 4, 2);
        var dict = new TensorDictionary { SourceName = "bad.safetensors" };
        foreach (string name in source.Names)
        {
            source.TryGetShape(name, out int[] shape);
            var data = new float[shape.Aggregate(1, (p, s) => p * s)];
            source.Read(name, data);
            if (name == "weight_ih_l1") dict.Add(name, [12, 5], new float[60]);
            else dict.Add(name, shape, data);
        }
        var e = Assert.Throws<RnnFormatException>(() => RnnModel.FromTensors(dict));
        Assert.Contains("'weight_ih_l1' has shape (12, 5), expected (12, 4)", e.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void NonFiniteWeightsAreRejected(float bad)
    {
        var dict = Copy(RnnModel.RandomStateDict(CellKind.RnnRelu, 3, 4), edit: (name, data) =>
        {
            if (name == "weight_hh_l0") data[5] = bad;
            return data;
        });
        var e = Assert.Throws<RnnFormatException>(() => RnnModel.FromTensors(dict, CellKind.RnnRelu));
        Assert.Contains("'weight_hh_l0'", e.Message);
        Assert.Contains("index 5", e.Message);
    }

    [Fact]
    public void NotAnRnnStateDictIsAnError()
    {
        var dict = new TensorDictionary { SourceName = "linear.safetensors" };
        dict.Add("fc.weight", [2, 3], new float[6]);
        var e = Assert.Throws<RnnFormatException>(() => RnnModel.FromTensors(dict));
        Assert.Contains("linear.safetensors", e.Message);
        Assert.Contains("weight_ih_l0", e.Message);
    }
}
