using Rnn.Tests.TestSupport;
using System.Text.Json;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Training.Optimizers;
using Rnn.Training.Parameters;

namespace Rnn.Tests.Training.Optimizers;

/// <summary>torch.optim.Adam (libtorch 2.10 via TorchSharp) reference cases: 3 steps each, every kernel path.</summary>
public class AdamGoldenTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (object[] file in TrainingGolden.JsonCases("adam"))
            foreach (KernelPath path in KernelPaths.Supported())
                yield return [file[0], path];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorchForThreeSteps(string caseFile, KernelPath path)
    {
        using JsonDocument document = TrainingGolden.Load("adam", caseFile);
        JsonElement root = document.RootElement;
        Assert.Equal(0, root.GetProperty("weight_decay").GetDouble());
        Assert.False(root.GetProperty("amsgrad").GetBoolean());
        Assert.False(root.GetProperty("maximize").GetBoolean());
        double learningRate = root.GetProperty("lr").GetDouble();

        var parameters = new ParameterSet();
        foreach (JsonElement p in root.GetProperty("params").EnumerateArray())
            parameters.Add(new Parameter(
                p.GetProperty("name").GetString()!,
                TrainingGolden.Ints(p.GetProperty("shape")),
                TrainingGolden.Floats(p.GetProperty("initial"))));

        JsonElement betas = root.GetProperty("betas");
        var adam = new Adam(parameters, learningRate, betas[0].GetDouble(), betas[1].GetDouble(), root.GetProperty("eps").GetDouble())
        {
            KernelPath = path,
        };

        int stepsChecked = 0;
        foreach (JsonElement step in root.GetProperty("steps").EnumerateArray())
        {
            int number = step.GetProperty("step").GetInt32();
            foreach (Parameter p in parameters)
                TrainingGolden.Floats(step.GetProperty("grads").GetProperty(p.Name)).CopyTo(p.Grad, 0);
            adam.Step();
            Assert.Equal(number, adam.StepCount);
            foreach (Parameter p in parameters)
            {
                float[] expected = TrainingGolden.Floats(step.GetProperty("params_after").GetProperty(p.Name));
                // README: a float64 recomputation agrees to < 1e-7 absolute; float32 rounding of p (~1) adds ~1e-7.
                Tolerance.AssertClose(expected, p.Value, atol: 1e-6, rtol: 1e-6, $"{caseFile} step {number} {p.Name}");
            }
            stepsChecked++;
        }
        Assert.Equal(3, stepsChecked);
    }
}
