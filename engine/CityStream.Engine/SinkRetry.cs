namespace CityStream.Engine;

/// <summary>Writes to a sink with exponential backoff, counting errors and retries, so an outage delays alerts but never loses them.</summary>
public static class SinkRetry
{
    /// <summary>Writes alerts, retrying failures with backoff (100 ms doubling to 10 s) until written or <paramref name="maxAttempts"/> is reached (0: until cancelled).</summary>
    public static async ValueTask WriteAsync(IAlertSink sink, IReadOnlyList<Alert> alerts, CancellationToken cancellationToken, int maxAttempts = 0)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await sink.WriteAsync(alerts, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && (maxAttempts == 0 || attempt < maxAttempts))
            {
                EngineMetrics.SinkErrors.WithLabels(sink.Name).Inc();
                EngineMetrics.SinkRetries.WithLabels(sink.Name).Inc();
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }
}
