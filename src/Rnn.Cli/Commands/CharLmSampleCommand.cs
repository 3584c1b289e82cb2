using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using System.CommandLine;
using System.Text;
using Rnn.Workloads.Data;
using Rnn.Workloads;

namespace Rnn.Cli.Commands;

/// <summary>`rnn charlm sample`: streams text from a trained char model, one character per streaming step.</summary>
internal static class CharLmSampleCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "checkpoint written by `rnn charlm train`", Required = true };
        var prime = new Option<string?>("--prime") { Description = "text to start from (default: a newline)" };
        var length = Options.Int("--length", "characters to generate", 500);
        var temperature = new Option<float>("--temperature") { Description = "below 1 safer, above 1 wilder; 0 always picks the most likely character", DefaultValueFactory = _ => 0.8f };
        var topK = Options.Int("--top-k", "draw only among the k most likely characters (0: all)", 0);
        var precision = Options.Precision();
        var seed = new Option<ulong?>("--seed") { Description = "seed of the draws (same seed, same text; default: a new one each run)" };
        var command = new Command("sample", "Generate text from a trained char model.") { model, prime, length, temperature, topK, seed, precision };
        command.SetAction(r => CommandLine.Guard(() => Run(
            r.GetValue(model)!, r.GetValue(prime), r.GetValue(length), r.GetValue(temperature), r.GetValue(topK), r.GetValue(seed), r.GetValue(precision)!)));
        return command;
    }

    private static int Run(string modelPath, string? prime, int length, float temperature, int topK, ulong? seed, string precisionText)
    {
        WeightPrecision precision = Options.ParsePrecision(precisionText);
        if (length < 0) throw new UsageException($"--length must be 0 or more, got {length}.");
        if (!(temperature >= 0) || float.IsInfinity(temperature)) throw new UsageException($"--temperature must be finite and >= 0, got {temperature}.");
        if (topK < 0) throw new UsageException($"--top-k must be 0 (all) or positive, got {topK}.");
        if (prime is { Length: 0 }) throw new UsageException("--prime is empty; omit it to start from a newline.");
        Options.RequireExisting(modelPath, "--model");
        using CharLmModel m = CharLmModel.Load(modelPath);
        int[] primeIds = prime is null
            ? [m.Vocabulary.TryGetId(new Rune('\n'), out int newline) ? newline : 0]
            : m.EncodePrime(prime);
        using var sampler = new CharSampler(m.Inference, seed ?? (ulong)Environment.TickCount64 ^ (ulong)Environment.ProcessId, temperature, topK, precision);
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
        if (prime is not null) stdout.Write(prime);
        Generate(sampler, m.Vocabulary, primeIds, length, stdout);
        stdout.WriteLine();
        stdout.Flush();
        return CommandLine.Ok;
    }

    /// <summary>Feeds the prime, then writes <paramref name="length"/> generated characters as they come.</summary>
    public static void Generate(CharSampler sampler, CharVocabulary vocabulary, ReadOnlySpan<int> prime, int length, TextWriter output)
    {
        sampler.Reset();
        foreach (int id in prime) sampler.Feed(id);
        Span<char> utf16 = stackalloc char[2];
        for (int i = 0; i < length; i++)
        {
            int n = vocabulary.GetSymbol(sampler.Next()).EncodeToUtf16(utf16);
            output.Write(utf16[..n]);
            if (utf16[0] == '\n') output.Flush(); // streams line by line to a terminal or pipe
        }
        output.Flush();
    }
}
