using TorchSharp;
using static TorchSharp.torch;

namespace GoldenGen;

/// <summary>What index.json lists for a recurrent case besides its settings.</summary>
internal sealed record RecurrentSummary(RecurrentCase Case, double ForwardMaxAbsErr, double GradMaxAbsErr, double GradMaxRelErr,
    double ForwardAtol, double GradAtol);

/// <summary>
/// One recurrent case: seeds, builds the module (PyTorch's default initialisation), draws x, h0, [c0], then the loss
/// weights r_y, r_hn, [r_cn]; runs forward and backward in float32; repeats both in float64 from the same values to
/// measure the float32 error; writes the tensors, the manifest and returns what index.json lists.
/// </summary>
internal static class RecurrentCaseGenerator
{
    private const double ForwardAtolFloor = 1e-6, GradAtolFloor = 1e-5, ForwardRtol = 1e-5, GradRtol = 1e-4;

    /// <summary>The tensors of one run (float32 or float64), in the order the manifest lists them.</summary>
    private sealed class Run
    {
        public readonly List<(string Name, double[] Values)> Forward = [];
        public readonly List<(string Name, double[] Values)> Grads = [];
        public double Loss;
    }

    public static RecurrentSummary Generate(RecurrentCase c, string folder)
    {
        string dir = Path.Combine(folder, c.Name);
        Directory.CreateDirectory(dir);
        int states = c.Layers * c.Directions;
        long[] xShape = [c.SeqLen, c.Batch, c.InputSize], stateShape = [states, c.Batch, c.HiddenSize];
        long[] yShape = [c.SeqLen, c.Batch, c.Directions * c.HiddenSize];

        torch.manual_seed(c.Seed);
        using nn.Module module32 = CreateModule(c, ScalarType.Float32);
        using Tensor x = torch.randn(xShape), h0 = torch.randn(stateShape);
        using Tensor? c0 = c.IsLstm ? torch.randn(stateShape) : null;
        using Tensor rY = torch.randn(yShape), rHn = torch.randn(stateShape);
        using Tensor? rCn = c.IsLstm ? torch.randn(stateShape) : null;

        var parameters32 = module32.named_parameters().ToList();
        Run run32 = RunOnce(c, module32, parameters32, x, h0, c0, rY, rHn, rCn, ScalarType.Float32, dir);

        using nn.Module module64 = CreateModule(c, ScalarType.Float64);
        var parameters64 = module64.named_parameters().ToList();
        using (torch.no_grad())
            for (int i = 0; i < parameters32.Count; i++) parameters64[i].parameter.copy_(parameters32[i].parameter.to(ScalarType.Float64));
        Run run64 = RunOnce(c, module64, parameters64, x, h0, c0, rY, rHn, rCn, ScalarType.Float64, null);

        var tensors = new List<(string Name, float[] Data, long[] Shape)>();
        foreach (var (name, p) in parameters32) tensors.Add((name, Torch.Floats(p), p.shape));
        SafeTensorsFile.Write(Path.Combine(dir, "weights.safetensors"), tensors, Torch.Producer);
        NpyFile.Write(Path.Combine(dir, "x.npy"), Torch.Floats(x), xShape);
        NpyFile.Write(Path.Combine(dir, "h0.npy"), Torch.Floats(h0), stateShape);
        if (c0 is not null) NpyFile.Write(Path.Combine(dir, "c0.npy"), Torch.Floats(c0), stateShape);
        NpyFile.Write(Path.Combine(dir, "r_y.npy"), Torch.Floats(rY), yShape);
        NpyFile.Write(Path.Combine(dir, "r_hn.npy"), Torch.Floats(rHn), stateShape);
        if (rCn is not null) NpyFile.Write(Path.Combine(dir, "r_cn.npy"), Torch.Floats(rCn), stateShape);

        var errors = new List<(string Name, double Err, double Ref)>();
        double fwdAbs = 0, fwdRel = 0, gradAbs = 0, gradRel = 0;
        for (int i = 0; i < run32.Forward.Count; i++)
        {
            var (err, reference) = Compare(run32.Forward[i].Values, run64.Forward[i].Values);
            errors.Add((run32.Forward[i].Name, err, reference));
            fwdAbs = Math.Max(fwdAbs, err);
            fwdRel = Math.Max(fwdRel, err / reference);
        }
        for (int i = 0; i < run32.Grads.Count; i++)
        {
            var (err, reference) = Compare(run32.Grads[i].Values, run64.Grads[i].Values);
            errors.Add((run32.Grads[i].Name, err, reference));
            gradAbs = Math.Max(gradAbs, err);
            gradRel = Math.Max(gradRel, err / reference);
        }
        double forwardAtol = Atol(fwdAbs, ForwardAtolFloor), gradAtol = Atol(gradAbs, GradAtolFloor);

        Json.WriteFile(Path.Combine(dir, "manifest.json"), w =>
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteString("seed_family", Cases.SeedFamily);
            w.WriteNumber("seed", c.Seed);
            w.WriteString("mode", c.Mode);
            w.WriteString("module", c.Mode.StartsWith("RNN", StringComparison.Ordinal) ? "torch.nn.RNN" : "torch.nn." + c.Mode);
            if (c.Mode == "RNN_TANH") w.WriteString("nonlinearity", "tanh");
            else if (c.Mode == "RNN_RELU") w.WriteString("nonlinearity", "relu");
            else w.WriteNull("nonlinearity");
            w.WriteNumber("input_size", c.InputSize);
            w.WriteNumber("hidden_size", c.HiddenSize);
            w.WriteNumber("num_layers", c.Layers);
            w.WriteBoolean("bidirectional", c.Bidirectional);
            w.WriteNumber("num_directions", c.Directions);
            w.WriteBoolean("bias", true);
            w.WriteBoolean("batch_first", false);
            w.WriteNumber("dropout", 0);
            w.WriteNumber("seq_len", c.SeqLen);
            w.WriteNumber("batch", c.Batch);
            w.WriteString("dtype", "float32");
            w.WriteString("layout", "seq-major (batch_first=false): x (seq, batch, input_size); y (seq, batch, num_directions*hidden_size) with forward direction in [..., :hidden] and reverse in [..., hidden:]; h0/hn/c0/cn (num_layers*num_directions, batch, hidden_size), index = layer*num_directions + direction");
            w.WriteString("gate_order", c.Mode switch
            {
                "LSTM" => "i,f,g,o (rows [0:H]=input, [H:2H]=forget, [2H:3H]=cell candidate g, [3H:4H]=output)",
                "GRU" => "r,z,n (rows [0:H]=reset, [H:2H]=update, [2H:3H]=new); n = tanh(W_in x + b_in + r*(W_hn h + b_hn)); h' = (1-z)*n + z*h",
                _ => "single gate: h' = act(W_ih x + b_ih + W_hh h + b_hh)",
            });
            w.WriteString("loss", c.IsLstm ? "loss = sum(y * r_y) + sum(hn * r_hn) + sum(cn * r_cn)" : "loss = sum(y * r_y) + sum(hn * r_hn)");
            w.WriteNumber("loss_value_f32", run32.Loss);
            w.WriteNumber("loss_value_f64", run64.Loss);
            w.WriteStartObject("files");
            w.WriteString("weights", "weights.safetensors");
            w.WriteString("grads", "grads.safetensors (d loss / d parameter, same names as weights)");
            Json.Strings(w, "inputs", c.IsLstm ? ["x.npy", "h0.npy", "c0.npy"] : ["x.npy", "h0.npy"]);
            Json.Strings(w, "outputs", c.IsLstm ? ["y.npy", "hn.npy", "cn.npy"] : ["y.npy", "hn.npy"]);
            Json.Strings(w, "loss_weights", c.IsLstm ? ["r_y.npy", "r_hn.npy", "r_cn.npy"] : ["r_y.npy", "r_hn.npy"]);
            Json.Strings(w, "input_grads", c.IsLstm ? ["d_x.npy", "d_h0.npy", "d_c0.npy"] : ["d_x.npy", "d_h0.npy"]);
            w.WriteEndObject();
            w.WriteStartObject("parameter_shapes");
            foreach (var (name, p) in parameters32) Json.Numbers(w, name, p.shape);
            w.WriteEndObject();
            w.WriteStartObject("f32_vs_f64");
            w.WriteString("how", "same weights and inputs run again in float64 by the same library; error = max |f32 - f64| over the tensor; ref = max |f64| over the tensor");
            foreach (var (name, err, reference) in errors)
            {
                w.WriteStartObject(name);
                w.WriteNumber("max_abs_err", err);
                w.WriteNumber("max_abs_ref", reference);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteStartObject("tolerance_hint");
            w.WriteNumber("forward_max_abs_err_observed", fwdAbs);
            w.WriteNumber("forward_max_rel_err_observed", fwdRel);
            w.WriteNumber("grad_max_abs_err_observed", gradAbs);
            w.WriteNumber("grad_max_rel_err_observed", gradRel);
            w.WriteNumber("forward_atol", forwardAtol);
            w.WriteNumber("forward_rtol", ForwardRtol);
            w.WriteNumber("grad_atol", gradAtol);
            w.WriteNumber("grad_rtol", GradRtol);
            w.WriteString("rule", "|actual - expected| <= atol + rtol*|expected| elementwise; atol = max(floor, 10 x observed float32-vs-float64 error rounded up to one digit), floors 1e-6 (forward) and 1e-5 (grads)");
            w.WriteEndObject();
            w.WriteString("producer", Torch.Producer);
            w.WriteEndObject();
        });
        return new RecurrentSummary(c, fwdAbs, gradAbs, gradRel, forwardAtol, gradAtol);
    }

    private static nn.Module CreateModule(RecurrentCase c, ScalarType dtype) => c.Mode switch
    {
        "RNN_TANH" => nn.RNN(c.InputSize, c.HiddenSize, c.Layers, nn.NonLinearities.Tanh, bidirectional: c.Bidirectional, dtype: dtype),
        "RNN_RELU" => nn.RNN(c.InputSize, c.HiddenSize, c.Layers, nn.NonLinearities.ReLU, bidirectional: c.Bidirectional, dtype: dtype),
        "LSTM" => nn.LSTM(c.InputSize, c.HiddenSize, c.Layers, bidirectional: c.Bidirectional, dtype: dtype),
        "GRU" => nn.GRU(c.InputSize, c.HiddenSize, c.Layers, bidirectional: c.Bidirectional, dtype: dtype),
        _ => throw new ArgumentException($"unknown mode {c.Mode}"),
    };

    /// <summary>Forward, loss, backward in <paramref name="dtype"/>; writes the float32 run's outputs and gradients when <paramref name="dir"/> is set.</summary>
    private static Run RunOnce(RecurrentCase c, nn.Module module, List<(string name, TorchSharp.Modules.Parameter parameter)> parameters,
        Tensor x, Tensor h0, Tensor? c0, Tensor rY, Tensor rHn, Tensor? rCn, ScalarType dtype, string? dir)
    {
        using Tensor xs = x.to(dtype).detach().requires_grad_(true);
        using Tensor h0s = h0.to(dtype).detach().requires_grad_(true);
        using Tensor? c0s = c0?.to(dtype).detach().requires_grad_(true);
        Tensor y, hn;
        Tensor? cn = null;
        switch (module)
        {
            case TorchSharp.Modules.LSTM lstm: (y, hn, cn) = lstm.forward(xs, (h0s, c0s!)); break;
            case TorchSharp.Modules.GRU gru: (y, hn) = gru.forward(xs, h0s); break;
            case TorchSharp.Modules.RNN rnn: (y, hn) = rnn.forward(xs, h0s); break;
            default: throw new ArgumentException("not a recurrent module");
        }
        Tensor loss = (y * rY.to(dtype)).sum() + (hn * rHn.to(dtype)).sum();
        if (cn is not null) loss += (cn * rCn!.to(dtype)).sum();
        loss.backward();

        var run = new Run { Loss = loss.to(ScalarType.Float64).item<double>() };
        run.Forward.Add(("y", Torch.Doubles(y)));
        run.Forward.Add(("hn", Torch.Doubles(hn)));
        if (cn is not null) run.Forward.Add(("cn", Torch.Doubles(cn)));
        run.Grads.Add(("d_x", Torch.Doubles(xs.grad!)));
        run.Grads.Add(("d_h0", Torch.Doubles(h0s.grad!)));
        if (c0s is not null) run.Grads.Add(("d_c0", Torch.Doubles(c0s.grad!)));
        foreach (var (name, p) in parameters) run.Grads.Add((name, Torch.Doubles(p.grad!)));

        if (dir is not null)
        {
            NpyFile.Write(Path.Combine(dir, "y.npy"), Torch.Floats(y), y.shape);
            NpyFile.Write(Path.Combine(dir, "hn.npy"), Torch.Floats(hn), hn.shape);
            if (cn is not null) NpyFile.Write(Path.Combine(dir, "cn.npy"), Torch.Floats(cn), cn.shape);
            NpyFile.Write(Path.Combine(dir, "d_x.npy"), Torch.Floats(xs.grad!), xs.shape);
            NpyFile.Write(Path.Combine(dir, "d_h0.npy"), Torch.Floats(h0s.grad!), h0s.shape);
            if (c0s is not null) NpyFile.Write(Path.Combine(dir, "d_c0.npy"), Torch.Floats(c0s.grad!), c0s.shape);
            var grads = new List<(string Name, float[] Data, long[] Shape)>();
            foreach (var (name, p) in parameters) grads.Add((name, Torch.Floats(p.grad!), p.shape));
            SafeTensorsFile.Write(Path.Combine(dir, "grads.safetensors"), grads, Torch.Producer);
        }
        y.Dispose(); hn.Dispose(); cn?.Dispose(); loss.Dispose();
        return run;
    }

    /// <summary>max |a - b| and max |b| over a tensor (b the float64 run).</summary>
    private static (double Err, double Ref) Compare(double[] a, double[] b)
    {
        double err = 0, reference = 0;
        for (int i = 0; i < a.Length; i++)
        {
            err = Math.Max(err, Math.Abs(a[i] - b[i]));
            reference = Math.Max(reference, Math.Abs(b[i]));
        }
        return (err, reference);
    }

    /// <summary>max(floor, 10 x observed rounded up to one significant digit).</summary>
    private static double Atol(double observed, double floor)
    {
        double v = 10 * observed;
        if (v <= 0) return floor;
        double unit = Math.Pow(10, Math.Floor(Math.Log10(v)));
        return Math.Max(floor, Math.Ceiling(v / unit) * unit);
    }
}
