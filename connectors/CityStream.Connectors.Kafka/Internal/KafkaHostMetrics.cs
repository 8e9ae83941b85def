using Prometheus;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>Metrics of the batched Kafka host's consumer, labelled by application id (several hosts may share a process).</summary>
internal static class KafkaHostMetrics
{
    /// <summary>Tasks (partition numbers of the co-partitioned sources) the host's consumer holds.</summary>
    public static readonly Gauge Tasks = Metrics.CreateGauge(
        "citystream_kafka_tasks", "Tasks (partition p of every source topic) this process's consumer holds.", "application");

    /// <summary>Partitions assigned, revoked or lost in rebalances.</summary>
    public static readonly Counter Rebalances = Metrics.CreateCounter(
        "citystream_kafka_rebalances_total", "Consumer-group rebalance callbacks: tasks assigned, revoked (committed first) or lost (not committed).", "application", "kind");

    /// <summary>How long a commit took: sink writes waited for, state checkpointed to the changelog, offsets committed.</summary>
    public static readonly Histogram CommitDuration = Metrics.CreateHistogram(
        "citystream_kafka_commit_duration_seconds", "Time a commit took: waiting for the sinks to have the output, checkpointing the state to the changelog, committing the offsets.",
        new HistogramConfiguration
        {
            LabelNames = ["application"],
            Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        });
}
