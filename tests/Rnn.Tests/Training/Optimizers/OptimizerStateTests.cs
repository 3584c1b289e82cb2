using Rnn.Training.Optimizers;
using Rnn.Training.Parameters;

namespace Rnn.Tests.Training.Optimizers;

public class OptimizerStateTests
{
    [Theory]
    [MemberData(nameof(OptimizerCase.Names), MemberType = typeof(OptimizerCase))]
    public void ExportedStateResumesBitForBit(string caseName)
    {
        OptimizerCase c = OptimizerCase.Get(caseName);
        ParameterSet original = OptimizerTestData.CreateParameters(21, [13], [4, 4]);
        Optimizer first = c.Create(original);
        for (int t = 1; t <= 2; t++)
        {
            OptimizerTestData.FillGradients(original, t, 1f);
            first.Step();
        }
        var saved = first.ExportState().ToList();
        Assert.Equal(first.StateNames, saved.Select(s => s.Name));

        // A fresh optimizer over copies of the parameters, given the saved state, continues identically.
        var copy = new ParameterSet(original.Select(p => new Parameter(p.Name, p.Shape, (float[])p.Value.Clone())));
        Optimizer resumed = c.Create(copy);
        resumed.ImportState(saved, first.StepCount);
        Assert.Equal(2, resumed.StepCount);
        for (int t = 3; t <= 4; t++)
        {
            OptimizerTestData.FillGradients(original, t, 0.3f);
            OptimizerTestData.FillGradients(copy, t, 0.3f);
            first.Step();
            resumed.Step();
        }
        for (int k = 0; k < original.Count; k++) Assert.Equal(original[k].Value, copy[k].Value);
    }

    [Fact]
    public void StateNamesFollowPyTorch()
    {
        ParameterSet parameters = OptimizerTestData.CreateParameters(1, [3]);
        Assert.Equal(["p0.exp_avg", "p0.exp_avg_sq", "p0.max_exp_avg_sq"], new Adam(parameters, amsgrad: true).StateNames);
        Assert.Equal(["p0.square_avg", "p0.momentum_buffer", "p0.grad_avg"], new RmsProp(parameters, momentum: 0.5, centered: true).StateNames);
        Assert.Empty(new Sgd(parameters).StateNames);
    }

    [Fact]
    public void ExportedStateIsACopy()
    {
        ParameterSet parameters = OptimizerTestData.CreateParameters(1, [3]);
        var adam = new Adam(parameters);
        OptimizerTestData.FillGradients(parameters, 2, 1f);
        adam.Step();
        float[] exported = adam.ExportState().First().Data;
        exported[0] = 1234f;
        Assert.NotEqual(1234f, adam.ExportState().First().Data[0]);
    }

    [Fact]
    public void BadStateIsRejectedWithoutChangingAnything()
    {
        ParameterSet parameters = OptimizerTestData.CreateParameters(1, [3]);
        var adam = new Adam(parameters);
        var good = adam.ExportState().ToList();

        var wrongLength = new List<(string, float[])> { ("p0.exp_avg", new float[4]), ("p0.exp_avg_sq", new float[3]) };
        ArgumentException e = Assert.Throws<ArgumentException>(() => adam.ImportState(wrongLength, 5));
        Assert.Contains("'p0.exp_avg' has 4 elements, expected 3", e.Message);

        e = Assert.Throws<ArgumentException>(() => adam.ImportState([good[0]], 5));
        Assert.Contains("missing", e.Message);
        Assert.Contains("p0.exp_avg_sq", e.Message);

        e = Assert.Throws<ArgumentException>(() => adam.ImportState([.. good, ("p0.momentum_buffer", new float[3])], 5));
        Assert.Contains("Unknown", e.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => adam.ImportState(good, -1));
        Assert.Equal(0, adam.StepCount);
    }
}
