using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Cli.Commands;

/// <summary>The checks `rnn run` makes before running, the same for a state_dict (<see cref="RunCommand"/>) and an ONNX
/// model (<see cref="OnnxRun"/>): every file given exists or can be written, and the outputs fit in memory.</summary>
internal static class RunChecks
{
    public static void RequireFiles(string weightsPath, string inputPath, string? h0Path, string? c0Path, string outputPath, string? hnPath, string? cnPath)
    {
        Options.RequireExisting(weightsPath, "--weights");
        Options.RequireExisting(inputPath, "--input");
        Options.RequireExisting(h0Path, "--h0");
        Options.RequireExisting(c0Path, "--c0");
        Options.RequireWritableFile(outputPath, "--output");
        Options.RequireWritableFile(hnPath, "--hn");
        Options.RequireWritableFile(cnPath, "--cn");
    }

    /// <summary>
    /// The output of <paramref name="seq"/> × <paramref name="batch"/> steps of the model's width, checked in long (sizes
    /// from the file, 600,000 x 4 steps of hidden 1,000, pass int's range) and against the memory this machine has.
    /// </summary>
    public static long OutputSize(string inputPath, NpyArray x, int seq, int batch, RnnModel model)
    {
        long outputs = (long)seq * batch * model.OutputSize;
        if (outputs > Array.MaxLength)
            throw new RnnFormatException(
                $"{inputPath}: x has shape {PyTorchStateDict.Show(x.Shape)}: its output of {seq} x {batch} x {model.OutputSize} = {outputs} values is more than one array holds ({Array.MaxLength}).", inputPath);
        MemoryBudget.Require(4.0 * outputs * (model.NumLayers > 1 ? 4 : 2), "this run");
        return outputs;
    }
}
