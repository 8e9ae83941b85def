using CityStream.Engine;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>Writes dead letters with the sinks' backoff (<see cref="SinkRetry"/>), keeping each record's content type.</summary>
internal static class DeadLetterRetry
{
    private const string SinkName = "kafka-dlq";

    public static async Task WriteAsync(KafkaDeadLetterSink sink, IReadOnlyList<DeadLetter> letters, IReadOnlyList<string?> recordContentTypes, CancellationToken cancellationToken)
    {
        await SinkRetry.RunAsync(SinkName, ct => sink.WriteLettersAsync(letters, recordContentTypes, ct), cancellationToken).ConfigureAwait(false);
        EngineMetrics.SinkWrites.WithLabels(SinkName).Inc(letters.Count);
    }
}
