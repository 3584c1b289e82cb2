using Rnn.Tests.TestSupport;
using System.Text.Json;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Training.Clipping;
using Rnn.Training.Parameters;

namespace Rnn.Tests.Training.Clipping;

/// <summary>libtorch clip_grad_norm_ reference cases, every kernel path.</summary>
public class ClipGradNormGoldenTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (object[] file in TrainingGolden.JsonCases("clip_grad_norm"))
            foreach (KernelPath path in KernelPaths.Supported())
                yield return [file[0], path];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string caseFile, KernelPath path)
    {
        using JsonDocument document = TrainingGolden.Load("clip_grad_norm", caseFile);
        JsonElement root = document.RootElement;
        float maxNorm = (float)root.GetProperty("max_norm").GetDouble();
        JsonElement normTypeElement = root.GetProperty("norm_type");
        float normType = normTypeElement.ValueKind == JsonValueKind.String && normTypeElement.GetString() == "inf"
            ? float.PositiveInfinity
            : (float)normTypeElement.GetDouble();
        double expectedNorm = root.GetProperty("total_norm").GetDouble();

        var parameters = new ParameterSet();
        var expectedAfter = new Dictionary<string, float[]>();
        foreach (JsonElement p in root.GetProperty("params").EnumerateArray())
        {
            string name = p.GetProperty("name").GetString()!;
            var parameter = new Parameter(name, TrainingGolden.Ints(p.GetProperty("shape")));
            TrainingGolden.Floats(p.GetProperty("grad_before")).CopyTo(parameter.Grad, 0);
            parameters.Add(parameter);
            expectedAfter[name] = TrainingGolden.Floats(p.GetProperty("grad_after"));
        }

        float totalNorm = GradientClipping.ClipGradNorm(parameters, maxNorm, normType, errorIfNonfinite: false, path);

        // Our norm is summed in double; libtorch's in float32 can be an ulp off, which moves every grad by ~1 ulp.
        Tolerance.AssertClose(expectedNorm, totalNorm, atol: 1e-7, rtol: 3e-7, $"{caseFile} total norm");
        foreach (Parameter p in parameters)
            Tolerance.AssertClose(expectedAfter[p.Name], p.Grad, atol: 1e-7, rtol: 1e-6, $"{caseFile} {p.Name}");
    }
}
