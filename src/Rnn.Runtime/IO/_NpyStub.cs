// Placeholder until the IO branch lands.
namespace Rnn.Runtime.IO;
public sealed class NpyArray { public int[] Shape = []; public float[] Data = []; }
public static class Npy { public static NpyArray Read(string path) => throw new NotImplementedException(path); public static void Write(string p, ReadOnlySpan<float> d, ReadOnlySpan<int> s) { } }
