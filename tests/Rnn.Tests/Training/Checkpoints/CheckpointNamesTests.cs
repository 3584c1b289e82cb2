using Rnn.Runtime;
using Rnn.Runtime.IO;
using Rnn.Training.Checkpoints;
using Rnn.Training.Models;
using Rnn.Training.Optimizers;
using Rnn.Tests.TestSupport;

namespace Rnn.Tests.Training.Checkpoints;

public class CheckpointNamesTests
{
    /// <summary>
    /// PyTorch's <c>load_state_dict(strict=True)</c> of an Embedding → nn.LSTM → Linear module named embedding/rnn/fc
    /// takes exactly these names and shapes; everything else a checkpoint holds is under "optimizer." or "run.".
    /// </summary>
    [Fact]
    public void TheModelsTensorsHavePyTorchsNamesAndShapesAndTheRestIsUnderOptimizerOrRun()
    {
        var config = new SequenceModelConfig { VocabularySize = 11, EmbeddingSize = 4, Cell = "lstm", HiddenSize = 5, NumLayers = 2, OutputSize = 11 };
        SequenceModel model = SequenceModel.Create(config, seed: 3);
        var adam = new Adam(model.Parameters, learningRate: 1e-3);
        using var tmp = new TempDirectory();
        string path = tmp.File("checkpoint.safetensors");
        Checkpoint.Save(path, "test", model, adam, new RunState { Step = 1 }, carriedState: new float[7]);

        using var file = SafeTensorsFile.Open(path);
        var expected = new Dictionary<string, int[]>
        {
            ["embedding.weight"] = [11, 4],
            ["rnn.weight_ih_l0"] = [20, 4], ["rnn.weight_hh_l0"] = [20, 5], ["rnn.bias_ih_l0"] = [20], ["rnn.bias_hh_l0"] = [20],
            ["rnn.weight_ih_l1"] = [20, 5], ["rnn.weight_hh_l1"] = [20, 5], ["rnn.bias_ih_l1"] = [20], ["rnn.bias_hh_l1"] = [20],
            ["fc.weight"] = [11, 5], ["fc.bias"] = [11],
        };
        var modelNames = file.Names.Where(n => !n.StartsWith(Checkpoint.OptimizerPrefix, StringComparison.Ordinal) && !n.StartsWith("run.", StringComparison.Ordinal));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), modelNames.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in expected)
        {
            Assert.True(file.TryGetShape(name, out int[] actual));
            Assert.Equal(shape, actual);
        }
        Assert.Contains(Checkpoint.CarriedStateName, file.Names);
        Assert.Contains(file.Names, n => n.StartsWith(Checkpoint.OptimizerPrefix, StringComparison.Ordinal));
    }
}
