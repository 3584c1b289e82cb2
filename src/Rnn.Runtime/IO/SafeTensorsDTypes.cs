namespace Rnn.Runtime.IO;

/// <summary>
/// The dtype names a safetensors header may use. Every known dtype has a size, so a file holding, say,
/// an I64 step counter beside float weights still opens and validates; only reading it as float fails.
/// </summary>
internal static class SafeTensorsDTypes
{
    /// <summary>Bits per element (sub-byte float formats F4/F6 exist in recent safetensors versions).</summary>
    public static bool TryGetBitSize(string dtype, out int bits)
    {
        bits = dtype switch
        {
            "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" or "F8_E8M0" => 8,
            "I16" or "U16" or "F16" or "BF16" => 16,
            "I32" or "U32" or "F32" => 32,
            "I64" or "U64" or "F64" or "C64" => 64,
            "F4" => 4,
            "F6_E2M3" or "F6_E3M2" => 6,
            _ => 0,
        };
        return bits != 0;
    }

    /// <summary>The float encodings <see cref="SafeTensorsFile.Read"/> converts to float32.</summary>
    public static bool TryGetFloatType(string dtype, out StoredFloatType type)
    {
        switch (dtype)
        {
            case "F32": type = StoredFloatType.Float32; return true;
            case "F16": type = StoredFloatType.Float16; return true;
            case "BF16": type = StoredFloatType.BFloat16; return true;
            default: type = default; return false;
        }
    }
}
