using CityStream.Connectors.Simulator.Internal.Outputs;

namespace CityStream.Connectors.Simulator;

/// <summary>Runs a simulator to NDJSON files, Arrow IPC files or a Kafka cluster.</summary>
public static class SimulatorOutputs
{
    /// <summary>
    /// Writes <c>&lt;topic&gt;.ndjson</c> per source topic (one JSON event per line, Arrow batches expanded; a malformed
    /// record stays a malformed line, a corrupted batch one truncated line), <c>labels.ndjson</c> and <c>ref/*.geojson</c>.
    /// </summary>
    public static Task<SimulationSummary> WriteNdjsonAsync(CitySimulator sim, string directory, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return Task.Run(() => FileOutputs.WriteNdjson(sim, directory, ct), ct);
    }

    /// <summary>
    /// Writes <c>&lt;topic&gt;.arrow</c> per source topic (one Arrow IPC stream of many batches holding the valid events;
    /// malformed records cannot be represented and are left out, the summary counts them), <c>labels.ndjson</c> and <c>ref/</c>.
    /// </summary>
    public static Task<SimulationSummary> WriteArrowAsync(CitySimulator sim, string directory, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return Task.Run(() => FileOutputs.WriteArrow(sim, directory, ct), ct);
    }

    /// <summary>
    /// Creates the source topics (admin API; existing ones are kept) and produces every record, keyed, with a
    /// <c>content-type</c> header, using murmur2_random partitioning, linger.ms 5, lz4, acks=all and idempotence; flushes
    /// before returning. Record timestamps are the producer's clock (event time is in the payload).
    /// </summary>
    /// <param name="sim">The simulator.</param>
    /// <param name="bootstrapServers">Kafka bootstrap servers.</param>
    /// <param name="partitions">Partitions of each created topic.</param>
    /// <param name="ct">Stops producing (what was produced is flushed).</param>
    /// <param name="topicName">Maps a source topic (e.g. <c>city.hotline</c>) to the topic to write (e.g. with a per-test suffix); identity when null.</param>
    public static Task<SimulationSummary> WriteKafkaAsync(CitySimulator sim, string bootstrapServers, int partitions, CancellationToken ct, Func<string, string>? topicName = null)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentException.ThrowIfNullOrEmpty(bootstrapServers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitions);
        return KafkaOutput.WriteAsync(sim, bootstrapServers, partitions, topicName ?? (t => t), ct);
    }
}
