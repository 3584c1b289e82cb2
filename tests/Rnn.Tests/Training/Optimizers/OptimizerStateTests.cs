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
        OptimizerTestData.FillGradients(parameters, 2, 1f);
        adam.Step(); // a state that is not all zeros, so a partial import would show
        List<float[]> Snapshot()
        {
            var state = new List<float[]>();
            foreach (var (_, data) in adam.ExportState()) state.Add(data);
            return state;
        }
        List<float[]> before = Snapshot();
        Assert.Contains(before[0], v => v != 0);
        float[] Sevens(int n) { var a = new float[n]; Array.Fill(a, 7f); return a; }
        void Refused<TException>(IEnumerable<(string, float[])> state, long step, string? mustMention) where TException : ArgumentException
        {
            TException e = Assert.Throws<TException>(() => adam.ImportState(state, step));
            if (mustMention is not null) Assert.Contains(mustMention, e.Message);
            Assert.Equal(before, Snapshot());
            Assert.Equal(1, adam.StepCount);
        }

        // Each refused state holds a valid tensor of other values beside the bad one, in both orders.
        Refused<ArgumentException>([("p0.exp_avg", Sevens(3)), ("p0.exp_avg_sq", Sevens(4))], 5, "'p0.exp_avg_sq' has 4 elements, expected 3");
        Refused<ArgumentException>([("p0.exp_avg", Sevens(4)), ("p0.exp_avg_sq", Sevens(3))], 5, "'p0.exp_avg' has 4 elements, expected 3");
        Refused<ArgumentException>([("p0.exp_avg", Sevens(3))], 5, "p0.exp_avg_sq");
        Refused<ArgumentException>([("p0.exp_avg", Sevens(3)), ("p0.exp_avg_sq", Sevens(3)), ("p0.momentum_buffer", Sevens(3))], 5, "Unknown");
        Refused<ArgumentOutOfRangeException>([("p0.exp_avg", Sevens(3)), ("p0.exp_avg_sq", Sevens(3))], -1, null);
    }
}
