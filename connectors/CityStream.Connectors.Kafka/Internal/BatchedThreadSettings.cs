namespace CityStream.Connectors.Kafka.Internal;

/// <summary>What every <see cref="BatchedConsumerLoop"/> of a host is told.</summary>
internal sealed record BatchedThreadSettings(
    string BootstrapServers,
    string ApplicationId,
    IReadOnlyList<string> SourceTopics,
    string ChangelogTopic,
    int CommitIntervalMs,
    bool ReadFromEarliest,
    int Workers,
    bool ReadNatively = true);
