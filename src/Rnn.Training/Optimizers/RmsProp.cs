using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Training.Parameters;

namespace Rnn.Training.Optimizers;

/// <summary>
/// torch.optim.RMSprop, PyTorch defaults (lr 1e-2, alpha 0.99, eps 1e-8). Per element:
/// <code>
/// g = maximize ? -grad : grad
/// g += wd * p                                    (if weight_decay != 0)
/// sq = alpha*sq + (1-alpha)*g*g
/// if centered: ga = lerp(ga, g, 1-alpha); avg = sqrt(sq - ga*ga) + eps
/// else:        avg = sqrt(sq) + eps
/// if momentum > 0: buf = momentum*buf + g/avg; p += -lr*buf
/// else:            p += -lr*g/avg
/// </code>
/// All state starts at zero (no special first step).
/// </summary>
public sealed class RmsProp : Optimizer
{
    private readonly float[][] _squareAvg;
    private readonly float[][]? _gradAvg;
    private readonly float[][]? _momentumBuffer;

    public RmsProp(
        IReadOnlyList<Parameter> parameters,
        double learningRate = 1e-2,
        double alpha = 0.99,
        double epsilon = 1e-8,
        double weightDecay = 0,
        double momentum = 0,
        bool centered = false,
        bool maximize = false)
        : base(parameters, learningRate)
    {
        ValidateNonNegative(alpha, nameof(alpha));
        ValidateNonNegative(epsilon, nameof(epsilon));
        ValidateNonNegative(weightDecay, nameof(weightDecay));
        ValidateNonNegative(momentum, nameof(momentum));
        Alpha = alpha;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        Momentum = momentum;
        Centered = centered;
        Maximize = maximize;

        int count = Parameters.Count;
        _squareAvg = new float[count][];
        if (momentum > 0) _momentumBuffer = new float[count][];
        if (centered) _gradAvg = new float[count][];
        for (int i = 0; i < count; i++)
        {
            _squareAvg[i] = CreateStateBuffer(i, "square_avg");
            if (_momentumBuffer is not null) _momentumBuffer[i] = CreateStateBuffer(i, "momentum_buffer");
            if (_gradAvg is not null) _gradAvg[i] = CreateStateBuffer(i, "grad_avg");
        }
    }

    public double Alpha { get; }
    public double Epsilon { get; }
    public double WeightDecay { get; }
    public double Momentum { get; }
    public bool Centered { get; }
    public bool Maximize { get; }

    protected override void UpdateParameter(int index, Parameter parameter, long step)
    {
        float lerpWeight = (float)(1 - Alpha);
        var c = new RmsPropStepConstants
        {
            Alpha = (float)Alpha,
            OneMinusAlpha = lerpWeight,
            // ATen's lerp: small weights step from the start, large ones from the end (better rounding).
            LerpSmallWeight = MathF.Abs(lerpWeight) < 0.5f,
            LerpWeightMinusOne = lerpWeight - 1,
            Epsilon = (float)Epsilon,
            WeightDecay = (float)WeightDecay,
            Momentum = (float)Momentum,
            NegativeLearningRate = (float)(-LearningRate),
            Maximize = Maximize,
            HasWeightDecay = WeightDecay != 0,
            HasMomentum = _momentumBuffer is not null,
            Centered = Centered,
        };
        int length = parameter.Length;
        ref float p = ref MemoryMarshal.GetArrayDataReference(parameter.Value);
        ref float g = ref MemoryMarshal.GetArrayDataReference(parameter.Grad);
        ref float squareAvg = ref MemoryMarshal.GetArrayDataReference(_squareAvg[index]);
        ref float gradAvg = ref _gradAvg is null ? ref squareAvg : ref MemoryMarshal.GetArrayDataReference(_gradAvg[index]);
        ref float buffer = ref _momentumBuffer is null ? ref squareAvg : ref MemoryMarshal.GetArrayDataReference(_momentumBuffer[index]);

        var args = new Args(ref p, ref g, ref squareAvg, ref gradAvg, ref buffer, length, in c);
        KernelDispatch.RunRange<Kernel, Args>(KernelPath, ref args);
    }

    private static int Update<TOps, TVector>(
        int start, int length, ref float p, ref float g, ref float squareAvg, ref float gradAvg, ref float buffer,
        in RmsPropStepConstants c)
        where TOps : struct, IFloatVectorOps<TVector>
        where TVector : struct
    {
        TVector alpha = TOps.Broadcast(c.Alpha), oneMinusAlpha = TOps.Broadcast(c.OneMinusAlpha);
        TVector lerpCoefficient = TOps.Broadcast(c.LerpSmallWeight ? c.OneMinusAlpha : c.LerpWeightMinusOne);
        TVector epsilon = TOps.Broadcast(c.Epsilon), weightDecay = TOps.Broadcast(c.WeightDecay);
        TVector momentum = TOps.Broadcast(c.Momentum), negativeLearningRate = TOps.Broadcast(c.NegativeLearningRate);
        bool maximize = c.Maximize, hasWeightDecay = c.HasWeightDecay, hasMomentum = c.HasMomentum;
        bool centered = c.Centered, lerpSmallWeight = c.LerpSmallWeight;
        int i = start;
        for (; i <= length - TOps.Count; i += TOps.Count)
        {
            nuint at = (nuint)i;
            TVector param = TOps.Load(ref p, at);
            TVector grad = TOps.Load(ref g, at);
            if (maximize) grad = TOps.Negate(grad);
            if (hasWeightDecay) grad = TOps.MultiplyAdd(param, weightDecay, grad); // grad.add(param, alpha=wd)

            // square_avg.mul_(alpha).addcmul_(grad, grad, value=1-alpha)
            TVector sq = TOps.MultiplyAdd(TOps.Multiply(oneMinusAlpha, grad), grad, TOps.Multiply(TOps.Load(ref squareAvg, at), alpha));
            TOps.Store(sq, ref squareAvg, at);
            TVector avg;
            if (centered)
            {
                // grad_avg.lerp_(grad, 1-alpha); avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
                TVector ga = TOps.Load(ref gradAvg, at);
                ga = TOps.MultiplyAdd(lerpCoefficient, TOps.Subtract(grad, ga), lerpSmallWeight ? ga : grad);
                TOps.Store(ga, ref gradAvg, at);
                avg = TOps.Sqrt(TOps.MultiplyAdd(TOps.Negate(ga), ga, sq));
            }
            else
            {
                avg = TOps.Sqrt(sq);
            }
            avg = TOps.Add(avg, epsilon);

            if (hasMomentum)
            {
                // buf.mul_(momentum).addcdiv_(grad, avg); param.add_(buf, alpha=-lr)
                TVector buf = TOps.Add(TOps.Multiply(TOps.Load(ref buffer, at), momentum), TOps.Divide(grad, avg));
                TOps.Store(buf, ref buffer, at);
                param = TOps.MultiplyAdd(buf, negativeLearningRate, param);
            }
            else
            {
                // param.addcdiv_(grad, avg, value=-lr)
                param = TOps.Add(param, TOps.Divide(TOps.Multiply(negativeLearningRate, grad), avg));
            }
            TOps.Store(param, ref p, at);
        }
        return i;
    }

    private readonly ref struct Args
    {
        public readonly ref float PV;
        public readonly ref float GV;
        public readonly ref float SquareavgV;
        public readonly ref float GradavgV;
        public readonly ref float BufferV;
        public readonly int Length;
        public readonly RmsPropStepConstants Constants;

        public Args(ref float p, ref float g, ref float squareAvg, ref float gradAvg, ref float buffer, int length, in RmsPropStepConstants constants)
        {
            PV = ref p;
            GV = ref g;
            SquareavgV = ref squareAvg;
            GradavgV = ref gradAvg;
            BufferV = ref buffer;
            Length = length;
            Constants = constants;
        }
    }

    private readonly struct Kernel : IRangeKernel<Args>
    {
        public static int Run<TOps, TVector>(ref Args args, int from)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct =>
            Update<TOps, TVector>(from, args.Length, ref args.PV, ref args.GV, ref args.SquareavgV, ref args.GradavgV, ref args.BufferV, in args.Constants);
    }

    private struct RmsPropStepConstants
    {
        public float Alpha, OneMinusAlpha, LerpWeightMinusOne, Epsilon, WeightDecay, Momentum, NegativeLearningRate;
        public bool LerpSmallWeight, Maximize, HasWeightDecay, HasMomentum, Centered;
    }
}
