namespace CityStream.Connectors.Kafka.Internal;

/// <summary>The librdkafka consumer settings every CityStream consumer shares, whichever way it consumes.</summary>
internal static class ConsumerSettings
{
    /// <summary>
    /// <c>fetch.queue.backoff.ms</c>: when its queue is full (<c>queued.min.messages</c>, <c>queued.max.messages.kbytes</c>) librdkafka
    /// puts off a partition's next fetch by this long, 1 s by default, and a host that drains the queue in a fraction of that then waits
    /// with nothing to run. Measured on the peers' topic with a bare consumer: 0.69-0.77 M records/s at the default, 1.6-1.7 at 10 ms,
    /// with the same memory (benchmarks/RESULTS.md, round 7).
    /// </summary>
    public const int FetchQueueBackoffMs = 10;
}
