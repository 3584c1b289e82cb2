using System.CommandLine;
using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Runtime.Kernels;
using Rnn.Training.Parameters;
using Rnn.Training.Recurrent;

namespace Rnn.Cli.Commands;

/// <summary>
/// `rnn grad`: the gradients of loss = Σ y·dy + Σ hn·dhn + Σ cn·dcn, written with the golden cases' names
/// (d_x.npy, d_h0.npy, d_c0.npy, grads.safetensors), so a user can compare with PyTorch's autograd directly.
/// </summary>
internal static class GradCommand
{
    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "PyTorch state_dict of nn.RNN/LSTM/GRU as safetensors", Required = true };
        var cell = new Option<string?>("--cell") { Description = "lstm | gru | rnn-tanh | rnn-relu (inferred when omitted; rnn-relu must be given)" };
        var prefix = new Option<string?>("--prefix") { Description = "name prefix of the module's tensors" };
        var input = new Option<string>("--input") { Description = "x.npy (seq, batch, input)", Required = true };
        var h0 = new Option<string?>("--h0") { Description = "h0.npy (layers*directions, batch, hidden)" };
        var c0 = new Option<string?>("--c0") { Description = "c0.npy, LSTM only" };
        var dy = new Option<string>("--dy") { Description = "d loss / d y, (seq, batch, directions*hidden)", Required = true };
        var dhn = new Option<string?>("--dhn") { Description = "d loss / d hn" };
        var dcn = new Option<string?>("--dcn") { Description = "d loss / d cn, LSTM only" };
        var output = new Option<string>("--out") { Description = "folder for d_x.npy, d_h0.npy, d_c0.npy and grads.safetensors", Required = true };
        var command = new Command("grad", "Backpropagate given output gradients through a recurrent model and write every gradient.")
        {
            weights, cell, prefix, input, h0, c0, dy, dhn, dcn, output,
        };
        command.SetAction(r => CommandLine.Guard(() => Run(
            r.GetValue(weights)!, Options.ParseCell(r.GetValue(cell)), r.GetValue(prefix), r.GetValue(input)!, r.GetValue(h0), r.GetValue(c0),
            r.GetValue(dy)!, r.GetValue(dhn), r.GetValue(dcn), r.GetValue(output)!)));
        return command;
    }

    private static int Run(string weightsPath, CellKind? cell, string? prefix, string inputPath, string? h0Path, string? c0Path,
        string dyPath, string? dhnPath, string? dcnPath, string outDir)
    {
        foreach (var (path, option) in new[] { (weightsPath, "--weights"), (inputPath, "--input"), (h0Path, "--h0"), (c0Path, "--c0"),
                     (dyPath, "--dy"), (dhnPath, "--dhn"), (dcnPath, "--dcn") })
            Options.RequireExisting(path, option);
        Options.RequireOutputFolder(outDir, "--out", "d_x.npy", "d_h0.npy", "d_c0.npy", "grads.safetensors");
        using SafeTensorsFile file = SafeTensorsFile.Open(weightsPath);
        RnnArchitecture arch = PyTorchStateDict.Infer(file, cell, prefix);
        bool lstm = arch.Cell == CellKind.Lstm;
        if (!lstm && (c0Path ?? dcnPath) is not null)
            throw new UsageException($"--c0/--dcn given, but {weightsPath} holds a {arch.Cell.ToName()}, which has no cell state.");

        NpyArray x = Npy.Read(inputPath);
        if (x.Shape.Length != 3 || x.Shape[2] != arch.InputSize)
            throw new RnnFormatException($"{inputPath}: x has shape {PyTorchStateDict.Show(x.Shape)}, expected (seq, batch, {arch.InputSize}).", inputPath);
        int T = x.Shape[0], B = x.Shape[1], LD = arch.NumLayers * arch.Directions, H = arch.HiddenSize;
        if (T == 0 || B == 0)
            throw new RnnFormatException($"{inputPath}: x has shape {PyTorchStateDict.Show(x.Shape)}: the sequence length and the batch must each be at least 1.", inputPath);
        int[] stateShape = [LD, B, H], yShape = [T, B, arch.Directions * H];
        float[] h0 = Options.ReadNpyOrEmpty(h0Path, "h0", stateShape), c0 = Options.ReadNpyOrEmpty(c0Path, "c0", stateShape);
        float[] dyData = Options.ReadNpyOrEmpty(dyPath, "dy", yShape), dhnData = Options.ReadNpyOrEmpty(dhnPath, "dhn", stateShape), dcnData = Options.ReadNpyOrEmpty(dcnPath, "dcn", stateShape);

        using var trainer = new RecurrentStackTrainer(arch, T, B, KernelPaths.Default);
        trainer.LoadFrom(file);
        float[] y = new float[T * B * arch.Directions * H];
        trainer.Forward(x.Data, y, T, B, default, h0, lstm ? c0 : default);
        float[] dx = new float[x.Data.Length], dh0 = new float[LD * B * H], dc0 = lstm ? new float[LD * B * H] : [];
        trainer.Backward(dyData, dhnData, lstm ? dcnData : default, dx, dh0, lstm ? dc0 : default);

        Directory.CreateDirectory(outDir);
        Npy.Write(Path.Combine(outDir, "d_x.npy"), dx, x.Shape);
        Npy.Write(Path.Combine(outDir, "d_h0.npy"), dh0, stateShape);
        if (lstm) Npy.Write(Path.Combine(outDir, "d_c0.npy"), dc0, stateShape);
        var grads = new SafeTensorsWriter();
        grads.Metadata["format"] = "pt";
        foreach (Parameter p in trainer.Parameters) grads.Add(p.Name, p.Shape, p.Grad);
        grads.Save(Path.Combine(outDir, "grads.safetensors"));
        Console.Error.WriteLine($"wrote d_x.npy, d_h0.npy{(lstm ? ", d_c0.npy" : "")} and grads.safetensors ({trainer.Parameters.Count} tensors) to {outDir}");
        return CommandLine.Ok;
    }
}
