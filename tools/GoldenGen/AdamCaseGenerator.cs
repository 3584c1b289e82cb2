using TorchSharp;
using static TorchSharp.torch;

namespace GoldenGen;

/// <summary>One torch.optim.Adam case: three steps from zero state with drawn gradients, the values after each.</summary>
internal static class AdamCaseGenerator
{
    private const int Steps = 3;

    public static string Generate(AdamCase c, string folder)
    {
        torch.manual_seed(c.Seed);
        long[][] shapes = Cases.AdamShapes;
        var parameters = new List<TorchSharp.Modules.Parameter>();
        foreach (long[] shape in shapes) parameters.Add(new TorchSharp.Modules.Parameter(torch.randn(shape)));
        var initial = parameters.Select(p => Torch.Floats(p)).ToList();
        using var adam = optim.Adam(parameters, lr: c.Lr, beta1: c.Beta1, beta2: c.Beta2, eps: c.Eps, weight_decay: 0, amsgrad: false, maximize: false);
        var grads = new List<List<float[]>>();
        var after = new List<List<float[]>>();
        for (int step = 1; step <= Steps; step++)
        {
            adam.zero_grad();
            var stepGrads = new List<float[]>();
            for (int i = 0; i < parameters.Count; i++)
            {
                using Tensor g = torch.randn(shapes[i]) * c.GradScale;
                Torch.SetGrad(parameters[i], g);
                stepGrads.Add(Torch.Grad(parameters[i], $"p{i}"));
            }
            adam.step();
            grads.Add(stepGrads);
            after.Add(parameters.Select(p => Torch.Floats(p)).ToList());
        }

        string relative = $"adam/{c.Name}.json";
        Json.WriteFile(Path.Combine(folder, relative), w =>
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteString("function", "torch.optim.Adam (TorchSharp's port of PyTorch's single-tensor Adam, libtorch tensor ops, float32 state)");
            w.WriteString("note", c.Note);
            w.WriteString("formula", "t += 1; m = beta1*m + (1-beta1)*g; v = beta2*v + (1-beta2)*g*g; bc1 = 1-beta1^t; bc2 = 1-beta2^t; p -= (lr/bc1) * m / (sqrt(v)/sqrt(bc2) + eps); m, v start at 0");
            w.WriteNumber("lr", c.Lr);
            w.WriteStartArray("betas");
            w.WriteNumberValue(c.Beta1);
            w.WriteNumberValue(c.Beta2);
            w.WriteEndArray();
            w.WriteNumber("eps", c.Eps);
            w.WriteNumber("weight_decay", 0);
            w.WriteBoolean("amsgrad", false);
            w.WriteBoolean("maximize", false);
            w.WriteNumber("seed", c.Seed);
            w.WriteStartArray("params");
            for (int i = 0; i < parameters.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("name", $"p{i}");
                Json.Numbers(w, "shape", shapes[i]);
                Json.Numbers(w, "initial", initial[i]);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("steps");
            for (int s = 0; s < Steps; s++)
            {
                w.WriteStartObject();
                w.WriteNumber("step", s + 1);
                w.WriteStartObject("grads");
                for (int i = 0; i < parameters.Count; i++) Json.Numbers(w, $"p{i}", grads[s][i]);
                w.WriteEndObject();
                w.WriteStartObject("params_after");
                for (int i = 0; i < parameters.Count; i++) Json.Numbers(w, $"p{i}", after[s][i]);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
        foreach (var p in parameters) p.Dispose();
        return relative;
    }
}
