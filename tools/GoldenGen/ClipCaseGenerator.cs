using TorchSharp;
using static TorchSharp.torch;

namespace GoldenGen;

/// <summary>One torch.nn.utils.clip_grad_norm_ case: gradients, the returned norm and the clipped gradients.</summary>
internal static class ClipCaseGenerator
{
    public static string Generate(ClipCase c, string folder)
    {
        torch.manual_seed(c.Seed);
        var parameters = new List<TorchSharp.Modules.Parameter>();
        var before = new List<float[]>();
        foreach (long[] shape in c.Shapes)
        {
            var p = new TorchSharp.Modules.Parameter(torch.randn(shape));
            using Tensor g = torch.randn(shape) * c.Scale;
            Torch.SetGrad(p, g);
            parameters.Add(p);
            before.Add(Torch.Grad(p, "p"));
        }
        double total = nn.utils.clip_grad_norm_(parameters, c.MaxNorm, c.NormType);

        string relative = $"clip_grad_norm/{c.Name}.json";
        Json.WriteFile(Path.Combine(folder, relative), w =>
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteString("function", "torch.nn.utils.clip_grad_norm_(parameters, max_norm, norm_type) (libtorch C++ implementation)");
            w.WriteString("note", c.Note);
            w.WriteString("formula", "total_norm = norm over all grads concatenated (p=norm_type); clip_coef = max_norm / (total_norm + 1e-6); if clip_coef < 1: g *= clip_coef (computed in float32)");
            w.WriteNumber("max_norm", c.MaxNorm);
            if (double.IsPositiveInfinity(c.NormType)) w.WriteString("norm_type", "inf");
            else w.WriteNumber("norm_type", c.NormType);
            w.WriteNumber("total_norm", total);
            w.WriteNumber("seed", c.Seed);
            w.WriteStartArray("params");
            for (int i = 0; i < parameters.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("name", $"p{i}");
                Json.Numbers(w, "shape", c.Shapes[i]);
                Json.Numbers(w, "grad_before", before[i]);
                Json.Numbers(w, "grad_after", Torch.Grad(parameters[i], $"p{i}"));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
        foreach (var p in parameters) p.Dispose();
        return relative;
    }
}
