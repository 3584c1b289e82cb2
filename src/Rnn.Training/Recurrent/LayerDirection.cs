using Rnn.Training.Parameters;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Layers;

namespace Rnn.Training.Recurrent;

/// <summary>
/// One direction of one layer of the stack: its four parameters, their packed copy for the forward kernels,
/// and its regions of the trainer's workspace (sized for the largest sequence and batch):
/// Saved (T, B, S) gate activations; States (T+1, B, H) and Cells (T+1, B, H, LSTM only) hold every state the
/// direction passed through; MaskedStates (T, B, H) the recurrent-dropout-masked h_{t-1} of each step (when that
/// dropout is on); RecurrentMask (B, H).
/// State slots: the forward direction enters time t from slot t and leaves into slot t+1 (h0 in slot 0, the final
/// state in slot T); the reverse one enters t from slot t+1 and leaves into slot t (h0 in slot T, final in slot 0).
/// Either way slots [Direction, Direction + T) hold the state ENTERING each time step, in time order, which is
/// the left operand of dW_hh as one (T·B, H) block.
/// </summary>
internal sealed class LayerDirection : IDisposable
{
    private readonly float[] _zeroBias;

    public int Layer { get; }
    public int Direction { get; }
    public CellKind Cell { get; }
    public int InputSize { get; }
    public int Hidden { get; }
    public int GateRows { get; }

    public Parameter WeightIh { get; }
    public Parameter WeightHh { get; }
    public Parameter? BiasIh { get; }
    public Parameter? BiasHh { get; }

    /// <summary>The parameters packed and bias-folded as the runtime's kernels want them; refreshed by <see cref="Repack"/>.</summary>
    public RecurrentLayerWeights Packed { get; }

    /// <summary>
    /// W_hh itself (not transposed) packed as the right operand of dh_{t-1} = dG_t · W_hh: K = G·H, N = H.
    /// Refreshed by <see cref="RepackForBackward"/>.
    /// </summary>
    public PackedMatrix RecurrentWeightsForGradient { get; }

    public Region Saved { get; init; }
    public Region States { get; init; }
    public Region Cells { get; init; }
    public Region MaskedStates { get; init; }
    public Region RecurrentMask { get; init; }

    public LayerDirection(CellKind cell, int layer, int direction, int inputSize, int hidden,
        Parameter weightIh, Parameter weightHh, Parameter? biasIh, Parameter? biasHh)
    {
        Cell = cell;
        Layer = layer;
        Direction = direction;
        InputSize = inputSize;
        Hidden = hidden;
        GateRows = cell.GateCount() * hidden;
        WeightIh = weightIh;
        WeightHh = weightHh;
        BiasIh = biasIh;
        BiasHh = biasHh;
        _zeroBias = new float[GateRows];
        Packed = new RecurrentLayerWeights(cell, inputSize, hidden, weightIh.Value, weightHh.Value,
            biasIh?.Value ?? _zeroBias, biasHh?.Value ?? _zeroBias);
        RecurrentWeightsForGradient = PackedMatrix.FromKxN(weightHh.Value, GateRows, hidden);
    }

    /// <summary>Copies the current parameter values into the packed weights (after an optimizer step); allocates nothing.</summary>
    public void Repack() =>
        Packed.Update(WeightIh.Value, WeightHh.Value, BiasIh?.Value ?? _zeroBias, BiasHh?.Value ?? _zeroBias);

    /// <summary>
    /// Packs the current W_hh (G·H, H) for the backward recurrence: W_hh is already B = (K = G·H) × (N = H) in
    /// row-major order, so it is copied row by row (RepackFromWeight would need Bᵀ and write one float per cache line
    /// when N is the short side). Columns past H stay the zeros they were created with.
    /// </summary>
    public void RepackForBackward() => RecurrentWeightsForGradient.RepackFromKxN(WeightHh.Value);

    public int PreviousSlot(int t) => Direction == 0 ? t : t + 1;
    public int NextSlot(int t) => Direction == 0 ? t + 1 : t;
    public int InitialSlot(int sequenceLength) => Direction == 0 ? 0 : sequenceLength;
    public int FinalSlot(int sequenceLength) => Direction == 0 ? sequenceLength : 0;

    /// <summary>Slot of the state entering time step 0: the (T·B, H) block of entering states starts there.</summary>
    public int FirstEnteringSlot => Direction;

    public void Dispose()
    {
        Packed.Dispose();
        RecurrentWeightsForGradient.Dispose();
    }
}
