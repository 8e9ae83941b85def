namespace CityStream.Engine;

/// <summary>Writes to a sink with exponential backoff, counting errors and retries, so an outage delays alerts but never loses them.</summary>
public static class SinkRetry
{
    /// <summary>Writes alerts, retrying failures with backoff (100 ms doubling to 10 s) until written or <paramref name="maxAttempts"/> is reached (0: until cancelled).</summary>
    public static ValueTask WriteAsync(IAlertSink sink, IReadOnlyList<Alert> alerts, CancellationToken cancellationToken, int maxAttempts = 0)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return RunAsync(sink.Name, ct => sink.WriteAsync(alerts, ct), cancellationToken, maxAttempts);
    }

    /// <summary>Runs any sink write with the same backoff and counting (e.g. a dead-letter producer's own write call).</summary>
    /// <param name="sinkName">The sink's label in <c>citystream_sink_errors_total</c> and <c>citystream_sink_retries_total</c>.</param>
    /// <param name="write">One attempt of the write.</param>
    /// <param name="cancellationToken">Ends the retries.</param>
    /// <param name="maxAttempts">Attempts before the last failure is thrown (0: until cancelled).</param>
    public static async ValueTask RunAsync(string sinkName, Func<CancellationToken, ValueTask> write, CancellationToken cancellationToken, int maxAttempts = 0)
    {
        ArgumentNullException.ThrowIfNull(write);
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && (maxAttempts == 0 || attempt < maxAttempts))
            {
                if (ex is not ICountedSinkFailure)
                {
                    EngineMetrics.SinkErrors.WithLabels(sinkName).Inc();
                }

                EngineMetrics.SinkRetries.WithLabels(sinkName).Inc();
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }
}
