using Rnn.Training.Random;
namespace Rnn.Training.Recurrent;

/// <summary>Which dropout a mask belongs to; part of the mask's key so the kinds never share bits.</summary>
internal enum DropoutKind : ulong
{
    /// <summary>PyTorch's <c>dropout</c> between stacked layers: a fresh mask per time step.</summary>
    InterLayer = 1,
    /// <summary>Keras' <c>dropout</c> on the stack input: one mask per sequence.</summary>
    Input = 2,
    /// <summary>Keras' <c>recurrent_dropout</c> on h_{t-1} before the recurrent product: one mask per sequence.</summary>
    Recurrent = 3,
}

/// <summary>
/// Inverted-dropout masks from a counter-based hash of (seed, layer, direction, kind, example, time, unit):
/// no generator state, so a mask depends only on which example it belongs to, never on how a batch was
/// split across threads or in which order rows were processed.
/// </summary>
internal static class DropoutMasks
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private const ulong Golden2 = unchecked(2 * Golden), Golden3 = unchecked(3 * Golden);

    /// <summary>
    /// mask is (units): mask[u] = 1/(1 - rate) if unit u is kept, else 0. Each unit is kept with probability
    /// 1 - rate (quantised to 2⁻²⁴). time is the step for per-step masks, 0 for per-sequence ones.
    /// </summary>
    public static void Fill(Span<float> mask, float rate, ulong seed, int layer, int direction, DropoutKind kind, long example, int time)
    {
        ulong threshold = (ulong)(rate * (1 << 24));
        float scale = 1f / (1f - rate);
        ulong key = Key(seed, layer, direction, kind, example, time);
        for (int u = 0; u < mask.Length; u++)
        {
            ulong bits = DeterministicRandom.Mix(key + (ulong)(u + 1) * Golden);
            mask[u] = (bits >> 40) >= threshold ? scale : 0f;
        }
    }

    private static ulong Key(ulong seed, int layer, int direction, DropoutKind kind, long example, int time)
    {
        ulong where = ((ulong)kind << 56) ^ ((ulong)(uint)layer << 40) ^ ((ulong)(uint)direction << 32) ^ (uint)time;
        return DeterministicRandom.Mix(DeterministicRandom.Mix(seed + Golden) ^ DeterministicRandom.Mix(where + Golden2) ^ DeterministicRandom.Mix((ulong)example + Golden3));
    }
}
