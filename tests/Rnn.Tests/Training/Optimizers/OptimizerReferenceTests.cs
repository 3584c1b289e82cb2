using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Training.Optimizers;
using Rnn.Training.Parameters;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Training.Optimizers;

/// <summary>Every optimizer setting against its float64 PyTorch-formula reference for 3 steps.</summary>
public class OptimizerReferenceTests
{
    private static readonly int[][] Shapes = [[7, 5], [37], [3, 2, 11]];

    [Theory]
    [MemberData(nameof(OptimizerCase.Names), MemberType = typeof(OptimizerCase))]
    public void MatchesFloat64ReferenceForThreeSteps(string caseName)
    {
        OptimizerCase c = OptimizerCase.Get(caseName);
        ParameterSet parameters = OptimizerTestData.CreateParameters(1234, Shapes);
        Optimizer optimizer = c.Create(parameters);

        var reference = new double[parameters.Count][];
        var state = new OptimizerCase.ReferenceState[parameters.Count];
        for (int k = 0; k < parameters.Count; k++)
        {
            reference[k] = Array.ConvertAll(parameters[k].Value, v => (double)v);
            state[k] = new OptimizerCase.ReferenceState(parameters[k].Length);
        }

        for (int t = 1; t <= 3; t++)
        {
            OptimizerTestData.FillGradients(parameters, 100 + t, OptimizerTestData.StepScales[t - 1]);
            var before = Array.ConvertAll(parameters[1].Value, v => v);
            optimizer.Step();
            for (int k = 0; k < parameters.Count; k++)
            {
                c.ReferenceStep(reference[k], parameters[k].Grad, state[k], t);
                Tolerance.AssertClose(reference[k], parameters[k].Value, atol: 1e-6, rtol: 1e-5, $"{c.Name} step {t} p{k}");
            }
            // The step must actually move the parameters, or the comparison proves nothing.
            Assert.True(Tolerance.MaxAbsDifference(before, parameters[1].Value) > 1e-4, $"{c.Name}: step {t} did not move p1.");
        }
        Assert.Equal(3, optimizer.StepCount);
    }

    [Theory]
    [MemberData(nameof(OptimizerCase.Names), MemberType = typeof(OptimizerCase))]
    public void EveryKernelPathGivesTheSameBits(string caseName)
    {
        OptimizerCase c = OptimizerCase.Get(caseName);
        float[][]? expected = null;
        foreach (KernelPath path in KernelPaths.Supported())
        {
            ParameterSet parameters = OptimizerTestData.CreateParameters(99, [1031], [16], [3]);
            Optimizer optimizer = c.Create(parameters);
            optimizer.KernelPath = path;
            for (int t = 1; t <= 3; t++)
            {
                OptimizerTestData.FillGradients(parameters, 7 * t, OptimizerTestData.StepScales[t - 1]);
                optimizer.Step();
            }
            float[][] values = [.. parameters.Select(p => p.Value)];
            if (expected is null)
            {
                expected = values;
                continue;
            }
            for (int k = 0; k < values.Length; k++)
                for (int i = 0; i < values[k].Length; i++)
                    Assert.True(BitConverter.SingleToInt32Bits(expected[k][i]) == BitConverter.SingleToInt32Bits(values[k][i]),
                        $"{c.Name}: path {path} gives {values[k][i]:R} for p{k}[{i}], scalar path {expected[k][i]:R}.");
        }
    }

    [Fact]
    public void SgdMomentumBufferStartsAsTheFirstGradientWithoutDampening()
    {
        ParameterSet parameters = OptimizerTestData.CreateParameters(5, [9]);
        var sgd = new Sgd(parameters, learningRate: 0.1, momentum: 0.9, dampening: 0.5);
        OptimizerTestData.FillGradients(parameters, 6, 1f);
        float[] firstGrad = (float[])parameters[0].Grad.Clone();
        sgd.Step();
        (string name, float[] buffer) = Assert.Single(sgd.ExportState());
        Assert.Equal("p0.momentum_buffer", name);
        Assert.Equal(firstGrad, buffer);

        // Second step: buf = 0.9 * buf + (1 - 0.5) * g.
        OptimizerTestData.FillGradients(parameters, 7, 1f);
        sgd.Step();
        float[] second = Assert.Single(sgd.ExportState()).Data;
        var expected = new double[9];
        for (int i = 0; i < 9; i++) expected[i] = 0.9 * firstGrad[i] + 0.5 * parameters[0].Grad[i];
        Tolerance.AssertClose(expected, second, 1e-6, 1e-6, "momentum buffer after step 2");
    }

    [Fact]
    public void AdamWDecaysWeightsEvenWithZeroGradient()
    {
        ParameterSet parameters = OptimizerTestData.CreateParameters(8, [4]);
        float[] before = (float[])parameters[0].Value.Clone();
        var adamW = new AdamW(parameters, learningRate: 0.1, weightDecay: 0.5);
        adamW.Step(); // zero gradient: m = v = 0, so only the decoupled decay acts
        for (int i = 0; i < 4; i++) Assert.Equal(before[i] * (float)(1 - 0.1 * 0.5), parameters[0].Value[i]);

        ParameterSet plain = OptimizerTestData.CreateParameters(8, [4]);
        new Adam(plain, learningRate: 0.1, weightDecay: 0.5).Step(); // L2: the decay term goes through Adam's normalisation
        Assert.NotEqual(parameters[0].Value, plain[0].Value);
    }

    [Fact]
    public void LearningRateChangesApplyToTheNextStep()
    {
        ParameterSet a = OptimizerTestData.CreateParameters(3, [5]);
        ParameterSet b = OptimizerTestData.CreateParameters(3, [5]);
        var sgdA = new Sgd(a, learningRate: 0.5);
        var sgdB = new Sgd(b, learningRate: 0.1);
        OptimizerTestData.FillGradients(a, 4, 1f);
        OptimizerTestData.FillGradients(b, 4, 1f);
        sgdA.LearningRate = 0.1;
        sgdA.Step();
        sgdB.Step();
        Assert.Equal(b[0].Value, a[0].Value);
    }

    [Fact]
    public void ZeroGradClearsEveryGradient()
    {
        ParameterSet parameters = OptimizerTestData.CreateParameters(3, [5], [6]);
        OptimizerTestData.FillGradients(parameters, 4, 1f);
        var adam = new Adam(parameters);
        adam.ZeroGrad();
        foreach (Parameter p in parameters) Assert.All(p.Grad, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void InvalidSettingsAreRejected()
    {
        ParameterSet parameters = OptimizerTestData.CreateParameters(3, [5]);
        Assert.Throws<ArgumentException>(() => new Sgd(new ParameterSet()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(parameters, learningRate: -1));
        Assert.Throws<ArgumentException>(() => new Sgd(parameters, momentum: 0, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Sgd(parameters, momentum: 0.9, dampening: 0.1, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(parameters, beta1: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(parameters, beta2: -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(parameters, epsilon: -1e-8));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(parameters, alpha: -0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(parameters).LearningRate = double.NaN);
        var duplicate = new List<Parameter> { new("w", [2]), new("w", [3]) };
        ArgumentException e = Assert.Throws<ArgumentException>(() => new Adam(duplicate));
        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void PyTorchDefaults()
    {
        ParameterSet parameters = OptimizerTestData.CreateParameters(3, [5]);
        var sgd = new Sgd(parameters);
        Assert.Equal((1e-3, 0.0, 0.0, 0.0, false), (sgd.LearningRate, sgd.Momentum, sgd.Dampening, sgd.WeightDecay, sgd.Nesterov));
        var adam = new Adam(parameters);
        Assert.Equal((1e-3, 0.9, 0.999, 1e-8, 0.0, false), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay, adam.Amsgrad));
        var adamW = new AdamW(parameters);
        Assert.Equal((1e-3, 0.9, 0.999, 1e-8, 1e-2, true), (adamW.LearningRate, adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay, adamW.DecoupledWeightDecay));
        var rms = new RmsProp(parameters);
        Assert.Equal((1e-2, 0.99, 1e-8, 0.0, 0.0, false), (rms.LearningRate, rms.Alpha, rms.Epsilon, rms.WeightDecay, rms.Momentum, rms.Centered));
    }
}
