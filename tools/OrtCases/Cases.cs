namespace OrtCases;

/// <summary>
/// One ONNX RNN / LSTM / GRU node configuration: the operator, its attributes, which optional inputs it is given and
/// which outputs it names. Sizes and values come from <see cref="Seed"/>.
/// </summary>
internal sealed record CaseSpec
{
    public required string Name { get; init; }
    public required string Op { get; init; }
    public required string Direction { get; init; }
    public required int Seed { get; init; }
    public int Layout { get; init; }
    public bool Bias { get; init; } = true;
    public bool SequenceLens { get; init; }
    public bool InitialState { get; init; }
    public bool Peepholes { get; init; }
    public float? Clip { get; init; }
    public long? InputForget { get; init; }
    public long? LinearBeforeReset { get; init; }
    /// <summary>One activation list for one direction; repeated for bidirectional nodes as ONNX requires.</summary>
    public string[]? Activations { get; init; }
    public bool OmitY { get; init; }
    public bool OmitYh { get; init; }
    public bool OmitYc { get; init; }

    public bool Lstm => Op == "LSTM";
    public int Directions => Direction == "bidirectional" ? 2 : 1;
    public int Gates => Op switch { "LSTM" => 4, "GRU" => 3, _ => 1 };

    /// <summary>
    /// The cell variants this case needs beyond PyTorch's cells (the runtime may refuse them by name until it runs them):
    /// peepholes, input_forget, clip, linear_before_reset=0.
    /// </summary>
    public string[] Variants()
    {
        var v = new List<string>();
        if (Peepholes) v.Add("peepholes");
        if (InputForget == 1) v.Add("input_forget");
        if (Clip is not null) v.Add("clip");
        if (Op == "GRU" && LinearBeforeReset != 1) v.Add("linear_before_reset=0");
        return [.. v];
    }
}

/// <summary>
/// The committed cases: every operator × direction with the common profiles (defaults; sequence_lens and initial
/// state; no B and Y omitted; layout 1), GRU's profiles for linear_before_reset 1 and 0, and the operator-specific
/// attributes (RNN Relu/Tanh and clip; LSTM peepholes, input_forget, clip and all three; GRU clip) on every direction.
/// </summary>
internal static class Cases
{
    private static readonly string[] Directions = ["forward", "reverse", "bidirectional"];

    public static IReadOnlyList<CaseSpec> All()
    {
        var cases = new List<CaseSpec>();
        int seed = 14000;
        void Add(CaseSpec c) => cases.Add(c with { Seed = seed++ });

        foreach (string op in new[] { "RNN", "LSTM", "GRU" })
        {
            long?[] gruForms = op == "GRU" ? [1, 0] : [null];
            foreach (long? lbr in gruForms)
            {
                string tag = op.ToLowerInvariant() + (lbr is { } l ? $"_lbr{l}" : "");
                foreach (string d in Directions)
                {
                    // GRU's linear_before_reset = 0 profile "defaults" leaves the attribute out (0 is ONNX's default).
                    long? explicitLbr = lbr == 0 ? null : lbr;
                    var common = new CaseSpec { Name = "", Op = op, Direction = d, Seed = 0, LinearBeforeReset = lbr };
                    Add(common with { Name = $"{tag}_{d}_defaults", LinearBeforeReset = explicitLbr });
                    Add(common with { Name = $"{tag}_{d}_lens_state", SequenceLens = true, InitialState = true });
                    Add(common with { Name = $"{tag}_{d}_nobias_noY", Bias = false, InitialState = true, OmitY = true });
                    Add(common with { Name = $"{tag}_{d}_layout1", Layout = 1, SequenceLens = true, InitialState = true });
                }
            }
        }
        foreach (string d in Directions)
        {
            var rnn = new CaseSpec { Name = "", Op = "RNN", Direction = d, Seed = 0, SequenceLens = true, InitialState = true };
            Add(rnn with { Name = $"rnn_{d}_relu", Activations = ["Relu"] });
            Add(rnn with { Name = $"rnn_{d}_tanh_clip", Activations = ["Tanh"], Clip = 0.75f, OmitYh = true });
            Add(rnn with { Name = $"rnn_{d}_relu_layout1", Activations = ["Relu"], Layout = 1 });
        }
        foreach (string d in Directions)
        {
            var lstm = new CaseSpec { Name = "", Op = "LSTM", Direction = d, Seed = 0, SequenceLens = true, InitialState = true };
            Add(lstm with { Name = $"lstm_{d}_peepholes", Peepholes = true });
            Add(lstm with { Name = $"lstm_{d}_input_forget", InputForget = 1, OmitYc = true });
            Add(lstm with { Name = $"lstm_{d}_clip", Clip = 0.75f, Activations = ["Sigmoid", "Tanh", "Tanh"] });
            Add(lstm with { Name = $"lstm_{d}_all_variants", Peepholes = true, InputForget = 1, Clip = 0.5f, OmitYh = true });
            Add(lstm with { Name = $"lstm_{d}_peepholes_layout1", Peepholes = true, Clip = 0.75f, Layout = 1, Bias = false });
        }
        foreach (string d in Directions)
        {
            var gru = new CaseSpec { Name = "", Op = "GRU", Direction = d, Seed = 0, SequenceLens = true, InitialState = true };
            Add(gru with { Name = $"gru_lbr1_{d}_clip", LinearBeforeReset = 1, Clip = 0.75f, Activations = ["Sigmoid", "Tanh"] });
            Add(gru with { Name = $"gru_lbr0_{d}_clip", LinearBeforeReset = 0, Clip = 0.5f, OmitYh = true });
        }
        return cases;
    }
}
