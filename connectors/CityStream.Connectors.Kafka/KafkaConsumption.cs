namespace CityStream.Connectors.Kafka;

/// <summary>How a <see cref="KafkaHost"/> consumes its source topics. Both give the same alerts, checkpoint to the same changelog topic in the same format, and commit only what the sinks have.</summary>
public enum KafkaConsumption
{
    /// <summary>
    /// The host's own consumer-group members (one per thread) take what each poll returns in bulk and run it straight into the rule
    /// runtime; output, changelog and offsets are written once per commit. Several times faster than <see cref="Streamiz"/> on
    /// single-event records.
    /// </summary>
    Batched,

    /// <summary>A Streamiz application (Processor API): each record goes through Streamiz's task, record queue and processor.</summary>
    Streamiz,
}
