using CityStream.Engine;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>What every stream task's processor of one <see cref="KafkaHost"/> shares: the rules in force, the sinks, the counters.</summary>
internal sealed class RuleHostContext
{
    private volatile RuleSet _rules;

    public RuleHostContext(RuleSet rules, SchemaRegistry schemas, string topicPrefix, IReadOnlyList<IAlertSink> alertSinks, KafkaDeadLetterSink deadLetters, HostCounters counters, CancellationToken stopping)
    {
        _rules = rules;
        Schemas = schemas;
        TopicPrefix = topicPrefix;
        AlertSinks = alertSinks;
        DeadLetters = deadLetters;
        Counters = counters;
        Stopping = stopping;
    }

    /// <summary>The rule set in force; each task's runtime swaps to it before its next record.</summary>
    public RuleSet Rules
    {
        get => _rules;
        set => _rules = value;
    }

    public string TopicPrefix { get; }

    public SchemaRegistry Schemas { get; }

    /// <summary>The warning-topic sink first, then the extra sinks (e.g. Redis).</summary>
    public IReadOnlyList<IAlertSink> AlertSinks { get; }

    public KafkaDeadLetterSink DeadLetters { get; }

    public HostCounters Counters { get; }

    /// <summary>Where each task's runtime-state store waits for the task's processor.</summary>
    public CommitHooks CommitHooks { get; } = new();

    /// <summary>Cancelled when the host gives up waiting for a clean stop; ends sink retries so the stream threads can exit.</summary>
    public CancellationToken Stopping { get; }
}
