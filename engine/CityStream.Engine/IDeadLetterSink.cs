namespace CityStream.Engine;

/// <summary>Where dead letters go (the <c>city.dlq</c> Kafka topic, or an NDJSON file). Throws when it could not write.</summary>
public interface IDeadLetterSink : IAsyncDisposable
{
    /// <summary>Writes dead letters.</summary>
    ValueTask WriteAsync(IReadOnlyList<DeadLetter> deadLetters, CancellationToken cancellationToken);
}
