using TorchSharp;
using static TorchSharp.torch;

namespace GoldenGen;

/// <summary>Small TorchSharp helpers shared by the case generators.</summary>
internal static class Torch
{
    public const string Producer = "PyTorch (libtorch 2.10.0, CPU) via TorchSharp 0.107.0 (TorchSharp-cpu NuGet), 1 intra-op thread";

    public static void UseOneThread()
    {
        torch.set_num_threads(1);
        try { torch.set_num_interop_threads(1); }
        catch (Exception) { /* allowed only before inter-op work starts; one thread is what we want anyway */ }
    }

    public static float[] Floats(Tensor t) => t.detach().contiguous().to(ScalarType.Float32).data<float>().ToArray();

    public static double[] Doubles(Tensor t) => t.detach().contiguous().to(ScalarType.Float64).data<double>().ToArray();

    /// <summary>A tensor's gradient as floats; throws when autograd left none.</summary>
    public static float[] Grad(Tensor t, string name) => Floats(t.grad ?? throw new InvalidOperationException($"no gradient for {name}"));

    /// <summary>Gives a leaf tensor exactly the gradient <paramref name="g"/>: d/dp sum(p * g) = g, bit for bit.</summary>
    public static void SetGrad(Tensor parameter, Tensor g)
    {
        using Tensor product = parameter * g;
        using Tensor sum = product.sum();
        sum.backward();
    }
}
