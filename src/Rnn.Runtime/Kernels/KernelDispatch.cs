using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Runtime.Kernels;

/// <summary>A kernel written once over the width structs; <see cref="KernelDispatch.Run"/> picks the width.</summary>
/// <typeparam name="TArgs">The kernel's operands (often a ref struct of spans or pointers).</typeparam>
internal interface IWidthKernel<TArgs>
    where TArgs : allows ref struct
{
    static abstract void Run<TOps, TVector>(ref TArgs args)
        where TOps : struct, IFloatVectorOps<TVector>
        where TVector : struct;
}

/// <summary>An element-wise kernel over a range: it does elements [from, …) in whole vectors of its width and returns
/// the first one it left, which <see cref="KernelDispatch.RunRange"/> hands to the next narrower width.</summary>
internal interface IRangeKernel<TArgs>
    where TArgs : allows ref struct
{
    static abstract int Run<TOps, TVector>(ref TArgs args, int from)
        where TOps : struct, IFloatVectorOps<TVector>
        where TVector : struct;
}

/// <summary>
/// The one place a <see cref="KernelPath"/> becomes a width struct: Vector512 → Vector256 → Vector128 → scalar.
/// Callers check the path is supported at their public entry (<see cref="KernelPaths.EnsureSupported"/>).
/// </summary>
internal static class KernelDispatch
{
    /// <summary>Panels one GEMV pass of <paramref name="path"/> keeps in registers (<see cref="IFloatVectorOps{TVector}.GemvPanels"/>),
    /// at least 2: the width of the <see cref="PackedLayout.Groups"/> that path reads.</summary>
    public static int GemvPanels(KernelPath path) => path switch
    {
        KernelPath.Vector512 => Vector512Ops.GemvPanels,
        KernelPath.Vector256 => Vector256Ops.GemvPanels,
        KernelPath.Vector128 => Vector128Ops.GemvPanels,
        _ => 2,
    };

    /// <summary>Runs <typeparamref name="TKernel"/> at the width of <paramref name="path"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TKernel, TArgs>(KernelPath path, ref TArgs args)
        where TKernel : IWidthKernel<TArgs>, allows ref struct
        where TArgs : allows ref struct
    {
        switch (path)
        {
            case KernelPath.Vector512: TKernel.Run<Vector512Ops, Vector512<float>>(ref args); break;
            case KernelPath.Vector256: TKernel.Run<Vector256Ops, Vector256<float>>(ref args); break;
            case KernelPath.Vector128: TKernel.Run<Vector128Ops, Vector128<float>>(ref args); break;
            default: TKernel.Run<ScalarOps, float>(ref args); break;
        }
    }

    /// <summary>Runs <typeparamref name="TKernel"/> over a range: the width of <paramref name="path"/> first, each
    /// narrower width on what is left, one element at a time last. So every element a vector path reaches gets a
    /// vector form, whichever vector path runs (on one machine the vector forms agree bit for bit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RunRange<TKernel, TArgs>(KernelPath path, ref TArgs args)
        where TKernel : IRangeKernel<TArgs>, allows ref struct
        where TArgs : allows ref struct
    {
        int from = 0;
        switch (path)
        {
            case KernelPath.Vector512:
                from = TKernel.Run<Vector512Ops, Vector512<float>>(ref args, from);
                goto case KernelPath.Vector256;
            case KernelPath.Vector256:
                from = TKernel.Run<Vector256Ops, Vector256<float>>(ref args, from);
                goto case KernelPath.Vector128;
            case KernelPath.Vector128:
                from = TKernel.Run<Vector128Ops, Vector128<float>>(ref args, from);
                goto default;
            default:
                TKernel.Run<ScalarOps, float>(ref args, from);
                break;
        }
    }
}
