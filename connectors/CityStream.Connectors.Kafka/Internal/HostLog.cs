using Microsoft.Extensions.Logging;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>The host's own log messages (through the same logger factory as Streamiz's).</summary>
internal static partial class HostLog
{
    public static ILogger Logger { get; } = StreamizLogging.Factory.CreateLogger("CityStream.KafkaHost");

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "A stream thread of the Kafka host (application {ApplicationId}) failed; its partitions stop being processed until a restart")]
    public static partial void StreamThreadFailed(ILogger logger, string applicationId, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Every stream thread of the Kafka host (application {ApplicationId}) has died: nothing is processed any more")]
    public static partial void ApplicationFailed(ILogger logger, string applicationId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "The Kafka host (application {ApplicationId}) gave up waiting for its stream threads to close their consumers after {Seconds} s; offsets after its last commit will be read again")]
    public static partial void CloseAbandoned(ILogger logger, string applicationId, double seconds);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "The Kafka host (application {ApplicationId}) got a consumer error and goes on: {Reason}")]
    public static partial void ConsumerError(ILogger logger, string applicationId, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "The Kafka host (application {ApplicationId}) could not commit its offsets ({Reason}); their records will be read again after the rebalance")]
    public static partial void CommitFailed(ILogger logger, string applicationId, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "The Kafka host (application {ApplicationId}) reads its records through the client's Consume, one object per record, because the batch reader is not available: {Reason}")]
    public static partial void NativeReadUnavailable(ILogger logger, string applicationId, string reason);
}
