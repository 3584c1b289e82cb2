using Rnn.Runtime;
using Rnn.Runtime.IO;

namespace Rnn.Training.Parameters;

/// <summary>Loading parameter values from tensors all or nothing.</summary>
internal static class ParameterLoading
{
    /// <summary>
    /// Reads every parameter's tensor (by the parameter's name; shapes already checked by the caller) and rejects
    /// non-finite values, then copies them in: a bad last tensor leaves every parameter as it was.
    /// </summary>
    public static void ReadAll(ITensorSource source, IReadOnlyList<Parameter> parameters)
    {
        var values = new float[parameters.Count][];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = new float[parameters[i].Value.Length];
            FiniteCheck.Read(source, parameters[i].Name, values[i]);
        }
        for (int i = 0; i < values.Length; i++) values[i].CopyTo(parameters[i].Value, 0);
    }
}
