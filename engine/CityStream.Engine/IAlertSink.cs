namespace CityStream.Engine;

/// <summary>
/// Where alerts go (Kafka warning topics, Redis, an NDJSON file, the console). Writes must be
/// idempotent on <see cref="Alert.Id"/>: the same alert written twice is one alert. A sink throws
/// when it could not write; the host retries with backoff and does not commit input offsets until
/// the write succeeded.
/// </summary>
public interface IAlertSink : IAsyncDisposable
{
    /// <summary>Name for logs and metrics (e.g. <c>redis</c>).</summary>
    string Name { get; }

    /// <summary>Writes a batch of alerts.</summary>
    ValueTask WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken);
}
