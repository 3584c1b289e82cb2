using Rnn.Tests.TestSupport;
using Rnn.Training.Losses;

namespace Rnn.Tests.Training.Losses;

[Collection(AllocationCollection.Name)]
public class LossAllocationTests
{
    [Fact]
    public void LossesAllocateNothingOnceWarm()
    {
        const int rows = 4, classes = 1300;
        float[] logits = LossReference.RandomFloats(1, rows * classes, 2.0);
        int[] targets = [5, SoftmaxCrossEntropyLoss.DefaultIgnoreIndex, 1299, 0];
        float[] mask = [1, 1, 0, 1];
        float[] y = LossReference.RandomFloats(2, rows * classes, 0.5, 0.5);
        var gradient = new float[logits.Length];

        void RunAll()
        {
            SoftmaxCrossEntropyLoss.Forward(logits, targets, classes, LossReduction.Mean, mask);
            SoftmaxCrossEntropyLoss.ForwardBackward(logits, targets, classes, gradient, LossReduction.Sum, mask);
            BinaryCrossEntropyWithLogitsLoss.ForwardBackward(logits, y, gradient, LossReduction.Mean, mask);
            BinaryCrossEntropyWithLogitsLoss.Forward(logits, y);
            MeanSquaredErrorLoss.ForwardBackward(logits, y, gradient, LossReduction.Mean, mask);
            MeanSquaredErrorLoss.Forward(logits, y, LossReduction.Sum);
        }

        RunAll();
        Assert.Equal(0, AllocatedBytes.Least(RunAll));
    }
}
