using System.CommandLine;

namespace Rnn.Cli.Commands;

/// <summary>`rnn charlm`: a character-level language model (char-rnn) — train it, then sample text from it.</summary>
internal static class CharLmCommand
{
    public static Command Create() => new("charlm", "Character-level language model (char-rnn): train on a text, sample from it, score a checkpoint.")
    {
        CharLmTrainCommand.Create(),
        CharLmSampleCommand.Create(),
        CharLmEvalCommand.Create(),
    };
}
