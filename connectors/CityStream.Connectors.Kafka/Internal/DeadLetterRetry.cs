using CityStream.Engine;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>Writes dead letters with the same backoff as <see cref="SinkRetry"/> (100 ms doubling to 10 s, until written or cancelled).</summary>
internal static class DeadLetterRetry
{
    private const string SinkName = "kafka-dlq";

    public static async Task WriteAsync(KafkaDeadLetterSink sink, IReadOnlyList<DeadLetter> letters, IReadOnlyList<string?> recordContentTypes, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await sink.WriteLettersAsync(letters, recordContentTypes, cancellationToken).ConfigureAwait(false);
                EngineMetrics.SinkWrites.WithLabels(SinkName).Inc(letters.Count);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                EngineMetrics.SinkErrors.WithLabels(SinkName).Inc();
                EngineMetrics.SinkRetries.WithLabels(SinkName).Inc();
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }
}
