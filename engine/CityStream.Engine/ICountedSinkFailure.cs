namespace CityStream.Engine;

/// <summary>
/// Marks an exception a sink throws after counting the failure itself in <c>citystream_sink_errors_total</c> (e.g. when its own retries
/// give up), so that <see cref="SinkRetry"/> counts the retry but not the error a second time.
/// </summary>
public interface ICountedSinkFailure
{
}
