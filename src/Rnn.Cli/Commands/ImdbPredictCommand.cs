using System.CommandLine;
using System.Globalization;
using Rnn.Workloads;

namespace Rnn.Cli.Commands;

/// <summary>`rnn imdb predict`: the probability that a review is positive.</summary>
internal static class ImdbPredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "checkpoint written by `rnn imdb train`", Required = true };
        var text = new Argument<string[]>("text") { Description = "the review (several arguments are joined with spaces)", Arity = ArgumentArity.ZeroOrMore };
        var file = new Option<string?>("--file") { Description = "read the review from this UTF-8 file instead ('-': standard input)" };
        var command = new Command("predict", "Print the probability that a review is positive.") { model, text, file };
        command.SetAction(r => CommandLine.Guard(() => Run(r.GetValue(model)!, ReviewText(r.GetValue(text) ?? [], r.GetValue(file)))));
        return command;
    }

    /// <summary>The most a review file may hold (16 MiB; IMDB's longest review is about 14 KB).</summary>
    private const int MaxReviewBytes = 16 << 20;

    private static string ReviewText(string[] words, string? file)
    {
        if ((words.Length > 0) == (file is not null))
            throw new UsageException("give the review as arguments or with --file, one of the two.");
        if (file is null) return string.Join(' ', words);
        byte[] bytes;
        if (file == "-")
        {
            using Stream stdin = Console.OpenStandardInput();
            using var buffer = new MemoryStream();
            byte[] chunk = new byte[1 << 16];
            int read;
            while ((read = stdin.Read(chunk)) > 0)
            {
                if (buffer.Length + read > MaxReviewBytes) throw new UsageException($"--file -: standard input carries more than {MaxReviewBytes:N0} bytes.");
                buffer.Write(chunk, 0, read);
            }
            bytes = buffer.ToArray();
        }
        else
        {
            Options.RequireExisting(file, "--file");
            bytes = Rnn.Runtime.IO.InputFiles.ReadAllBytes(file, MaxReviewBytes, "--file");
        }
        try
        {
            return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new UsageException($"--file {(file == "-" ? "- (standard input)" : file)}: not valid UTF-8 at byte {e.Index}.");
        }
    }

    private static int Run(string modelPath, string text)
    {
        Options.RequireExisting(modelPath, "--model");
        using ImdbClassifier classifier = ImdbClassifier.Load(modelPath, maxBatch: 1);
        float p = classifier.Probability(text);
        Console.WriteLine(p.ToString("F4", CultureInfo.InvariantCulture));
        return CommandLine.Ok;
    }
}
