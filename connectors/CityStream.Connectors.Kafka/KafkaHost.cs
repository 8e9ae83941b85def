using CityStream.Connectors.Kafka.Internal;
using CityStream.Engine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.Stream;

namespace CityStream.Connectors.Kafka;

/// <summary>
/// Runs the rule runtime inside a Streamiz (Kafka Streams for .NET) application: the source topics feed a processor that decodes
/// records, runs them through its stream task's own <see cref="RuleRuntime"/>, and writes alerts to <c>warnings.&lt;pack&gt;</c>
/// and to the extra sinks, and dead letters to the dead-letter topic, all before the record's offset can be committed
/// (at-least-once; alert ids are deterministic and sinks idempotent, so a replay rewrites the same alerts).
/// Partitions and the consumer group (the application id) give scale-out and fail-over.
/// Gives the same alerts as the <see cref="InProcessHost"/> for the same input in the same order.
/// </summary>
public sealed class KafkaHost : IAsyncDisposable
{
    private static readonly TimeSpan CleanStopTimeout = TimeSpan.FromSeconds(20);

    private readonly KafkaHostOptions _options;
    private readonly IReadOnlyList<IAlertSink> _extraSinks;
    private readonly HostCounters _counters = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<string> _warningTopics = new(StringComparer.Ordinal);
    private RuleSet _rules;
    private RuleHostContext? _context;
    private KafkaAlertSink? _warnings;
    private KafkaDeadLetterSink? _deadLetters;
    private KafkaStream? _stream;

    /// <summary>Creates a host; nothing connects before <see cref="StartAsync"/>.</summary>
    /// <param name="options">Broker, application id, topic prefix.</param>
    /// <param name="rules">The rules to run.</param>
    /// <param name="extraSinks">Sinks written besides the warning topics (e.g. Redis), before the record's offset is committed. The caller owns them.</param>
    public KafkaHost(KafkaHostOptions options, RuleSet rules, IReadOnlyList<IAlertSink> extraSinks)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(extraSinks);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.BootstrapServers);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ApplicationId);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WarningTopicPartitions, 1);
        _options = options;
        _rules = rules;
        _extraSinks = extraSinks;
    }

    /// <summary>Events read (valid or not), across all stream tasks.</summary>
    public long EventsIn => _counters.EventsIn;

    /// <summary>Events run through the rules.</summary>
    public long EventsProcessed => _counters.EventsProcessed;

    /// <summary>Inputs dead-lettered (malformed, invalid, late, unknown source).</summary>
    public long DeadLettered => _counters.DeadLettered;

    /// <summary>Alerts written to the sinks.</summary>
    public long AlertsEmitted => _counters.AlertsEmitted;

    /// <summary>The source topics the application reads (with the prefix).</summary>
    public IReadOnlyList<string> SourceTopics => [.. SchemaRegistry.Default.Sources.Select(s => _options.TopicPrefix + s.Topic)];

    /// <summary>Creates the missing topics (sources, compacted <c>warnings.&lt;pack&gt;</c> keyed by alert id, the dead-letter topic), then starts the Streamiz application.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (_stream is not null)
        {
            throw new InvalidOperationException("the host is already started");
        }

        var topics = SourceTopics.Select(TopicProvisioner.Plain).ToList();
        topics.Add(TopicProvisioner.Plain(_options.TopicPrefix + _options.DeadLetterTopic));
        topics.AddRange(NewWarningTopics(_rules));
        await TopicProvisioner.EnsureAsync(_options.BootstrapServers, topics, ct).ConfigureAwait(false);

        _warnings = new KafkaAlertSink(_options.BootstrapServers, _options.TopicPrefix);
        _deadLetters = new KafkaDeadLetterSink(_options.BootstrapServers, _options.TopicPrefix, _options.DeadLetterTopic);
        _context = new RuleHostContext(_rules, _options.TopicPrefix, [_warnings, .. _extraSinks], _deadLetters, _counters, _stopping.Token);
        var config = StreamConfigFor(_options);
        _stream = new KafkaStream(BuildTopology(_context), config);
        ct.ThrowIfCancellationRequested();
        await _stream.StartAsync().ConfigureAwait(false);
    }

    /// <summary>Puts a new rule set in force (hot reload): every stream task's runtime swaps to it before its next record; rules that keep their id keep their state.</summary>
    public void SwapRules(RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var newTopics = NewWarningTopics(rules).ToList();
        if (newTopics.Count > 0 && _context is not null)
        {
            // A new pack's topic must be compacted; left to the broker's auto-creation it would not be.
            TopicProvisioner.EnsureAsync(_options.BootstrapServers, newTopics, CancellationToken.None).GetAwaiter().GetResult();
        }

        _rules = rules;
        if (_context is not null)
        {
            _context.Rules = rules;
        }

        EngineMetrics.PackReloads.Inc();
    }

    /// <summary>Stops the Streamiz application (processed offsets are committed) and closes the host's producers. The extra sinks stay open.</summary>
    public async Task StopAsync()
    {
        if (_stream is { } stream)
        {
            _stream = null;
            // Dispose signals the stream threads, waits for them, and commits what they processed; it blocks, so off the caller's thread.
            var close = Task.Run(stream.Dispose);
            if (await Task.WhenAny(close, Task.Delay(CleanStopTimeout)).ConfigureAwait(false) != close)
            {
                // A sink outage keeps a stream thread in its retry loop; end it so the thread can exit without committing that record.
                await _stopping.CancelAsync().ConfigureAwait(false);
            }

            await close.ConfigureAwait(false);
        }

        if (_warnings is not null)
        {
            await _warnings.DisposeAsync().ConfigureAwait(false);
            _warnings = null;
        }

        if (_deadLetters is not null)
        {
            await _deadLetters.DisposeAsync().ConfigureAwait(false);
            _deadLetters = null;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private IEnumerable<TopicSpecification> NewWarningTopics(RuleSet rules)
    {
        foreach (var pack in rules.Packs)
        {
            var topic = _options.TopicPrefix + Alert.TopicFor(pack.Name);
            if (_warningTopics.Add(topic))
            {
                yield return TopicProvisioner.Compacted(topic, _options.WarningTopicPartitions);
            }
        }
    }

    private Topology BuildTopology(RuleHostContext context)
    {
        // All source topics merge into one sub-topology, so stream task p reads partition p of every source with one runtime:
        // cross-source rules (correlate, absence, sequence) see the sources of a key whenever the producers key them alike
        // (the same key and murmur2_random land on the same partition number), and a single-partition run sees exactly what the
        // in-process host sees. Rules across differently keyed sources need the re-keyed second stage (DESIGN.md §4.10).
        var builder = new StreamBuilder();
        IKStream<byte[], byte[]>? merged = null;
        foreach (var source in SchemaRegistry.Default.Sources)
        {
            var stream = builder.Stream<byte[], byte[]>(_options.TopicPrefix + source.Topic);
            merged = merged is null ? stream : merged.Merge(stream, "merge-" + source.Name);
        }

        var processor = ProcessorBuilder.New<byte[], byte[]>().Processor<RuleProcessor>(context).Build();
        merged!.Process(processor, "rules");
        return builder.Build();
    }

    private static StreamConfig StreamConfigFor(KafkaHostOptions options) => new()
    {
        ApplicationId = options.ApplicationId,
        BootstrapServers = options.BootstrapServers,
        NumStreamThreads = options.Threads,
        StateDir = options.StateDirectory ?? Path.Combine(Path.GetTempPath(), "citystream-streamiz"),
        AutoOffsetReset = options.ReadFromEarliest ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest,
        CommitIntervalMs = options.CommitIntervalMs,
        Guarantee = ProcessingGuarantee.AT_LEAST_ONCE,
        // Nothing is forwarded to Streamiz's own producer today; set anyway so a later sink node places keys as Java clients do.
        Partitioner = Partitioner.Murmur2Random,
        Logger = StreamizLogging.Factory,
    };
}
