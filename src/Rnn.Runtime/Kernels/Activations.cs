namespace Rnn.Runtime.Kernels;

// Temporary scalar versions; the vectorised set replaces this file.
internal static class Activations
{
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
    public static float Tanh(float x) => MathF.Tanh(x);
}
