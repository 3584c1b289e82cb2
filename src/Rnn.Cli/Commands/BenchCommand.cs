using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Rnn.Cli.Commands.Bench;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Runtime.Kernels.Int8;

namespace Rnn.Cli.Commands;

/// <summary>
/// `rnn bench`: how fast is a streaming step of my model here? Times single steps, so the figure includes
/// every fixed cost a caller pays, and reports median and p99 microseconds and bytes allocated per step.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var cell = new Option<string?>("--cell") { Description = "lstm | gru | rnn-tanh | rnn-relu (default: lstm, or inferred from --weights)" };
        var hidden = Options.Int("--hidden", "hidden size (ignored with --weights)", 256);
        var input = new Option<int?>("--input") { Description = "input size (default: the hidden size; with --weights, the weights')" };
        var layers = Options.Int("--layers", "stacked layers (ignored with --weights)", 1);
        var batch = Options.Int("--batch", "independent streams advanced together per step", 1);
        var steps = Options.Int("--steps", "timed steps", 2000);
        var weights = new Option<string?>("--weights") { Description = "a PyTorch state_dict (safetensors) instead of random weights" };
        var path = new Option<string?>("--kernel") { Description = "force a kernel path: scalar | vector128 | vector256 | vector512" };
        var precision = Options.Precision();
        var json = new Option<string?>("--json") { Description = "print one JSON object instead of text; with --suite, FILE gets the report", Arity = ArgumentArity.ZeroOrOne };
        var suite = new BenchSuiteCommand();
        var command = new Command("bench", "Time streaming steps (batch of streams, one step at a time).")
        {
            cell, hidden, input, layers, batch, steps, weights, path, precision, json,
        };
        suite.AddTo(command);
        command.Subcommands.Add(BenchCompareCommand.Create());
        Option[] singleOnly = [cell, hidden, input, layers, batch, steps, weights, path, precision];
        command.SetAction(r => CommandLine.Guard(() =>
        {
            bool jsonGiven = r.GetResult(json) is not null;
            if (suite.IsRequested(r))
            {
                foreach (Option o in singleOnly)
                    if (r.GetResult(o) is { Implicit: false }) throw new UsageException($"{o.Name} does not apply to --suite (its workloads are fixed).");
                return suite.Run(r, jsonGiven, r.GetValue(json));
            }
            if (suite.StrayOption(r) is { } stray) throw new UsageException($"{stray} needs --suite.");
            if (r.GetValue(json) is { } file) throw new UsageException($"--json {file}: a single bench prints its JSON object; a file is for --suite reports.");
            return Run(
                r.GetValue(cell), r.GetValue(hidden), r.GetValue(input), r.GetValue(layers), r.GetValue(batch), r.GetValue(steps),
                r.GetValue(weights), r.GetValue(path), r.GetValue(precision)!, jsonGiven);
        }));
        return command;
    }

    private const int MaxSteps = 100_000_000;

    private static int Run(string? cellText, int hidden, int? inputSize, int layers, int batch, int steps, string? weightsPath, string? kernel, string precisionText, bool json)
    {
        Options.RequirePositive(hidden, "--hidden");
        Options.RequirePositive(layers, "--layers");
        Options.RequirePositive(batch, "--batch");
        Options.RequirePositive(steps, "--steps");
        if (inputSize is { } i) Options.RequirePositive(i, "--input");
        if (steps > MaxSteps) throw new UsageException($"--steps {steps} is more than the {MaxSteps:N0} steps one benchmark times.");
        Options.RequireExisting(weightsPath, "--weights");
        CellKind? givenCell = Options.ParseCell(cellText);
        CellKind cell = givenCell ?? CellKind.Lstm;
        WeightPrecision precision = Options.ParsePrecision(precisionText);
        KernelPath? forced = kernel is null ? null : ParseKernel(kernel);
        // The largest weight and a step's buffers must each fit in an array.
        if (weightsPath is null && (double)cell.GateCount() * hidden * Math.Max(inputSize ?? hidden, hidden) > Array.MaxLength)
            throw new UsageException($"--hidden {hidden} and --input {inputSize ?? hidden} are too large: a weight would exceed {Array.MaxLength} values.");
        // The random state_dict, its packed copy and the fused step copy (4 bytes a float), then the timing array.
        if (weightsPath is null)
            MemoryBudget.Require(3 * 4 * MemoryBudget.RecurrentWeights(cell, inputSize ?? hidden, hidden, layers) + 8.0 * steps, "this benchmark");
        using RnnModel model = weightsPath is null
            ? RnnModel.CreateRandom(cell, inputSize ?? hidden, hidden, layers, kernelPath: forced)
            : RnnModel.Load(weightsPath, givenCell, kernelPath: forced);
        if (weightsPath is not null && inputSize is { } given && given != model.InputSize)
            throw new UsageException($"--input {given} disagrees with {weightsPath}, whose input size is {model.InputSize}; leave --input out with --weights.");
        if ((double)batch * Math.Max((double)model.Cell.GateCount() * model.HiddenSize, model.InputSize) > Array.MaxLength)
            throw new UsageException($"--batch {batch} is too large for this model: a step's buffer would exceed {Array.MaxLength} values.");
        MemoryBudget.Require(8.0 * steps, $"--steps {steps}");
        using RnnStream stream = model.CreateStream(batch, precision);
        float[] x = new float[batch * model.InputSize], y = new float[batch * model.HiddenSize];
        var rng = new Random(1);
        for (int j = 0; j < x.Length; j++) x[j] = (float)(rng.NextDouble() * 2 - 1);

        // Warm up until tiered compilation has settled on the optimised code.
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 300) stream.Step(x, y);

        long[] ticks = new long[steps];
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int s = 0; s < steps; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            stream.Step(x, y);
            ticks[s] = Stopwatch.GetTimestamp() - t0;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Array.Sort(ticks);
        double toMicro = 1e6 / Stopwatch.Frequency;
        double median = ticks[steps / 2] * toMicro, p99 = ticks[Math.Min(steps - 1, (int)(steps * 0.99))] * toMicro;
        double bytesPerStep = (double)allocated / steps;
        double weightBytes = 0, bytesPerWeight = precision switch { WeightPrecision.BFloat16 => 2.0, WeightPrecision.Int8 => 1.0, _ => 4.0 };
        for (int l = 0; l < model.NumLayers; l++)
        {
            var w = model.Weights(l, 0);
            weightBytes += bytesPerWeight * (w.InputWeights.K * w.InputWeights.N + w.RecurrentWeights.K * w.RecurrentWeights.N);
        }
        double gflops = 2 * weightBytes / bytesPerWeight * batch / (median * 1e3);
        double gigabytesPerSecond = weightBytes / (median * 1e3); // the roofline: weight bytes read per step / step time

        // The integer kernel an int8 stream runs, as RNN_INT8_KERNEL names it.
        string? int8Kernel = precision == WeightPrecision.Int8 ? Int8Kernels.Name(Int8Kernels.For(model.KernelPath)) : null;
        if (json)
        {
            JsonLine.Write(writer =>
            {
                writer.WriteString("cell", model.Cell.ToName());
                writer.WriteNumber("input", model.InputSize);
                writer.WriteNumber("hidden", model.HiddenSize);
                writer.WriteNumber("layers", model.NumLayers);
                writer.WriteNumber("batch", batch);
                writer.WriteNumber("steps", steps);
                writer.WriteString("kernel", model.KernelPath.ToString());
                writer.WriteString("precision", Bench.BenchPrecisions.Name(precision));
                if (int8Kernel is not null) writer.WriteString("int8_kernel", int8Kernel);
                writer.WriteNumber("median_us", Math.Round(median, 3));
                writer.WriteNumber("p99_us", Math.Round(p99, 3));
                writer.WriteNumber("alloc_bytes_per_step", bytesPerStep);
                writer.WriteNumber("gflops", Math.Round(gflops, 2));
                writer.WriteNumber("weight_bytes", weightBytes);
                writer.WriteNumber("weight_gb_per_s", Math.Round(gigabytesPerSecond, 1));
            });
        }
        else
        {
            Console.WriteLine($"{model.NumLayers}-layer {model.Cell.ToName()}, input {model.InputSize}, hidden {model.HiddenSize}, {batch} stream(s), kernel {model.KernelPath}{(int8Kernel is null ? "" : $" (int8: {int8Kernel})")}, {Bench.BenchPrecisions.Name(precision)} weights");
            Console.WriteLine($"  step: median {median:F2} µs, p99 {p99:F2} µs over {steps} steps ({gflops:F1} GFLOP/s, {weightBytes / 1048576:F2} MiB of weights, {gigabytesPerSecond:F1} GB/s)");
            Console.WriteLine($"  allocated: {bytesPerStep:F1} bytes per step");
        }
        return CommandLine.Ok;
    }

    private static KernelPath ParseKernel(string text)
    {
        try { return KernelPaths.Parse(text); }
        catch (ArgumentException) { throw new UsageException($"--kernel '{text}' is not a kernel path: expected scalar, vector128, vector256 or vector512."); }
    }
}
