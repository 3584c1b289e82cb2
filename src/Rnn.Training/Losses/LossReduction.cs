namespace Rnn.Training.Losses;

/// <summary>How per-element losses are combined (PyTorch's <c>reduction</c>; 'none' is not offered).</summary>
public enum LossReduction
{
    /// <summary>Weighted mean: Σ w·loss / Σ w over the counted elements (NaN when nothing is counted, as in PyTorch).</summary>
    Mean = 0,

    /// <summary>Σ w·loss.</summary>
    Sum = 1,
}
