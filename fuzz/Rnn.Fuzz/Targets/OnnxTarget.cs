using Rnn.Runtime;

namespace Rnn.Fuzz.Targets;

/// <summary>
/// An .onnx file as `rnn run --weights model.onnx` and RnnModel.Load read it: the protobuf reader (OnnxModelProto.Parse),
/// node selection (the only node, or a torch.onnx.export stack), attributes, initializers (raw_data, float_data,
/// double_data, int32_data, external data beside the model) and their mapping onto the cells' weights, the model build;
/// then, when it loads, one two-step session over a batch of two with sequence lengths in each weight precision, so a
/// model the loader accepts also runs.
/// </summary>
internal sealed class OnnxTarget : FuzzTarget
{
    public override string Name => "onnx";
    public override string Description => "RnnModel.Load of an .onnx file (parse, node selection, weight mapping), then a 2-step session per precision";

    public override void Run(ReadOnlySpan<byte> input, ScratchFolder scratch)
    {
        string path = scratch.Write("model.onnx", input);
        using RnnModel model = RnnModel.Load(path);
        const int steps = 2, batch = 2;
        int outputs = model.Directions * model.HiddenSize, states = model.NumLayers * model.Directions * batch * model.HiddenSize;
        var x = new float[steps * batch * model.InputSize];
        x.AsSpan().Fill(0.5f);
        var y = new float[steps * batch * outputs];
        var hn = new float[states];
        var cn = model.Cell == CellKind.Lstm ? new float[states] : [];
        // Every precision: the bfloat16 and int8 packings meet the same arbitrary weights (NaN, huge, zero rows).
        foreach (WeightPrecision precision in Enum.GetValues<WeightPrecision>())
        {
            using RnnSession session = model.CreateSession(steps, batch, precision);
            session.Run(x, y, steps, batch, [steps, 1], [], [], hn, cn);
        }
    }
}
