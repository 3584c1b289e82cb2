using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Fuzz.Targets;

/// <summary>A .npy file as `rnn run --input/--h0/--c0` and `rnn grad` read it: the shape alone, then the data.</summary>
internal sealed class NpyTarget : FuzzTarget
{
    public override string Name => "npy";
    public override string Description => "Npy.ReadShape and Npy.Read (header dict, dtype, shape, data size)";

    public override void Run(ReadOnlySpan<byte> input, ScratchFolder scratch)
    {
        string path = scratch.Write("x.npy", input);
        int[] shape = Npy.ReadShape(path);
        NpyArray array = Npy.Read(path);
        if (!shape.AsSpan().SequenceEqual(array.Shape))
            throw new InvalidOperationException("Npy.ReadShape and Npy.Read disagree on the shape of one file.");
    }
}
