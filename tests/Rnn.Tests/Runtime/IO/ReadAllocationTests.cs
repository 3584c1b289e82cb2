using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Runtime.IO;

/// <summary>Re-reading a tensor into an existing buffer (e.g. reloading weights) allocates nothing once warm.</summary>
[Collection(AllocationCollection.Name)]
public sealed class ReadAllocationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("F32")]
    [InlineData("BF16")]
    public void Warm_Read_into_a_span_allocates_nothing(string dtype)
    {
        const int count = 50_000;
        string path = _temp.File($"alloc_{dtype}.safetensors");
        if (dtype == "F32")
        {
            var writer = new SafeTensorsWriter();
            writer.Add("w", [count], new float[count]);
            writer.Save(path);
        }
        else
        {
            File.WriteAllBytes(path, SafeTensorsBytes.Build($"{{\"w\":{{\"dtype\":\"BF16\",\"shape\":[{count}],\"data_offsets\":[0,{2 * count}]}}}}", 2 * count));
        }

        using SafeTensorsFile file = SafeTensorsFile.Open(path);
        var destination = new float[count];
        for (int i = 0; i < 3; i++) file.Read("w", destination);

        Assert.Equal(0, AllocatedBytes.Least(() => { for (int i = 0; i < 10; i++) file.Read("w", destination); }));
    }
}
