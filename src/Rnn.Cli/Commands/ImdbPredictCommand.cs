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
        var text = new Argument<string[]>("text") { Description = "the review (several arguments are joined with spaces)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("predict", "Print the probability that a review is positive.") { model, text };
        command.SetAction(r => CommandLine.Guard(() => Run(r.GetValue(model)!, string.Join(' ', r.GetValue(text)!))));
        return command;
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
