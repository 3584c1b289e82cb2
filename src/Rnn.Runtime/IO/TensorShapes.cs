namespace Rnn.Runtime.IO;

/// <summary>Element counts and printable shapes, shared by the file formats' messages and checks.</summary>
internal static class TensorShapes
{
    /// <summary>Product of the dimensions (1 for a 0-d shape); false on a negative dimension or overflow.</summary>
    public static bool TryGetElementCount(ReadOnlySpan<int> shape, out long count)
    {
        count = 1;
        foreach (int dim in shape)
        {
            if (dim < 0) return false;
            // Dimensions fit in int, so the product of two stays below 2^62 before the check.
            if (dim != 0 && count > long.MaxValue / dim) return false;
            count *= dim;
        }
        return true;
    }

    /// <summary>Element count of a shape handed to an API; negative dimensions are the caller's bug.</summary>
    public static long ElementCountOfArgument(ReadOnlySpan<int> shape, string paramName)
    {
        if (!TryGetElementCount(shape, out long count))
            throw new ArgumentException($"Shape {Format(shape)} has a negative dimension or too many elements.", paramName);
        return count;
    }

    /// <summary>
    /// Checks that data handed to an API beside its shape holds exactly the shape's element count (arguments
    /// "shape" and "data"); <paramref name="tensorName"/>, if given, names the tensor in the message.
    /// </summary>
    public static void CheckValueCount(ReadOnlySpan<int> shape, int valueCount, string? tensorName = null)
    {
        long count = ElementCountOfArgument(shape, "shape");
        if (count != valueCount)
            throw new ArgumentException(tensorName is null
                ? $"Shape {Format(shape)} has {count} elements but {valueCount} values were given."
                : $"Tensor '{tensorName}' has shape {Format(shape)} ({count} elements) but {valueCount} values were given.", "data");
    }

    /// <summary>"[2, 3]"; "[]" for a 0-d tensor.</summary>
    public static string Format(ReadOnlySpan<int> shape) => $"[{Join(shape)}]";

    /// <summary>Python's tuple form, as PyTorch prints shapes and numpy writes them: "(2, 3)", "(5,)", "()".</summary>
    public static string FormatTuple(ReadOnlySpan<int> shape) => shape.Length == 1 ? $"({shape[0]},)" : $"({Join(shape)})";

    private static string Join(ReadOnlySpan<int> shape)
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) text.Append(", ");
            text.Append(shape[i]);
        }
        return text.ToString();
    }
}
