using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>Creates the topics a host reads and writes when they are missing, with the admin API.</summary>
internal static class TopicProvisioner
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Creates every topic of <paramref name="topics"/> that does not exist; existing topics are left as they are.</summary>
    public static async Task EnsureAsync(string bootstrapServers, IEnumerable<TopicSpecification> topics, CancellationToken cancellationToken)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var existing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var topic in admin.GetMetadata(MetadataTimeout).Topics)
        {
            if (topic.Error.Code == ErrorCode.NoError)
            {
                existing.Add(topic.Topic);
            }
        }

        var missing = topics.Where(t => !existing.Contains(t.Name)).DistinctBy(t => t.Name, StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await admin.CreateTopicsAsync(missing).ConfigureAwait(false);
        }
        catch (CreateTopicsException ex) when (ex.Results.TrueForAll(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Another instance created them first: what we wanted.
        }
    }

    /// <summary>
    /// Creates the missing source topics with as many partitions as the existing ones (the broker's default when none exists), so that
    /// all sources are co-partitioned: stream task p reads partition p of every source, and Streamiz gives the task's state changelog
    /// as many partitions as one of the sources (whichever it lists first), which must therefore be as many as there are tasks.
    /// </summary>
    /// <exception cref="InvalidOperationException">Existing source topics differ in their partition counts.</exception>
    public static async Task EnsureCoPartitionedAsync(string bootstrapServers, IReadOnlyList<string> sources, CancellationToken cancellationToken)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var partitions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var topic in admin.GetMetadata(MetadataTimeout).Topics)
        {
            if (topic.Error.Code == ErrorCode.NoError && sources.Contains(topic.Topic, StringComparer.Ordinal))
            {
                partitions[topic.Topic] = topic.Partitions.Count;
            }
        }

        var counts = partitions.Values.Distinct().ToList();
        if (counts.Count > 1)
        {
            throw new InvalidOperationException(
                "the source topics must have the same number of partitions (they are read together, partition by partition): "
                + string.Join(", ", partitions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));
        }

        var count = counts.Count == 1 ? counts[0] : -1;
        var missing = sources.Where(s => !partitions.ContainsKey(s)).Select(s => new TopicSpecification { Name = s, NumPartitions = count, ReplicationFactor = -1 });
        await EnsureAsync(bootstrapServers, missing, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until every partition of each of <paramref name="topics"/> has a leader (a topic just created may not have one yet).</summary>
    /// <exception cref="TimeoutException">Not within the metadata timeout.</exception>
    public static async Task WaitForLeadersAsync(string bootstrapServers, IReadOnlyCollection<string> topics, CancellationToken cancellationToken)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var deadline = DateTime.UtcNow + MetadataTimeout;
        while (true)
        {
            var led = new HashSet<string>(StringComparer.Ordinal);
            foreach (var metadata in admin.GetMetadata(MetadataTimeout).Topics)
            {
                if (metadata is { Error.Code: ErrorCode.NoError, Partitions.Count: > 0 } && metadata.Partitions.TrueForAll(p => p.Leader >= 0 && p.Error.Code == ErrorCode.NoError))
                {
                    led.Add(metadata.Topic);
                }
            }

            var waiting = topics.Where(t => !led.Contains(t)).ToList();
            if (waiting.Count == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"topics without a leader after {MetadataTimeout.TotalSeconds} s: {string.Join(", ", waiting)}");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The number of partitions of <paramref name="topic"/>.</summary>
    /// <exception cref="InvalidOperationException">The topic does not exist.</exception>
    public static int PartitionCount(string bootstrapServers, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, MetadataTimeout).Topics.SingleOrDefault(t => string.Equals(t.Topic, topic, StringComparison.Ordinal));
        return metadata is { Error.Code: ErrorCode.NoError, Partitions.Count: > 0 }
            ? metadata.Partitions.Count
            : throw new InvalidOperationException($"topic '{topic}' does not exist: {metadata?.Error.Reason ?? "no metadata"}");
    }

    /// <summary>A source or dead-letter topic: the broker's default partition count and replication.</summary>
    public static TopicSpecification Plain(string name) => new() { Name = name, NumPartitions = -1, ReplicationFactor = -1 };

    /// <summary>A warning topic: compacted, since records are keyed by alert id and a rewrite of an alert replaces it.</summary>
    public static TopicSpecification Compacted(string name, int partitions) => new()
    {
        Name = name,
        NumPartitions = partitions,
        ReplicationFactor = -1,
        Configs = new Dictionary<string, string>(StringComparer.Ordinal) { ["cleanup.policy"] = "compact" },
    };
}
