// A minimal NativeAOT program: a model, a stream, a few steps. Prints the kernel path NativeAOT's instruction set gave
// and a checksum of the outputs, which a JIT run (`dotnet run`) of the same program prints too.
using Rnn.Runtime;

using RnnModel model = RnnModel.CreateRandom(CellKind.Gru, inputSize: 16, hiddenSize: 32, seed: 7);
using RnnStream stream = model.CreateStream();
float[] x = new float[model.InputSize], h = new float[model.HiddenSize];
double sum = 0;
for (int t = 0; t < 100; t++)
{
    for (int i = 0; i < x.Length; i++) x[i] = MathF.Sin(0.1f * (t * x.Length + i));
    stream.Step(x, h);
    foreach (float v in h) sum += v;
}
Console.WriteLine($"gru 16 -> 32, 100 steps on {model.KernelPath}: sum of outputs {sum:F4}");
