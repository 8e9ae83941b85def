using Confluent.Kafka;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>The settings every CityStream producer uses.</summary>
internal static class ProducerSettings
{
    /// <summary>
    /// An idempotent, acks=all producer. <c>murmur2_random</c> places keys on the partitions Java clients and Kafka Streams
    /// would choose (librdkafka's default, CRC32 <c>consistent_random</c>, does not), so downstream consumers keyed by alert id agree.
    /// </summary>
    public static ProducerConfig Create(string bootstrapServers, string clientId) => new()
    {
        BootstrapServers = bootstrapServers,
        ClientId = clientId,
        EnableIdempotence = true,
        Acks = Acks.All,
        Partitioner = Partitioner.Murmur2Random,
        LingerMs = 5,
        // Alerts are JSON with evidence and repeated field names: lz4 shrinks them several-fold for little CPU, which the broker
        // (sharing the box, in the benchmarks) and a compacted, retained warning topic both gain from.
        CompressionType = CompressionType.Lz4,
        MessageTimeoutMs = 60_000,
        // Every delivery handler here reads only the report's error: the default ("all") copies each message's headers and timestamp
        // back from librdkafka on its delivery thread.
        DeliveryReportFields = "status",
    };
}
