using System.Diagnostics;
using Confluent.Kafka;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// The consumer of the <see cref="KafkaConsumption.Batched"/> host: one member of the application's consumer group (range assignment,
/// so a member holds partition p of every co-partitioned source) with one <see cref="BatchedTask"/> per partition number. Its thread
/// polls what the consumer has buffered (up to <see cref="MaxPollRecords"/> and <see cref="MaxPollBytes"/>), runs the tasks that got records on up to
/// <see cref="BatchedThreadSettings.Workers"/> threads at once, and every commit interval writes the tasks' output to the sinks, their
/// changed state to the changelog, and then commits the offsets — the same order and the same at-least-once guarantee as the
/// Streamiz mode (see <see cref="RuleProcessor"/>), paid once per batch instead of per record.
/// </summary>
/// <remarks>
/// <para>
/// Why not Streamiz's stream thread here: Streamiz runs every record through its task, record queue, partition grouper and latency
/// sensors one at a time, which on the JSON benchmark (one event per record) was two thirds of the stream thread's time
/// (benchmarks/RESULTS.md). A consumer loop that takes records in bulk and runs them straight into the runtime keeps what Streamiz
/// gave that matters here — the consumer group, per-partition tasks, a changelog topic in Streamiz's record format, restore before
/// the first record — at a fraction of the cost. Librdkafka does not allow custom assignors, so Streamiz itself relies on the same
/// built-in assignment.
/// </para>
/// <para>
/// Why one consumer with worker threads rather than a consumer per thread (as Streamiz and Kafka Streams do): members of one process
/// join the group one after the other, and each join revokes every partition, commits, and restores the tasks from the changelog
/// again; one member per process rebalances only when processes come and go, and its tasks are spread over the workers batch by
/// batch, whatever partitions it holds.
/// </para>
/// </remarks>
internal sealed partial class BatchedConsumerLoop
{
    /// <summary>Records run per poll at most: enough to pay the loop's fixed costs rarely, few enough to keep the alert hand-off prompt.</summary>
    public const int MaxPollRecords = 10_000;

    /// <summary>
    /// Record bytes gathered per poll at most. Without it, a poll of Arrow records (~200 KB each) took up to 10,000 of them as fast as
    /// librdkafka refilled its queue: hundreds of MB held at once, all of them large-object allocations.
    /// </summary>
    public const int MaxPollBytes = 16 * 1024 * 1024;

    // librdkafka's max.partition.fetch.bytes: what a fetch takes of one partition at most (a larger record is still fetched whole).
    private const int FetchBytesPerPartition = 1024 * 1024;

    /// <summary>Native messages taken per librdkafka call at most (fewer while the records are large, see <see cref="PollNative"/>).</summary>
    private const int NativeBatchSize = 1024;

    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan FlushStep = TimeSpan.FromMilliseconds(100);
    private const long AlertFlushIntervalMs = 100;
    private const long StateMetricsIntervalMs = 10_000;

    private readonly RuleHostContext _host;
    private readonly BatchedThreadSettings _settings;
    private readonly Action<Exception> _onFailure;
    private readonly Thread _thread;
    private readonly IConsumer<Ignore, byte[]> _consumer;
    private readonly IProducer<byte[], byte[]?> _changelog;
    private readonly List<BatchedTask> _tasks = [];
    private readonly List<TopicPartitionOffset> _offsets = [];
    private readonly List<BatchedTask> _busy = [];
    private readonly ParallelOptions _parallel;
    private readonly Prometheus.Gauge.Child _tasksGauge;
    private readonly Prometheus.Histogram.Child _commitDuration;
    private readonly Action<DeliveryReport<byte[], byte[]?>> _onChangelogDelivery;
    private readonly string? _onlyTopic;
    private readonly NativeBatchReader? _reader;
    private readonly nint[] _messages = new nint[NativeBatchSize];

    // One buffer for the values of every task's gathered records: a poll holds at most MaxPollBytes (and one record), so after the
    // first polls it stops growing. Per task, each grew to a whole poll's size (one partition's records fill most polls). Sized for a
    // last record of up to 1 MiB (max.partition.fetch.bytes) without growing again.
    private readonly GatherBuffer _values = new(usualMaxBytes: MaxPollBytes + FetchBytesPerPartition);
    private readonly List<(byte[] Utf8, string Name)> _topicNames = [];
    private IConsumer<byte[], byte[]?>? _restoreReader;
    private Exception? _handlerFailure;
    private int _largestValue = 16 * 1024;
    private BatchedTask? _lastTask;
    private volatile bool _stopRequested;
    private int _taskCount;
    private long _recordsPolled;
    private long _recordsLeftForNextOwner;
    private volatile Error? _changelogError;

    public BatchedConsumerLoop(BatchedThreadSettings settings, RuleHostContext host, Action<Exception> onFailure)
    {
        _host = host;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.Workers };
        _tasksGauge = KafkaHostMetrics.Tasks.WithLabels(settings.ApplicationId);
        _commitDuration = KafkaHostMetrics.CommitDuration.WithLabels(settings.ApplicationId);
        _settings = settings;
        _onFailure = onFailure;
        _onChangelogDelivery = OnChangelogDelivery;
        var clientId = $"{settings.ApplicationId}-{Environment.ProcessId}";
        _onlyTopic = settings.SourceTopics.Count == 1 ? settings.SourceTopics[0] : null;
        _consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = settings.BootstrapServers,
            GroupId = settings.ApplicationId,
            ClientId = clientId,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = settings.ReadFromEarliest ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
            FetchQueueBackoffMs = ConsumerSettings.FetchQueueBackoffMs,
            // librdkafka's default, said here because 8 MiB was used before: it was chosen against the fetch backoff (Arrow records
            // of ~200 KB came a handful per fetch, then a second's wait). With fetches back to back, 1 MiB per partition keeps the
            // throughput and halves the host's memory (peers' rule on JSON: peak RSS 692-726 -> 291-312 MB, benchmarks/RESULTS.md).
            MaxPartitionFetchBytes = FetchBytesPerPartition,
            // A commit waits for the sinks; through a sink outage of up to this long the member stays in the group.
            MaxPollIntervalMs = 30 * 60 * 1000,
            // A subscribed topic the client's metadata did not show yet at the group join is left out of the assignment until the
            // next refresh: librdkafka's default of 5 min left a test host with its partition number assigned and none of the topic's
            // records for a whole minute (seen ~1 run in 10 of the integration suite). New partitions are picked up as soon, too.
            TopicMetadataRefreshIntervalMs = 10_000,
            // Reading one topic, a record's topic is known and there is nothing to merge by timestamp: the .NET client then skips, per
            // record, marshalling the topic name into a new string and reading the timestamp. The content-type header is always read.
            ConsumeResultFields = _onlyTopic is null ? "all" : "headers",
        })
            .SetPartitionsAssignedHandler((_, partitions) => Guarded(OnAssigned, partitions))
            .SetPartitionsRevokedHandler((_, partitions) => Guarded(OnRevoked, partitions))
            .SetPartitionsLostHandler((_, partitions) => Guarded(OnLost, partitions))
            .Build();
        if (settings.ReadNatively)
        {
            _reader = NativeBatchReader.TryOpen(_consumer, out var whyNot);
            if (_reader is null)
            {
                HostLog.NativeReadUnavailable(HostLog.Logger, settings.ApplicationId, whyNot);
            }
        }

        _changelog = new ProducerBuilder<byte[], byte[]?>(ProducerSettings.Create(settings.BootstrapServers, clientId + "-changelog")).Build();
        _thread = new Thread(Run) { Name = clientId, IsBackground = true };
    }

    /// <summary>Records taken from the consumer so far (diagnostics: read before they are counted as events, which waits for the sinks).</summary>
    public long RecordsPolled => Interlocked.Read(ref _recordsPolled);

    /// <summary>Records a batch call returned for partitions it had just revoked, left for their next owner (diagnostics).</summary>
    public long RecordsLeftForNextOwner => Interlocked.Read(ref _recordsLeftForNextOwner);

    /// <summary>The topic partitions the consumer is assigned now (diagnostics).</summary>
    public string Assignment
    {
        get
        {
            try
            {
                return string.Join(", ", _consumer.Assignment.Select(p => $"{p.Topic}[{p.Partition.Value}]"));
            }
            catch (ObjectDisposedException)
            {
                return "(consumer closed)";
            }
        }
    }

    /// <summary>Whether records are read through <see cref="NativeBatchReader"/>.</summary>
    public bool ReadsNatively => _reader is not null;

    /// <summary>Tasks (partition numbers) the consumer holds now.</summary>
    public int TaskCount => Volatile.Read(ref _taskCount);

    public void Start() => _thread.Start();

    /// <summary>Asks the thread to commit what it ran and leave the group; <see cref="Join"/> waits for it.</summary>
    public void RequestStop() => _stopRequested = true;

    public bool Join(TimeSpan timeout) => _thread.Join(timeout);

    private void Run()
    {
        try
        {
            _consumer.Subscribe(_settings.SourceTopics);
            var now = Environment.TickCount64;
            var nextCommit = now + _settings.CommitIntervalMs;
            var nextFlush = now + AlertFlushIntervalMs;
            var nextMetrics = now + StateMetricsIntervalMs;
            while (!_stopRequested)
            {
                if (Poll())
                {
                    RunGathered();
                }

                now = Environment.TickCount64;
                if (now >= nextCommit)
                {
                    Commit(_tasks);
                    nextCommit = now + _settings.CommitIntervalMs;
                }
                else if (now >= nextFlush)
                {
                    foreach (var task in _tasks)
                    {
                        task.Pipeline.HandOffOutput();
                    }

                    nextFlush = now + AlertFlushIntervalMs;
                }

                if (now >= nextMetrics)
                {
                    foreach (var task in _tasks)
                    {
                        task.Pipeline.PublishStateMetrics();
                    }

                    nextMetrics = now + StateMetricsIntervalMs;
                }
            }

            // Leaving the group revokes every partition: OnRevoked commits them.
            _consumer.Close();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (!(_host.Stopping.IsCancellationRequested && ex is OperationCanceledException or { InnerException: OperationCanceledException }))
            {
                _onFailure(ex);
            }
        }
        finally
        {
            // After a failure, dispose without closing: nothing more is committed, the group reassigns the partitions after the session
            // times out, and the records after the last commit are read again. The borrowed queue goes first: librdkafka waits for it.
            _reader?.Dispose();
            _consumer.Dispose();
            _restoreReader?.Dispose();
            _changelog.Dispose();
        }
    }

    private void RunGathered() => RunGathered(_tasks);

    /// <summary>Runs what <paramref name="tasks"/> gathered, tasks in parallel (each task's records in order, on one thread).</summary>
    private void RunGathered(List<BatchedTask> tasks)
    {
        _busy.Clear();
        foreach (var task in tasks)
        {
            if (task.HasGathered)
            {
                _busy.Add(task);
            }
        }

        if (_busy.Count == 1 || _parallel.MaxDegreeOfParallelism == 1)
        {
            foreach (var task in _busy)
            {
                task.RunGathered();
            }
        }
        else if (_busy.Count > 1)
        {
            Parallel.ForEach(_busy, _parallel, static task => task.RunGathered());
        }

        // Run for some tasks only (those revoked), the others' records are still to run from the buffer.
        foreach (var task in _tasks)
        {
            if (task.HasGathered)
            {
                return;
            }
        }

        _values.Reset();
    }

    /// <summary>
    /// Runs what the tasks have gathered, writes their output to every sink, checkpoints their changed state to the changelog and waits
    /// until the broker has it, then commits their offsets. Blocks while a sink is down (its writes retry until written or the host
    /// gives up); a failed write throws, and nothing after it is committed.
    /// </summary>
    private void Commit(List<BatchedTask> tasks)
    {
        var started = Stopwatch.GetTimestamp();
        RunGathered(tasks);
        var any = false;
        foreach (var task in tasks)
        {
            if (task.Uncommitted)
            {
                task.Pipeline.WriteOutput();
                any = true;
            }
        }

        if (!any)
        {
            return;
        }

        foreach (var task in tasks)
        {
            if (task.Uncommitted)
            {
                task.Pipeline.Checkpoint(task.State);
            }
        }

        FlushChangelog();
        _offsets.Clear();
        foreach (var task in tasks)
        {
            if (task.Uncommitted)
            {
                task.CollectOffsets(_offsets);
            }
        }

        if (_offsets.Count > 0)
        {
            try
            {
                _consumer.Commit(_offsets);
            }
            catch (KafkaException ex) when (!ex.Error.IsFatal)
            {
                // The member was dropped or the group is rebalancing: these offsets stay uncommitted (their records are read again,
                // at-least-once) and the next poll runs the rebalance (partitions revoked or lost, then assigned and restored).
                HostLog.CommitFailed(HostLog.Logger, _settings.ApplicationId, ex.Error.Reason);
                foreach (var task in tasks)
                {
                    task.MarkUncommitted();
                }

                return;
            }
        }

        _commitDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private void FlushChangelog()
    {
        while (_changelog.Flush(FlushStep) > 0)
        {
            _host.Stopping.ThrowIfCancellationRequested();
        }

        if (_changelogError is { } error)
        {
            throw new KafkaException(error);
        }
    }

    private void OnChangelogDelivery(DeliveryReport<byte[], byte[]?> report)
    {
        if (report.Error.IsError)
        {
            _changelogError ??= report.Error;
        }
    }
}
