namespace GoldenGen;

/// <summary>One recurrent case: a PyTorch module's settings, the sizes of its run and the seed of everything drawn.</summary>
internal sealed record RecurrentCase(string Name, string Mode, int Layers, bool Bidirectional, int SeqLen, int Batch,
    int InputSize, int HiddenSize, long Seed)
{
    public bool IsLstm => Mode == "LSTM";
    public int Directions => Bidirectional ? 2 : 1;
}

/// <summary>A clip_grad_norm_ case: per parameter, its value <c>randn(shape)</c> then its gradient <c>randn(shape) * Scale</c>, from <see cref="Seed"/>.</summary>
internal sealed record ClipCase(string Name, string Note, double MaxNorm, double NormType, float Scale, long Seed, long[][] Shapes);

/// <summary>An Adam case: initial values <c>randn</c>, then per step gradients <c>randn * GradScale</c>, from <see cref="Seed"/>.</summary>
internal sealed record AdamCase(string Name, string Note, double Lr, double Beta1, double Beta2, double Eps, float GradScale, long Seed);

/// <summary>Seed family A, as tests/golden/README.md lists it (the held-back family B uses other seeds and shapes).</summary>
internal static class Cases
{
    public const string SeedFamily = "A";

    public static readonly RecurrentCase[] Recurrent =
    [
        new("rnn_tanh_l1_uni", "RNN_TANH", 1, false, 5, 2, 3, 4, 10000),
        new("rnn_tanh_l1_bi", "RNN_TANH", 1, true, 1, 1, 8, 16, 10101),
        new("rnn_tanh_l2_uni", "RNN_TANH", 2, false, 7, 3, 10, 12, 10202),
        new("rnn_tanh_l2_bi", "RNN_TANH", 2, true, 4, 2, 5, 7, 10303),
        new("rnn_relu_l1_uni", "RNN_RELU", 1, false, 6, 4, 16, 32, 10404),
        new("rnn_relu_l1_bi", "RNN_RELU", 1, true, 3, 1, 4, 9, 10505),
        new("rnn_relu_l2_uni", "RNN_RELU", 2, false, 9, 2, 7, 8, 10606),
        new("rnn_relu_l2_bi", "RNN_RELU", 2, true, 2, 3, 12, 5, 10707),
        new("lstm_l1_uni", "LSTM", 1, false, 8, 2, 6, 10, 10808),
        new("lstm_l1_bi", "LSTM", 1, true, 5, 3, 16, 17, 10909),
        new("lstm_l2_uni", "LSTM", 2, false, 3, 4, 9, 32, 11010),
        new("lstm_l2_bi", "LSTM", 2, true, 6, 1, 3, 4, 11111),
        new("gru_l1_uni", "GRU", 1, false, 9, 1, 11, 24, 11212),
        new("gru_l1_bi", "GRU", 1, true, 2, 4, 8, 6, 11313),
        new("gru_l2_uni", "GRU", 2, false, 5, 2, 13, 16, 11414),
        new("gru_l2_bi", "GRU", 2, true, 7, 3, 4, 11, 11515),
        new("lstm_l1_uni_large", "LSTM", 1, false, 20, 2, 64, 128, 11616),
        new("gru_l1_uni_large", "GRU", 1, false, 20, 2, 64, 128, 11717),
    ];

    public static readonly ClipCase[] Clip =
    [
        new("clip_l2_clipped", "total norm above max_norm: every grad is scaled by max_norm/(total_norm+1e-6)", 1, 2, 1f, 31000, [[4, 3], [4], [2, 5]]),
        new("clip_l2_unclipped", "total norm below max_norm: grads unchanged (coefficient clamped to 1)", 100, 2, 1f, 31001, [[4, 3], [4], [2, 5]]),
        new("clip_l2_charrnn", "several tensors, max_norm 5 as in char-rnn training", 5, 2, 3f, 31002, [[16, 8], [16, 4], [16], [16], [5, 4]]),
        new("clip_l2_zero", "all-zero grads: total norm 0, grads unchanged", 1, 2, 0f, 31003, [[3, 2], [3]]),
        new("clip_inf_clipped", "norm_type=inf: total norm = max |g|", 0.5, double.PositiveInfinity, 2f, 31004, [[4, 3], [6]]),
    ];

    public static readonly AdamCase[] Adam =
    [
        new("adam_default", "torch defaults", 1e-3, 0.9, 0.999, 1e-8, 1f, 41000),
        new("adam_charrnn", "lr 2e-3 as in char-rnn training", 2e-3, 0.9, 0.999, 1e-8, 0.3f, 41001),
        new("adam_betas_eps", "non-default betas and eps", 1e-2, 0.8, 0.99, 1e-6, 1f, 41002),
        new("adam_tiny_grads", "grads ~1e-7 so eps matters in the denominator", 1e-3, 0.9, 0.999, 1e-8, 1e-7f, 41003),
    ];

    /// <summary>The parameter shapes of every Adam case.</summary>
    public static readonly long[][] AdamShapes = [[3, 4], [5]];
}
