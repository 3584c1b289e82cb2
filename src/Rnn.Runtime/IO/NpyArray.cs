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
        long count = TensorShapes.ElementCountOfArgument(shape, nameof(shape));
        if (count != data.Length)
            throw new ArgumentException($"Shape {TensorShapes.Format(shape)} has {count} elements but {data.Length} values were given.", nameof(data));
        Shape = shape;
        Data = data;
    }
}
