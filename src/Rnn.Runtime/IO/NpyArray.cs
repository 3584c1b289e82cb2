namespace Rnn.Runtime.IO;

/// <summary>A float32 array read from a .npy file: its shape and its elements in C (row-major) order.</summary>
public sealed class NpyArray
{
    public int[] Shape { get; }
    public float[] Data { get; }

    public NpyArray(int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        TensorShapes.CheckValueCount(shape, data.Length);
        Shape = shape;
        Data = data;
    }
}
