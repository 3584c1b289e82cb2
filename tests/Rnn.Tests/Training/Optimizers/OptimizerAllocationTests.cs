using Rnn.Tests.TestSupport;
using Rnn.Training.Optimizers;
using Rnn.Training.Parameters;

namespace Rnn.Tests.Training.Optimizers;

[Collection(AllocationCollection.Name)]
public class OptimizerAllocationTests
{
    [Theory]
    [MemberData(nameof(OptimizerCase.Names), MemberType = typeof(OptimizerCase))]
    public void StepAndZeroGradAllocateNothingOnceWarm(string caseName)
    {
        ParameterSet parameters = OptimizerTestData.CreateParameters(4, [257], [64, 3], [1]);
        Optimizer optimizer = OptimizerCase.Get(caseName).Create(parameters);
        OptimizerTestData.FillGradients(parameters, 5, 0.1f);
        optimizer.Step();
        optimizer.LearningRate = optimizer.LearningRate * 0.5;

        Assert.Equal(0, AllocatedBytes.Least(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                optimizer.Step();
                optimizer.LearningRate = optimizer.LearningRate * 0.99;
            }
            optimizer.ZeroGrad();
        }));
    }
}
