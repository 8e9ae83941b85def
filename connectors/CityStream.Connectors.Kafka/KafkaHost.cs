using CityStream.Connectors.Kafka.Internal;
using CityStream.Engine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Stream;

namespace CityStream.Connectors.Kafka;

/// <summary>
/// Runs the rule runtime on the source topics: each task (partition p of every source) decodes its records, runs them through its own
/// <see cref="RuleRuntime"/>, and writes alerts to <c>warnings.&lt;pack&gt;</c> and to the extra sinks, and dead letters to the
/// dead-letter topic, always before the offsets of their records are committed (at-least-once; alert ids are deterministic and sinks
/// idempotent, so a replay rewrites the same alerts). Each task checkpoints its runtime's state (the keys a batch changed) to the
/// changelog topic <c>{application id}-citystream-runtime-state-changelog</c> before the commit, and restores it from there after a
/// restart or a rebalance. The records are consumed by the host's own batched consumer loop (<see cref="KafkaConsumption.Batched"/>,
/// the default) or by a Streamiz application (<see cref="KafkaConsumption.Streamiz"/>); both write the changelog alike.
/// Partitions and the consumer group (the application id) give scale-out and fail-over; the source topics must be co-partitioned.
/// Gives the same alerts as the <see cref="InProcessHost"/> for the same input in the same order.
/// </summary>
public sealed class KafkaHost : IAsyncDisposable
{
    private static readonly TimeSpan CleanStopTimeout = TimeSpan.FromSeconds(20);

    // librdkafka's consumer close can hang for good in the rebalance callback it runs (confluentinc/librdkafka#4041; seen here
    // when the benchmarks stop short-lived hosts, still with Confluent.Kafka 2.16): after this much more the host stops waiting.
    // Nothing is lost: what was not committed is read again on the next start.
    private static readonly TimeSpan AbandonCloseTimeout = TimeSpan.FromSeconds(10);

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
    private BatchedConsumerLoop? _batched;
    private volatile Exception? _failure;

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

    /// <summary>Tasks (partition numbers) this host's batched consumer holds now; 0 in the Streamiz mode.</summary>
    internal int AssignedTasks => _batched?.TaskCount ?? 0;

    /// <summary>Records this host's batched consumer has taken so far; 0 in the Streamiz mode.</summary>
    internal long RecordsPolled => _batched?.RecordsPolled ?? 0;

    /// <summary>Records the batched consumer took for partitions it had just been revoked, left for their next owner; 0 in the Streamiz mode.</summary>
    internal long RecordsLeftForNextOwner => _batched?.RecordsLeftForNextOwner ?? 0;

    /// <summary>The batched consumer's topic partitions now (diagnostics; empty in the Streamiz mode).</summary>
    internal string Assignment => _batched?.Assignment ?? string.Empty;

    /// <summary>Whether the batched consumer reads librdkafka's messages in place (<see cref="NativeBatchReader"/>), not through the client's Consume.</summary>
    internal bool ReadsNatively => _batched?.ReadsNatively ?? false;

    /// <summary>Inputs dead-lettered (malformed, invalid, late, unknown source).</summary>
    public long DeadLettered => _counters.DeadLettered;

    /// <summary>Alerts written to the sinks.</summary>
    public long AlertsEmitted => _counters.AlertsEmitted;

    /// <summary>
    /// Why a stream thread of the application failed (its partitions are not processed until the host is restarted), or null while all
    /// run. Also logged, and thrown by <see cref="StopAsync"/>.
    /// </summary>
    public Exception? Failure => _failure;

    /// <summary>The compacted topic each task checkpoints its rule state to (one partition per task), in both consumption modes.</summary>
    public string ChangelogTopic => _options.ApplicationId + "-" + RuntimeStateStore.Name + "-changelog";

    /// <summary>The source topics the application reads (with the prefix).</summary>
    public IReadOnlyList<string> SourceTopics => [.. Schemas.Sources.Select(s => _options.TopicPrefix + s.Topic)];

    private SchemaRegistry Schemas => _options.Schemas ?? SchemaRegistry.Default;

    /// <summary>
    /// Creates the missing topics (sources, with as many partitions as the existing sources; compacted <c>warnings.&lt;pack&gt;</c> keyed
    /// by alert id; the dead-letter topic), then starts the Streamiz application.
    /// </summary>
    /// <exception cref="InvalidOperationException">The existing source topics differ in their partition counts.</exception>
    public async Task StartAsync(CancellationToken ct)
    {
        if (_stream is not null || _batched is not null)
        {
            throw new InvalidOperationException("the host is already started");
        }

        await TopicProvisioner.EnsureCoPartitionedAsync(_options.BootstrapServers, SourceTopics, ct).ConfigureAwait(false);
        var topics = new List<TopicSpecification> { TopicProvisioner.Plain(_options.TopicPrefix + _options.DeadLetterTopic) };
        topics.AddRange(NewWarningTopics(_rules));
        await TopicProvisioner.EnsureAsync(_options.BootstrapServers, topics, ct).ConfigureAwait(false);
        // A topic created a moment ago may not be served yet: a producer that asks too early marks it unknown and holds its
        // messages for up to topic.metadata.propagation.max.ms.
        await TopicProvisioner.WaitForLeadersAsync(_options.BootstrapServers, [.. topics.Select(t => t.Name), .. SourceTopics], ct).ConfigureAwait(false);

        _warnings = new KafkaAlertSink(_options.BootstrapServers, _options.TopicPrefix);
        _deadLetters = new KafkaDeadLetterSink(_options.BootstrapServers, _options.TopicPrefix, _options.DeadLetterTopic);
        _context = new RuleHostContext(_rules, Schemas, _options.TopicPrefix, [_warnings, .. _extraSinks], _deadLetters, _counters, _stopping.Token);
        if (_options.Consumption == KafkaConsumption.Batched)
        {
            await StartBatchedAsync(_context, ct).ConfigureAwait(false);
            return;
        }

        var config = StreamConfigFor(_options);
        config.InnerExceptionHandler = OnStreamThreadException;
        _stream = new KafkaStream(BuildTopology(_context), config);
        _stream.StateChanged += OnStateChanged;
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

    }

    /// <summary>
    /// Stops the Streamiz application (the output of processed records is written to the sinks, the runtime state checkpointed, the
    /// offsets committed) and closes the host's producers. The extra sinks stay open.
    /// </summary>
    /// <exception cref="InvalidOperationException">A stream thread had failed while the host ran (see <see cref="Failure"/>); the host is stopped all the same.</exception>
    public async Task StopAsync()
    {
        var stopped = false;
        if (_batched is { } batched)
        {
            stopped = true;
            _batched = null;
            await StopBatchedAsync(batched).ConfigureAwait(false);
        }

        if (_stream is { } stream)
        {
            stopped = true;
            _stream = null;
            // Dispose signals the stream threads, waits for them, and commits what they processed; it blocks, so off the caller's thread.
            var close = Task.Run(stream.Dispose);
            if (await Task.WhenAny(close, Task.Delay(CleanStopTimeout)).ConfigureAwait(false) != close)
            {
                // A sink outage keeps a stream thread in its retry loop; end it so the thread can exit without committing that record.
                await _stopping.CancelAsync().ConfigureAwait(false);
                if (await Task.WhenAny(close, Task.Delay(AbandonCloseTimeout)).ConfigureAwait(false) != close)
                {
                    HostLog.CloseAbandoned(HostLog.Logger, _options.ApplicationId, (CleanStopTimeout + AbandonCloseTimeout).TotalSeconds);
                    close = Task.CompletedTask;
                }
            }

            await close.ConfigureAwait(false);
        }

        if (stopped && !_stopping.IsCancellationRequested)
        {
            // Writes still retrying (of tasks dropped when their partitions were lost, or after a failure) end before the sinks close.
            await _stopping.CancelAsync().ConfigureAwait(false);
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

        if (stopped && _failure is { } failure)
        {
            throw new InvalidOperationException("a stream thread of the Kafka host failed: " + failure.Message, failure);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException) when (_failure is not null)
        {
            // Already logged when it happened, and kept in Failure; disposing must not throw.
        }

        _stopping.Dispose();
    }

    private async Task StartBatchedAsync(RuleHostContext context, CancellationToken ct)
    {
        var sources = SourceTopics;
        var changelog = ChangelogTopic;
        var partitions = TopicProvisioner.PartitionCount(_options.BootstrapServers, sources[0]);
        await TopicProvisioner.EnsureAsync(_options.BootstrapServers, [TopicProvisioner.Compacted(changelog, partitions)], ct).ConfigureAwait(false);
        await TopicProvisioner.WaitForLeadersAsync(_options.BootstrapServers, [changelog], ct).ConfigureAwait(false);
        var settings = new BatchedThreadSettings(_options.BootstrapServers, _options.ApplicationId, sources, changelog, _options.CommitIntervalMs, _options.ReadFromEarliest, _options.Threads, ReadNatively: !_options.ReadThroughClient);
        ct.ThrowIfCancellationRequested();
        var batched = new BatchedConsumerLoop(settings, context, OnBatchedLoopFailed);
        _batched = batched;
        batched.Start();
    }

    private async Task StopBatchedAsync(BatchedConsumerLoop batched)
    {
        batched.RequestStop();

        // The loop commits what it ran and leaves the group; Join blocks, so off the caller's thread.
        var joined = Task.Run(() => batched.Join(CleanStopTimeout));
        if (await Task.WhenAny(joined, Task.Delay(CleanStopTimeout)).ConfigureAwait(false) == joined && await joined.ConfigureAwait(false))
        {
            return;
        }

        // A sink outage keeps the loop in its retry loop; end it so the thread can exit without committing.
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (!await Task.Run(() => batched.Join(AbandonCloseTimeout)).ConfigureAwait(false))
        {
            HostLog.CloseAbandoned(HostLog.Logger, _options.ApplicationId, (CleanStopTimeout + AbandonCloseTimeout).TotalSeconds);
        }
    }

    private void OnBatchedLoopFailed(Exception exception)
    {
        Interlocked.CompareExchange(ref _failure, exception, null);
        HostLog.StreamThreadFailed(HostLog.Logger, _options.ApplicationId, exception);
        HostLog.ApplicationFailed(HostLog.Logger, _options.ApplicationId);
    }

    private ExceptionHandlerResponse OnStreamThreadException(Exception exception)
    {
        // When the host gave up waiting for a clean stop it cancelled the sink retries itself: that ends a thread, but is no failure.
        if (!(_stopping.IsCancellationRequested && exception is OperationCanceledException or { InnerException: OperationCanceledException }))
        {
            Interlocked.CompareExchange(ref _failure, exception, null);
            HostLog.StreamThreadFailed(HostLog.Logger, _options.ApplicationId, exception);
        }

        return ExceptionHandlerResponse.FAIL;
    }

    private void OnStateChanged(KafkaStream.State oldState, KafkaStream.State newState)
    {
        // Streamiz moves to ERROR when its last stream thread died, also for errors it does not pass to the exception handler
        // (a failed write to its own producer, e.g. of the changelog).
        if (KafkaStream.State.ERROR.Equals(newState))
        {
            Interlocked.CompareExchange(ref _failure, new InvalidOperationException($"every stream thread of the Kafka host (application {_options.ApplicationId}) has died"), null);
            HostLog.ApplicationFailed(HostLog.Logger, _options.ApplicationId);
        }
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
        foreach (var source in Schemas.Sources)
        {
            var stream = builder.Stream(_options.TopicPrefix + source.Topic, new NullKeyAsEmptySerDes(), new ByteArraySerDes());
            merged = merged is null ? stream : merged.Merge(stream, "merge-" + source.Name);
        }

        var processor = ProcessorBuilder.New<byte[], byte[]>()
            .Processor<RuleProcessor>(context)
            .StateStore(RuntimeStateStore.Builder(context.CommitHooks))
            .Build();
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
        // Streamiz's Guarantee setter resets the commit interval to the guarantee's default (30 s for at-least-once): set it first.
        Guarantee = ProcessingGuarantee.AT_LEAST_ONCE,
        CommitIntervalMs = options.CommitIntervalMs,
        // Nothing is forwarded to Streamiz's own producer today; set anyway so a later sink node places keys as Java clients do.
        Partitioner = Partitioner.Murmur2Random,
        // With it, librdkafka's default fetch of 1 MiB per partition is enough for Arrow records too (see BatchedConsumerLoop).
        FetchQueueBackoffMs = ConsumerSettings.FetchQueueBackoffMs,
        Logger = StreamizLogging.Factory,
    };
}
