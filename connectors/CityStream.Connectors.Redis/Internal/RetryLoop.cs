using CityStream.Engine;

namespace CityStream.Connectors.Redis.Internal;

/// <summary>Retries a Redis operation with exponential backoff, counting errors and retries in the sink metrics.</summary>
internal sealed class RetryLoop(int maxRetries, TimeSpan initialBackoff, string sinkLabel)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public async Task<T> RunAsync<T>(Func<Task<T>> attempt, string what, CancellationToken cancellationToken)
    {
        var backoff = initialBackoff;
        for (var retry = 0; ; retry++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await attempt().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                EngineMetrics.SinkErrors.WithLabels(sinkLabel).Inc();
                if (retry >= maxRetries)
                {
                    throw new RedisSinkException($"Redis sink could not {what} after {maxRetries} retries: {error.Message}", error);
                }
            }

            EngineMetrics.SinkRetries.WithLabels(sinkLabel).Inc();
            await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
            backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
        }
    }
}
