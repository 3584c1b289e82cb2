// Loads a model embedded in the assembly with RnnModel.Load(Stream), runs PyTorch's input through it step by step
// from PyTorch's initial state, and compares the outputs with PyTorch's (exits 1 if they differ by more than 1e-5).
using System.Buffers.Binary;
using System.Reflection;
using Rnn.Runtime;

Assembly assembly = typeof(Program).Assembly;
Stream Resource(string name) => assembly.GetManifestResourceStream(name) ?? throw new FileNotFoundException($"no embedded resource '{name}'");

using Stream weights = Resource("weights.safetensors");
using RnnModel model = RnnModel.Load(weights, "embedded weights.safetensors");
float[] x = Npy(Resource("x.npy")), h0 = Npy(Resource("h0.npy")), expected = Npy(Resource("y.npy"));
int steps = x.Length / model.InputSize;

using RnnStream stream = model.CreateStream();
h0.CopyTo(stream.Hidden(0, 0));
float[] y = new float[model.HiddenSize];
float worst = 0;
for (int t = 0; t < steps; t++)
{
    stream.Step(x.AsSpan(t * model.InputSize, model.InputSize), y);
    for (int j = 0; j < y.Length; j++) worst = MathF.Max(worst, MathF.Abs(y[j] - expected[t * model.HiddenSize + j]));
}
Console.WriteLine($"{model.Cell} {model.InputSize} -> {model.HiddenSize} from an embedded resource, {steps} steps: " +
    $"largest difference from PyTorch {worst:E2}");
return worst <= 1e-5f ? 0 : 1;

// A float32 little-endian .npy (version 1): a 10-byte preamble whose last two bytes give the header length, then data.
static float[] Npy(Stream stream)
{
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    byte[] bytes = memory.ToArray();
    int dataStart = 10 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
    string header = System.Text.Encoding.ASCII.GetString(bytes, 10, dataStart - 10);
    if (!header.Contains("'<f4'") || header.Contains("'fortran_order': True")) throw new InvalidDataException("expected C-order float32 npy");
    var values = new float[(bytes.Length - dataStart) / 4];
    for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(dataStart + 4 * i));
    return values;
}
