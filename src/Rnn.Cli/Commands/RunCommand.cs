using Rnn.Runtime.Kernels;
using System.CommandLine;
using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Cli.Commands;

/// <summary>`rnn run`: a PyTorch recurrent model on a tensor, shapes as PyTorch's (x: seq, batch, input).</summary>
internal static class RunCommand
{
    private const string StateMeaning = "layers*directions, batch, hidden";

    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "PyTorch state_dict of nn.RNN/LSTM/GRU as safetensors, or an ONNX model (.onnx)", Required = true };
        var node = new Option<string?>("--node") { Description = "ONNX: the RNN/LSTM/GRU node to run, by name (the only one, or a stack of them, when omitted)" };
        var cell = new Option<string?>("--cell") { Description = "lstm | gru | rnn-tanh | rnn-relu (inferred from the weights when omitted; rnn-relu must be given)" };
        var prefix = new Option<string?>("--prefix") { Description = "name prefix of the module's tensors, e.g. 'rnn.' (found automatically when unique)" };
        var input = new Option<string>("--input") { Description = "x.npy, float32 (seq, batch, input), or (batch, seq, input) with --batch-first", Required = true };
        var h0 = new Option<string?>("--h0") { Description = "h0.npy (layers*directions, batch, hidden)" };
        var c0 = new Option<string?>("--c0") { Description = "c0.npy (layers*directions, batch, hidden), LSTM only" };
        var lengths = new Option<string?>("--lengths") { Description = "comma-separated length of each sequence in the batch (padded batch)" };
        var batchFirst = new Option<bool>("--batch-first") { Description = "x and y are (batch, seq, feature)" };
        var output = new Option<string>("--output") { Description = "y.npy to write (seq, batch, directions*hidden)", Required = true };
        var hn = new Option<string?>("--hn") { Description = "hn.npy to write" };
        var cn = new Option<string?>("--cn") { Description = "cn.npy to write (LSTM only)" };
        var precision = Options.Precision();
        var command = new Command("run", "Run a recurrent model over a whole input tensor and write its outputs as .npy.")
        {
            weights, node, cell, prefix, input, h0, c0, lengths, batchFirst, output, hn, cn, precision,
        };
        command.SetAction(r => CommandLine.Guard(() => r.GetValue(weights)!.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
            ? OnnxRun.Run(r.GetValue(weights)!, r.GetValue(node), Options.ParseCell(r.GetValue(cell)), r.GetValue(prefix), r.GetValue(input)!,
                r.GetValue(h0), r.GetValue(c0), r.GetValue(lengths), r.GetValue(batchFirst), r.GetValue(output)!, r.GetValue(hn), r.GetValue(cn),
                r.GetValue(precision)!)
            : r.GetValue(node) is not null ? throw new UsageException("--node selects a node of an ONNX model; --weights is not an .onnx file.")
            : Run(
            r.GetValue(weights)!, Options.ParseCell(r.GetValue(cell)), r.GetValue(prefix), r.GetValue(input)!,
            r.GetValue(h0), r.GetValue(c0), r.GetValue(lengths), r.GetValue(batchFirst),
            r.GetValue(output)!, r.GetValue(hn), r.GetValue(cn), r.GetValue(precision)!)));
        return command;
    }

    private static int Run(string weightsPath, CellKind? cell, string? prefix, string inputPath, string? h0Path, string? c0Path,
        string? lengthsText, bool batchFirst, string outputPath, string? hnPath, string? cnPath, string precisionText)
    {
        WeightPrecision precision = Options.ParsePrecision(precisionText);
        RunChecks.RequireFiles(weightsPath, inputPath, h0Path, c0Path, outputPath, hnPath, cnPath);
        using RnnModel model = RnnModel.Load(weightsPath, cell, prefix);
        bool lstm = model.Cell == CellKind.Lstm;
        if (!lstm && (c0Path is not null || cnPath is not null))
            throw new UsageException($"--c0/--cn given, but {weightsPath} holds a {model.Cell.ToName()}, which has no cell state.");

        NpyArray x = Npy.Read(inputPath);
        if (x.Shape.Length != 3)
            throw new RnnFormatException($"{inputPath}: x has shape {PyTorchStateDict.Show(x.Shape)}, expected 3 dimensions ({(batchFirst ? "batch, seq" : "seq, batch")}, input).", inputPath);
        int seq = batchFirst ? x.Shape[1] : x.Shape[0], batch = batchFirst ? x.Shape[0] : x.Shape[1];
        if (seq == 0 || batch == 0)
            throw new RnnFormatException($"{inputPath}: x has shape {PyTorchStateDict.Show(x.Shape)}: the sequence length and the batch must each be at least 1.", inputPath);
        if (x.Shape[2] != model.InputSize)
            throw new RnnFormatException($"{inputPath}: x has input feature size {x.Shape[2]} (shape {PyTorchStateDict.Show(x.Shape)}), but the model in {weightsPath} expects {model.InputSize}.", inputPath);
        int[] stateShape = [model.NumLayers * model.Directions, batch, model.HiddenSize];
        float[] h0 = Options.ReadNpyOrEmpty(h0Path, "h0", stateShape, StateMeaning);
        float[] c0 = Options.ReadNpyOrEmpty(c0Path, "c0", stateShape, StateMeaning);
        int[] lengths = lengthsText is null ? [] : ParseLengths(lengthsText, batch, seq);

        float[] y = new float[RunChecks.OutputSize(inputPath, x, seq, batch, model)];
        float[] hn = new float[stateShape[0] * batch * model.HiddenSize];
        float[] cn = lstm ? new float[hn.Length] : [];
        using (RnnSession session = model.CreateSession(seq, batch, precision))
            session.Run(x.Data, y, seq, batch, lengths, h0, c0, hn, cn, batchFirst);

        int[] yShape = batchFirst ? [batch, seq, model.OutputSize] : [seq, batch, model.OutputSize];
        Npy.Write(outputPath, y, yShape);
        if (hnPath is not null) Npy.Write(hnPath, hn, stateShape);
        if (cnPath is not null) Npy.Write(cnPath, cn, stateShape);
        Console.Error.WriteLine(
            $"{model.NumLayers}-layer {(model.Bidirectional ? "bidirectional " : "")}{model.Cell.ToName()} (input {model.InputSize}, hidden {model.HiddenSize}): " +
            $"wrote {outputPath} {PyTorchStateDict.Show(yShape)}");
        return CommandLine.Ok;
    }

    internal static int[] ParseLengths(string text, int batch, int seq)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != batch) throw new UsageException($"--lengths has {parts.Length} values, expected one per sequence in the batch ({batch}).");
        var lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            if (!int.TryParse(parts[b], out lengths[b]) || lengths[b] < 1 || lengths[b] > seq)
                throw new UsageException($"--lengths value '{parts[b]}' for sequence {b} must be a whole number in 1..{seq} (the sequence length).");
        }
        return lengths;
    }
}
