using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.IO.Onnx;

namespace Rnn.Cli.Commands;

/// <summary>
/// `rnn run` on an ONNX model: the files are the node's own tensors in its layout — X, initial_h, initial_c,
/// sequence_lens (--lengths) in; Y, Y_h, Y_c out — so they compare one to one with ONNX Runtime's.
/// </summary>
internal static class OnnxRun
{
    public static int Run(string weightsPath, string? nodeName, CellKind? cell, string? prefix, string inputPath, string? h0Path, string? c0Path,
        string? lengthsText, bool batchFirst, string outputPath, string? hnPath, string? cnPath, string precisionText)
    {
        WeightPrecision precision = Options.ParsePrecision(precisionText);
        if (prefix is not null) throw new UsageException("--prefix names state_dict tensors; an ONNX model has none (use --node).");
        if (batchFirst) throw new UsageException("--batch-first does not apply to an ONNX model: its layout attribute says how X and Y are laid out.");
        RunChecks.RequireFiles(weightsPath, inputPath, h0Path, c0Path, outputPath, hnPath, cnPath);
        using RnnModel model = RnnModel.Load(weightsPath, cell, node: nodeName);
        OnnxSource onnx = model.Onnx!;
        int layout = onnx.Layout;
        bool lstm = model.Cell == CellKind.Lstm;
        if (!lstm && (c0Path is not null || cnPath is not null))
            throw new UsageException($"--c0/--cn given, but {weightsPath} holds a {onnx.OpType} node, which has no cell state.");

        NpyArray x = Npy.Read(inputPath);
        string xMeaning = layout == 1 ? "batch, seq, input_size" : "seq, batch, input_size";
        if (x.Shape.Length != 3)
            throw new RnnFormatException($"{inputPath}: X has shape {PyTorchStateDict.Show(x.Shape)}, expected 3 dimensions ({xMeaning}; layout {layout}).", inputPath);
        int seq = layout == 1 ? x.Shape[1] : x.Shape[0], batch = layout == 1 ? x.Shape[0] : x.Shape[1];
        if (seq == 0 || batch == 0)
            throw new RnnFormatException($"{inputPath}: X has shape {PyTorchStateDict.Show(x.Shape)}: the sequence length and the batch must each be at least 1.", inputPath);
        if (x.Shape[2] != model.InputSize)
            throw new RnnFormatException($"{inputPath}: X has input_size {x.Shape[2]} (shape {PyTorchStateDict.Show(x.Shape)}), but the model in {weightsPath} expects {model.InputSize}.", inputPath);

        int states = model.NumLayers * model.Directions, H = model.HiddenSize, D = model.Directions;
        int[] stateShape = layout == 1 ? [batch, states, H] : [states, batch, H];
        string stateMeaning = layout == 1 ? "batch, num_directions, hidden_size" : "num_directions, batch, hidden_size";
        float[] h0 = FromOnnxState(Options.ReadNpyOrEmpty(h0Path, "initial_h", stateShape, stateMeaning), states, batch, H, layout);
        float[] c0 = FromOnnxState(Options.ReadNpyOrEmpty(c0Path, "initial_c", stateShape, stateMeaning), states, batch, H, layout);
        int[] lengths = lengthsText is null ? [] : RunCommand.ParseLengths(lengthsText, batch, seq);

        float[] output = new float[RunChecks.OutputSize(inputPath, x, seq, batch, model)];
        float[] hn = new float[states * batch * H];
        float[] cn = lstm ? new float[hn.Length] : [];
        using (RnnSession session = model.CreateSession(seq, batch, precision))
            session.Run(x.Data, output, seq, batch, lengths, h0, c0, hn, cn, batchFirst: layout == 1);

        float[] y = new float[output.Length];
        OnnxLayouts.ToY(output, y, seq, batch, D, H, layout);
        int[] yShape = layout == 1 ? [batch, seq, D, H] : [seq, D, batch, H];
        Npy.Write(outputPath, y, yShape);
        if (hnPath is not null) Npy.Write(hnPath, ToOnnxState(hn, states, batch, H, layout), stateShape);
        if (cnPath is not null) Npy.Write(cnPath, ToOnnxState(cn, states, batch, H, layout), stateShape);
        string nodes = string.Join(", ", onnx.NodeNames);
        Console.Error.WriteLine(
            $"{onnx.OpType} {(model.NumLayers > 1 ? $"stack of {model.NumLayers} nodes ({nodes})" : $"node '{nodes}'")}, layout {layout}, " +
            $"{(model.Bidirectional ? "bidirectional" : model.Architecture.Reverse ? "reverse" : "forward")} (input {model.InputSize}, hidden {H}): " +
            $"wrote {outputPath} {PyTorchStateDict.Show(yShape)}");
        return CommandLine.Ok;
    }

    private static float[] FromOnnxState(float[] onnx, int states, int batch, int hidden, int layout)
    {
        if (onnx.Length == 0) return onnx;
        var state = new float[onnx.Length];
        OnnxLayouts.FromOnnxState(onnx, state, states, batch, hidden, layout);
        return state;
    }

    private static float[] ToOnnxState(float[] state, int states, int batch, int hidden, int layout)
    {
        var onnx = new float[state.Length];
        OnnxLayouts.ToOnnxState(state, onnx, states, batch, hidden, layout);
        return onnx;
    }
}
