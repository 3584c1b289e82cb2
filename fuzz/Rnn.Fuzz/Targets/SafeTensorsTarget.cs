using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Fuzz.Targets;

/// <summary>
/// A .safetensors file as `rnn run` / `rnn grad` / RnnModel.Load read it: open (header JSON, dtypes, shapes, offsets),
/// every tensor read as float32, the metadata, then the PyTorch state_dict inferred and packed into a model, and one
/// int8 step (an int8 file's stored q and scales packed as they are).
/// </summary>
internal sealed class SafeTensorsTarget : FuzzTarget
{
    public override string Name => "safetensors";
    public override string Description => "SafeTensorsFile.Open, every tensor read as float32, RnnModel.FromTensors, an int8 step";

    public override void Run(ReadOnlySpan<byte> input, ScratchFolder scratch)
    {
        string path = scratch.Write("weights.safetensors", input);
        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        foreach (KeyValuePair<string, string> pair in file.Metadata) _ = pair.Key.Length + pair.Value.Length;
        foreach (string name in file.Names)
        {
            _ = file.GetShape(name);
            _ = file.GetElementCount(name);
            // A tensor of an integer dtype is a documented refusal of this read; the others must still be readable.
            if (file.GetDType(name) is "F32" or "F16" or "BF16") _ = file.ReadFloat32(name);
        }
        using RnnModel model = RnnModel.FromTensors(file);
        if (model.Bidirectional) return;
        using RnnStream stream = model.CreateStream(1, WeightPrecision.Int8);
        stream.Step(new float[model.InputSize], new float[model.HiddenSize]);
    }
}
