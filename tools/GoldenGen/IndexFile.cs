namespace GoldenGen;

/// <summary>index.json: every case with its shapes, seed and tolerance hints, for test suites to enumerate.</summary>
internal static class IndexFile
{
    public static void Write(string path, IReadOnlyList<RecurrentSummary> recurrent, IReadOnlyList<string> clip, IReadOnlyList<string> adam)
        => Json.WriteFile(path, w =>
        {
            w.WriteStartObject();
            w.WriteString("seed_family", Cases.SeedFamily);
            w.WriteString("producer", Torch.Producer);
            w.WriteString("layout", "seq-major: x (seq, batch, input), y (seq, batch, num_directions*hidden), h0/hn/c0/cn (num_layers*num_directions, batch, hidden); batch_first=false");
            w.WriteStartArray("rnn_cases");
            foreach (RecurrentSummary s in recurrent)
            {
                RecurrentCase c = s.Case;
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteString("mode", c.Mode);
                w.WriteNumber("num_layers", c.Layers);
                w.WriteBoolean("bidirectional", c.Bidirectional);
                w.WriteNumber("seq_len", c.SeqLen);
                w.WriteNumber("batch", c.Batch);
                w.WriteNumber("input_size", c.InputSize);
                w.WriteNumber("hidden_size", c.HiddenSize);
                w.WriteNumber("seed", c.Seed);
                w.WriteNumber("forward_max_abs_err", s.ForwardMaxAbsErr);
                w.WriteNumber("grad_max_abs_err", s.GradMaxAbsErr);
                w.WriteNumber("grad_max_rel_err", s.GradMaxRelErr);
                w.WriteNumber("forward_atol", s.ForwardAtol);
                w.WriteNumber("grad_atol", s.GradAtol);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            Json.Strings(w, "clip_grad_norm_cases", clip);
            Json.Strings(w, "adam_cases", adam);
            w.WriteEndObject();
        });
}
