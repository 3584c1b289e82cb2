namespace Rnn.Runtime.Kernels;

/// <summary>
/// A compile-time count for generic micro-kernels: instantiated over these structs, the JIT (and NativeAOT)
/// compiles one specialised body per count and drops the code for rows or panels that are not there, so one
/// source gives register-blocked kernels for every edge size.
/// </summary>
internal interface IKernelCount
{
    static abstract int Value { get; }
}

internal readonly struct Count1 : IKernelCount { public static int Value => 1; }
internal readonly struct Count2 : IKernelCount { public static int Value => 2; }
internal readonly struct Count3 : IKernelCount { public static int Value => 3; }
internal readonly struct Count4 : IKernelCount { public static int Value => 4; }
internal readonly struct Count5 : IKernelCount { public static int Value => 5; }
internal readonly struct Count6 : IKernelCount { public static int Value => 6; }
internal readonly struct Count7 : IKernelCount { public static int Value => 7; }
internal readonly struct Count8 : IKernelCount { public static int Value => 8; }
