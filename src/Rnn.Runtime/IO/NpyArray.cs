namespace Rnn.Runtime.IO;

/// <summary>A float32 array read from a .npy file: its shape and its elements in C (row-major) order.</summary>
internal sealed class NpyArray
{
    /// <summary>Dimensions, outermost first.</summary>
    public int[] Shape { get; }

    /// <summary>The elements, C order.</summary>
    public float[] Data { get; }

    /// <summary>Wraps (does not copy) <paramref name="data"/>, whose length must be the product of the shape.</summary>
    public NpyArray(int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        TensorShapes.CheckValueCount(shape, data.Length);
        Shape = shape;
        Data = data;
    }
}
