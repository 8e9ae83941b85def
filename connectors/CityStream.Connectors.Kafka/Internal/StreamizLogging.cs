using Microsoft.Extensions.Logging;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// The logger factory handed to Streamiz. Streamiz keeps the last one it was given in a static and uses it from every later
/// <c>StreamBuilder</c> and stream thread, so it is one per process and never disposed.
/// </summary>
internal static class StreamizLogging
{
    public static ILoggerFactory Factory { get; } = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Warning).AddConsole());
}
