namespace CityStream.Connectors.Kafka.Internal;

/// <summary>Totals across every stream task of a host, updated with <see cref="Interlocked"/>.</summary>
internal sealed class HostCounters
{
    private long _eventsIn;
    private long _eventsProcessed;
    private long _deadLettered;
    private long _alertsEmitted;

    public long EventsIn => Interlocked.Read(ref _eventsIn);

    public long EventsProcessed => Interlocked.Read(ref _eventsProcessed);

    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    public long AlertsEmitted => Interlocked.Read(ref _alertsEmitted);

    /// <summary>Adds one record's outcome; the input count goes last so that a reader who sees it also sees where those events went.</summary>
    public void Add(long eventsIn, long processed, long deadLettered, long alerts)
    {
        if (processed != 0)
        {
            Interlocked.Add(ref _eventsProcessed, processed);
        }

        if (deadLettered != 0)
        {
            Interlocked.Add(ref _deadLettered, deadLettered);
        }

        if (alerts != 0)
        {
            Interlocked.Add(ref _alertsEmitted, alerts);
        }

        if (eventsIn != 0)
        {
            Interlocked.Add(ref _eventsIn, eventsIn);
        }
    }
}
