using System.CommandLine;
using Rnn.Cli;
using Rnn.Cli.Commands;

var root = new RootCommand("rnn — recurrent neural networks (RNN, LSTM, GRU) for .NET: run, benchmark and train models.");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(GradCommand.Create());
root.Subcommands.Add(QuantizeCommand.Create());
root.Subcommands.Add(CharLmCommand.Create());
root.Subcommands.Add(ImdbCommand.Create());
return CommandLine.Invoke(root, args);
