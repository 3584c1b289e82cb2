using Rnn.Fuzz;
using Rnn.Fuzz.Targets;

// rnn-fuzz TARGET                  under afl-fuzz: the SharpFuzz loop, one input per execution on stdin
// rnn-fuzz TARGET --replay PATH... each file (or every file in each folder) once; exit 1 if any crashes
// rnn-fuzz seeds CORPUS GOLDEN     (re)writes the seed corpus from our writers and the golden cases
FuzzTarget[] targets =
[
    new SafeTensorsTarget(), new NpyTarget(), new CheckpointTarget(), new CheckpointMetaTarget(),
    new ImdbJsonLinesTarget(), new ImdbArchiveTarget(), new WordIndexTarget(), new OnnxTarget(),
];

if (args.Length == 3 && args[0] == "seeds")
    return SeedCorpus.Write(args[1], args[2]);

FuzzTarget? target = args.Length > 0 ? Array.Find(targets, t => t.Name == args[0]) : null;
if (target is null)
{
    Console.Error.WriteLine("usage: rnn-fuzz TARGET [--replay PATH...] | rnn-fuzz seeds CORPUS_DIR GOLDEN_DIR");
    foreach (FuzzTarget t in targets) Console.Error.WriteLine($"  {t.Name,-16} {t.Description}");
    return 2;
}

using var scratch = new ScratchFolder();
var harness = new Harness(target, scratch);
if (args.Length > 1 && args[1] == "--replay")
    return Replay.Run(harness, args.AsSpan(2));

// Persistent mode: one process serves every input; the input buffer is reused.
var buffer = new MemoryStream();
SharpFuzz.Fuzzer.Run(stream =>
{
    buffer.SetLength(0);
    stream.CopyTo(buffer);
    harness.Execute(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
});
return 0;
