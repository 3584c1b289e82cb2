namespace Rnn.Runtime.Kernels;

/// <summary>How a <see cref="PackedMatrix"/> lays out its 16-column panels.</summary>
internal enum PackedLayout
{
    /// <summary>
    /// Each panel is K contiguous rows of 16 floats. Best when one panel is reused from L1 by several row blocks
    /// of A (training's batched products): the panel is one contiguous stream.
    /// </summary>
    Panels,

    /// <summary>
    /// A few panels side by side (<see cref="PackedMatrix.GroupPanels"/>): K contiguous rows of 32, 64 or 128 floats.
    /// Best for batch-1 products (a streaming step, a session at batch 1): one wide row per k instead of several panel
    /// streams; measured ~1.5× faster when the weights sit in L2 (K = 256, N = 512: 2.6 vs 4.0 µs on Zen 5). A group
    /// is as wide as one GEMV pass of the kernel path (<see cref="KernelDispatch.GemvPanels"/>), so every pass reads
    /// whole contiguous rows: with eight-panel groups, Vector128 (four panels a pass) read half of each 512-byte row
    /// per pass and its LSTM step at H = 512 took 157 µs, against 95 µs with four-panel groups.
    /// </summary>
    Groups,
}
