namespace CityStream.Connectors.Kafka;

/// <summary>Settings of the <see cref="KafkaHost"/>: where the broker is, what the Streamiz application is called, and how topics are named.</summary>
public sealed class KafkaHostOptions
{
    /// <summary>Kafka bootstrap servers, e.g. <c>127.0.0.1:9092</c>.</summary>
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>Streamiz application id: the consumer group and the prefix of internal topics.</summary>
    public string ApplicationId { get; set; } = "citystream";

    /// <summary>Prefix of every topic the host reads and writes (sources, <c>warnings.&lt;pack&gt;</c>, the dead-letter topic); empty in production, unique per test.</summary>
    public string TopicPrefix { get; set; } = string.Empty;

    /// <summary>Name of the dead-letter topic (before <see cref="TopicPrefix"/>).</summary>
    public string DeadLetterTopic { get; set; } = "city.dlq";

    /// <summary>Number of Streamiz stream threads.</summary>
    public int Threads { get; set; } = 1;

    /// <summary>Directory of Streamiz state (stores, checkpoints); null: a folder in the temp directory.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>Whether a consumer group with no committed offsets starts at the earliest offset (else the latest).</summary>
    public bool ReadFromEarliest { get; set; } = true;

    /// <summary>
    /// How often processed offsets are committed, in milliseconds. Each commit is preceded by writing the batch's alerts and dead
    /// letters to the sinks and checkpointing the rule state, so this is also the longest an alert waits before it is written.
    /// </summary>
    public int CommitIntervalMs { get; set; } = 1000;

    /// <summary>Partitions of a <c>warnings.&lt;pack&gt;</c> topic when the host creates it.</summary>
    public int WarningTopicPartitions { get; set; } = 4;
}
