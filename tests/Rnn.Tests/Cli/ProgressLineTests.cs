using Rnn.Cli.Progress;
using Rnn.Workloads;

namespace Rnn.Tests.Cli;

public class ProgressLineTests
{
    private static readonly TrainingProgress Halfway = new(5, 10, 0, 1.25, 1.5, 12, 40_000, 12);

    [Theory]
    [InlineData(0, 10, "[....................]   0%")]
    [InlineData(5, 10, "[##########..........]  50%")]
    [InlineData(1, 3, "[######..............]  33%")]
    [InlineData(10, 10, "[####################] 100%")]
    [InlineData(12, 10, "[####################] 100%")]
    [InlineData(3, 0, "[....................]   0%")]
    public void TheBarShowsTheFractionDone(long done, long total, string expected) =>
        Assert.Equal(expected, ProgressLine.Bar(done, total));

    /// <summary>On a terminal: one line, rewritten in place, led by the bar; an evaluation ends it with a newline.</summary>
    [Fact]
    public void ALiveLineIsRewrittenInPlaceWithTheBar()
    {
        var output = new StringWriter();
        var line = new ProgressLine("chars", output, live: true);
        line.OnEvaluation(Halfway);
        line.OnStep(Halfway with { Step = 6 }); // within the refresh interval: nothing
        string text = output.ToString();
        Assert.StartsWith("\r[##########..........]  50%  step 5/10 (epoch 0)  loss 1.2500  val 1.5000  40.0k chars/s", text);
        Assert.EndsWith(Environment.NewLine, text);
        Assert.DoesNotContain("step 6/", text);
    }

    /// <summary>Redirected (a log, CI): plain lines, no carriage returns and no bar.</summary>
    [Fact]
    public void ARedirectedLineIsPlain()
    {
        var output = new StringWriter();
        var line = new ProgressLine("chars", output, live: false);
        line.OnEvaluation(Halfway);
        Assert.Equal("step 5/10 (epoch 0)  loss 1.2500  val 1.5000  40.0k chars/s  12s elapsed  ETA 12s" + Environment.NewLine, output.ToString());
    }
}
