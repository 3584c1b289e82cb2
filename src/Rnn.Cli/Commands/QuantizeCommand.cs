using System.CommandLine;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Training.Checkpoints;

namespace Rnn.Cli.Commands;

/// <summary>
/// `rnn quantize`: a PyTorch state_dict (safetensors) with its recurrent weights stored as int8 plus one float scale per
/// row, a quarter of their bytes. The quantization is the one `--precision int8` applies at load, so the file runs
/// with the same bits as the float model at int8, and loads as a float model of its dequantized weights otherwise.
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "PyTorch state_dict of nn.RNN/LSTM/GRU as safetensors", Required = true };
        var prefix = new Option<string?>("--prefix") { Description = "name prefix of the module's tensors, e.g. 'rnn.' (found automatically when unique)" };
        var output = new Option<string>("--out") { Description = "the int8 .safetensors to write", Required = true };
        var command = new Command("quantize", "Store a model's recurrent weights as int8 with per-row scales (a quarter of the bytes).") { weights, prefix, output };
        command.SetAction(r => CommandLine.Guard(() => Run(r.GetValue(weights)!, r.GetValue(prefix), r.GetValue(output)!)));
        return command;
    }

    private static int Run(string weightsPath, string? prefix, string outputPath)
    {
        if (weightsPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--weights {weightsPath}: quantize reads a safetensors state_dict; an ONNX model's weights run at int8 with --precision int8.");
        Options.RequireExisting(weightsPath, "--weights");
        Options.RequireWritableFile(outputPath, "--out");
        using SafeTensorsFile file = SafeTensorsFile.Open(weightsPath);
        if (file.Metadata.TryGetValue(Checkpoint.WorkloadKey, out string? workload))
            throw new UsageException($"--weights {weightsPath} is a `rnn {workload}` training checkpoint, which stays float32 to resume training; " +
                $"its eval and sample commands take --precision int8 instead.");
        SafeTensorsWriter writer = Int8StateDict.Quantize(file, prefix, out RnnArchitecture arch, out int quantized);
        foreach (var (key, value) in file.Metadata) writer.Metadata[key] = value;
        writer.Save(outputPath);
        long before = new FileInfo(file.SourceName).Length, after = new FileInfo(outputPath).Length;
        string cell = arch.GateCount == 1 ? "RNN" : arch.Cell.ToName(); // tanh or relu cannot be told from the weights, nor matters here
        Console.WriteLine($"{arch.NumLayers}-layer {(arch.Bidirectional ? "bidirectional " : "")}{cell} (input {arch.InputSize}, hidden {arch.HiddenSize}): " +
            $"{quantized} weight{(quantized == 1 ? "" : "s")} quantized to int8; {before:N0} -> {after:N0} bytes, written to {outputPath}");
        return 0;
    }
}
