using CityStream.Engine;

namespace CityStream.Connectors.Kafka;

/// <summary>Settings of the <see cref="KafkaHost"/>: where the broker is, what the Streamiz application is called, and how topics are named.</summary>
public sealed class KafkaHostOptions
{
    /// <summary>Kafka bootstrap servers, e.g. <c>127.0.0.1:9092</c>.</summary>
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>Application id: the consumer group and the prefix of internal topics (the state changelog).</summary>
    public string ApplicationId { get; set; } = "citystream";

    /// <summary>Prefix of every topic the host reads and writes (sources, <c>warnings.&lt;pack&gt;</c>, the dead-letter topic); empty in production, unique per test.</summary>
    public string TopicPrefix { get; set; } = string.Empty;

    /// <summary>Name of the dead-letter topic (before <see cref="TopicPrefix"/>).</summary>
    public string DeadLetterTopic { get; set; } = "city.dlq";

    /// <summary>How the source topics are consumed: by the host's own batched consumer loop (the default) or as a Streamiz application.</summary>
    public KafkaConsumption Consumption { get; set; } = KafkaConsumption.Batched;

    /// <summary>
    /// Threads that run the host's tasks (one per partition number) at once. Batched: one consumer, its tasks run on up to this many
    /// threads; Streamiz: this many stream threads, each a consumer-group member holding some of the partitions.
    /// </summary>
    public int Threads { get; set; } = 1;

    /// <summary>Directory of Streamiz state (stores, checkpoints) in the <see cref="KafkaConsumption.Streamiz"/> mode; null: a folder in the temp directory.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>Whether a consumer group with no committed offsets starts at the earliest offset (else the latest).</summary>
    public bool ReadFromEarliest { get; set; } = true;

    /// <summary>
    /// How often processed offsets are committed, in milliseconds. Each commit waits until the alerts and dead letters of the records
    /// it covers are in the sinks (they are written in the background as they come) and checkpoints the rule state first.
    /// </summary>
    public int CommitIntervalMs { get; set; } = 1000;

    /// <summary>
    /// The sources the host reads, one topic each (after <see cref="TopicPrefix"/>); null: the city's shipped sources
    /// (<see cref="SchemaRegistry.Default"/>). The rule set must be compiled against the same registry.
    /// </summary>
    public SchemaRegistry? Schemas { get; set; }

    /// <summary>
    /// Batched consumption only: read records through the .NET client's <c>Consume</c>, one record object each, instead of in batches
    /// straight from librdkafka. The host falls back to it by itself when the batch reader cannot be opened; tests set it to keep the
    /// fallback tested.
    /// </summary>
    internal bool ReadThroughClient { get; set; }

    /// <summary>Partitions of a <c>warnings.&lt;pack&gt;</c> topic when the host creates it.</summary>
    public int WarningTopicPartitions { get; set; } = 4;
}
