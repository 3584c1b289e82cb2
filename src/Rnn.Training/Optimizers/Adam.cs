using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Rnn.Runtime;
using Rnn.Runtime.Kernels;
using Rnn.Training.Parameters;

namespace Rnn.Training.Optimizers;

/// <summary>
/// torch.optim.Adam (single-tensor form), float32 state, PyTorch defaults. Per element, at step t:
/// <code>
/// g = maximize ? -grad : grad
/// if decoupled: p *= 1 - lr*wd            (AdamW)
/// else:         g += wd * p               (L2 penalty added to the gradient)
/// m = beta1*m + (1-beta1)*g
/// v = beta2*v + (1-beta2)*g*g
/// vmax = max(vmax, v) if amsgrad
/// p += -(lr / (1-beta1^t)) * m / (sqrt(amsgrad ? vmax : v) / sqrt(1-beta2^t) + eps)
/// </code>
/// Bias corrections and the step size are computed in double (Python floats), then rounded to float.
/// </summary>
public class Adam : Optimizer
{
    private readonly float[][] _expAvg;
    private readonly float[][] _expAvgSq;
    private readonly float[][]? _maxExpAvgSq;
    private AdamStepConstants _constants;

    public Adam(
        IReadOnlyList<Parameter> parameters,
        double learningRate = 1e-3,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double epsilon = 1e-8,
        double weightDecay = 0,
        bool amsgrad = false,
        bool maximize = false,
        bool decoupledWeightDecay = false)
        : base(parameters, learningRate)
    {
        ValidateUnitInterval(beta1, nameof(beta1));
        ValidateUnitInterval(beta2, nameof(beta2));
        ValidateNonNegative(epsilon, nameof(epsilon));
        ValidateNonNegative(weightDecay, nameof(weightDecay));
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        Amsgrad = amsgrad;
        Maximize = maximize;
        DecoupledWeightDecay = decoupledWeightDecay;

        int count = Parameters.Count;
        _expAvg = new float[count][];
        _expAvgSq = new float[count][];
        if (amsgrad) _maxExpAvgSq = new float[count][];
        for (int i = 0; i < count; i++)
        {
            _expAvg[i] = CreateStateBuffer(i, "exp_avg");
            _expAvgSq[i] = CreateStateBuffer(i, "exp_avg_sq");
            if (_maxExpAvgSq is not null) _maxExpAvgSq[i] = CreateStateBuffer(i, "max_exp_avg_sq");
        }
    }

    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }
    public double WeightDecay { get; }
    public bool Amsgrad { get; }
    public bool Maximize { get; }

    /// <summary>True for AdamW: weight decay shrinks the parameter instead of being added to the gradient.</summary>
    public bool DecoupledWeightDecay { get; }

    protected override void PrepareStep(long step)
    {
        double biasCorrection1 = 1 - Math.Pow(Beta1, step);
        double biasCorrection2 = 1 - Math.Pow(Beta2, step);
        _constants = new AdamStepConstants
        {
            Beta1 = (float)Beta1,
            OneMinusBeta1 = (float)(1 - Beta1),
            Beta2 = (float)Beta2,
            OneMinusBeta2 = (float)(1 - Beta2),
            Epsilon = (float)Epsilon,
            WeightDecay = (float)WeightDecay,
            Decay = (float)(1 - LearningRate * WeightDecay),
            BiasCorrection2Sqrt = (float)Math.Sqrt(biasCorrection2),
            NegativeStepSize = (float)(-(LearningRate / biasCorrection1)),
            Amsgrad = Amsgrad,
            Maximize = Maximize,
            CoupledDecay = !DecoupledWeightDecay && WeightDecay != 0,
            DecoupledDecay = DecoupledWeightDecay && WeightDecay != 0,
        };
    }

    protected override void UpdateParameter(int index, Parameter parameter, long step)
    {
        int length = parameter.Length;
        ref float p = ref MemoryMarshal.GetArrayDataReference(parameter.Value);
        ref float g = ref MemoryMarshal.GetArrayDataReference(parameter.Grad);
        ref float m = ref MemoryMarshal.GetArrayDataReference(_expAvg[index]);
        ref float v = ref MemoryMarshal.GetArrayDataReference(_expAvgSq[index]);
        ref float vMax = ref _maxExpAvgSq is null
            ? ref m // never read or written when amsgrad is off
            : ref MemoryMarshal.GetArrayDataReference(_maxExpAvgSq[index]);

        var args = new Args(ref p, ref g, ref m, ref v, ref vMax, length, in _constants);
        KernelDispatch.RunRange<Kernel, Args>(KernelPath, ref args);
    }

    /// <summary>Updates elements [start, start + k*Count) with k as large as fits in length; returns the end.</summary>
    private static int Update<TOps, TVector>(
        int start, int length, ref float p, ref float g, ref float m, ref float v, ref float vMax, in AdamStepConstants c)
        where TOps : struct, IFloatVectorOps<TVector>
        where TVector : struct
    {
        TVector beta1 = TOps.Broadcast(c.Beta1), oneMinusBeta1 = TOps.Broadcast(c.OneMinusBeta1);
        TVector beta2 = TOps.Broadcast(c.Beta2), oneMinusBeta2 = TOps.Broadcast(c.OneMinusBeta2);
        TVector weightDecay = TOps.Broadcast(c.WeightDecay), decay = TOps.Broadcast(c.Decay);
        TVector biasCorrection2Sqrt = TOps.Broadcast(c.BiasCorrection2Sqrt), epsilon = TOps.Broadcast(c.Epsilon);
        TVector negativeStepSize = TOps.Broadcast(c.NegativeStepSize);
        bool maximize = c.Maximize, coupledDecay = c.CoupledDecay, decoupledDecay = c.DecoupledDecay, amsgrad = c.Amsgrad;
        int i = start;
        for (; i <= length - TOps.Count; i += TOps.Count)
        {
            nuint at = (nuint)i;
            TVector param = TOps.Load(ref p, at);
            TVector grad = TOps.Load(ref g, at);
            if (maximize) grad = TOps.Negate(grad);
            if (coupledDecay) grad = TOps.MultiplyAdd(param, weightDecay, grad);   // grad.add(param, alpha=wd)
            if (decoupledDecay) param = TOps.Multiply(param, decay);              // param.mul_(1 - lr*wd)

            // exp_avg.mul_(beta1).add_(grad, alpha=1-beta1); exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1-beta2)
            TVector mNew = TOps.MultiplyAdd(grad, oneMinusBeta1, TOps.Multiply(TOps.Load(ref m, at), beta1));
            TVector vNew = TOps.MultiplyAdd(TOps.Multiply(oneMinusBeta2, grad), grad, TOps.Multiply(TOps.Load(ref v, at), beta2));
            TOps.Store(mNew, ref m, at);
            TOps.Store(vNew, ref v, at);
            if (amsgrad)
            {
                vNew = TOps.Max(TOps.Load(ref vMax, at), vNew);
                TOps.Store(vNew, ref vMax, at);
            }

            // denom = sqrt(v) / sqrt(bc2) + eps; param.addcdiv_(exp_avg, denom, value=-step_size)
            TVector denominator = TOps.Add(TOps.Divide(TOps.Sqrt(vNew), biasCorrection2Sqrt), epsilon);
            param = TOps.Add(param, TOps.Divide(TOps.Multiply(negativeStepSize, mNew), denominator));
            TOps.Store(param, ref p, at);
        }
        return i;
    }

    private readonly ref struct Args
    {
        public readonly ref float PV;
        public readonly ref float GV;
        public readonly ref float MV;
        public readonly ref float VV;
        public readonly ref float VmaxV;
        public readonly int Length;
        public readonly AdamStepConstants Constants;

        public Args(ref float p, ref float g, ref float m, ref float v, ref float vMax, int length, in AdamStepConstants constants)
        {
            PV = ref p;
            GV = ref g;
            MV = ref m;
            VV = ref v;
            VmaxV = ref vMax;
            Length = length;
            Constants = constants;
        }
    }

    private readonly struct Kernel : IRangeKernel<Args>
    {
        public static int Run<TOps, TVector>(ref Args args, int from)
            where TOps : struct, IFloatVectorOps<TVector>
            where TVector : struct =>
            Update<TOps, TVector>(from, args.Length, ref args.PV, ref args.GV, ref args.MV, ref args.VV, ref args.VmaxV, in args.Constants);
    }

    private struct AdamStepConstants
    {
        public float Beta1, OneMinusBeta1, Beta2, OneMinusBeta2, Epsilon, WeightDecay, Decay;
        public float BiasCorrection2Sqrt, NegativeStepSize;
        public bool Amsgrad, Maximize, CoupledDecay, DecoupledDecay;
    }
}
