namespace Rnn.Runtime.IO;

/// <summary>Floating-point encodings that the readers convert to float32, all little-endian in the files.</summary>
internal enum StoredFloatType
{
    Float32,
    Float16,
    BFloat16,
    Float64,
}

internal static class StoredFloatTypes
{
    public static int ByteSize(StoredFloatType type) => type switch
    {
        StoredFloatType.Float32 => 4,
        StoredFloatType.Float16 => 2,
        StoredFloatType.BFloat16 => 2,
        StoredFloatType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
