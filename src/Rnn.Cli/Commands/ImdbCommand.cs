using System.CommandLine;

namespace Rnn.Cli.Commands;

/// <summary>`rnn imdb`: the IMDB review sentiment classifier (Keras imdb_lstm) — train, evaluate, predict.</summary>
internal static class ImdbCommand
{
    public static Command Create() => new("imdb", "IMDB review sentiment: an LSTM classifier over word ids (Keras imdb_lstm).")
    {
        ImdbTrainCommand.Create(),
        ImdbEvalCommand.Create(),
        ImdbPredictCommand.Create(),
    };
}
