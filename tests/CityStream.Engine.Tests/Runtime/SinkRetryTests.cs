namespace CityStream.Engine.Tests.Runtime;

public sealed class SinkRetryTests
{
    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 2)]
    public async Task A_failure_the_sink_counted_itself_is_retried_but_not_counted_again(bool countedBySink, double expectedErrors)
    {
        var name = "retry-" + Guid.NewGuid().ToString("N")[..8];
        var attempts = 0;

        await SinkRetry.RunAsync(name, _ =>
        {
            if (++attempts <= 2)
            {
                throw countedBySink ? new CountedFailure() : new InvalidOperationException("down");
            }

            return ValueTask.CompletedTask;
        }, CancellationToken.None);

        Assert.Equal(3, attempts);
        Assert.Equal(expectedErrors, EngineMetrics.SinkErrors.WithLabels(name).Value);
        Assert.Equal(2, EngineMetrics.SinkRetries.WithLabels(name).Value);
    }

    private sealed class CountedFailure : Exception, ICountedSinkFailure
    {
        public CountedFailure()
            : base("gave up after its own retries")
        {
        }
    }
}
