using CityStream.Engine;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.State;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// The Streamiz processor of the merged source topics: decodes each record (its <c>content-type</c> header says JSON or Arrow), runs the
/// events through this task's own <see cref="RuleRuntime"/>, and collects the alerts (for <c>warnings.&lt;pack&gt;</c> and the extra
/// sinks) and the dead letters; they are written per batch, and the runtime checkpointed to the task's state store, before Streamiz
/// commits the batch's offsets. Streamiz makes one instance per stream task (from the parameterised constructor), and calls it on that
/// task's stream thread only.
/// </summary>
/// <remarks>
/// <para>
/// Why the sinks are written when the state store is flushed: Streamiz 1.8 commits a task in two steps — <c>PrepareCommit</c> flushes
/// the task's state stores and then its producer, and only after that does the task manager commit the consumer offsets of every
/// prepared task (also when partitions are revoked and when the application closes). A record's offset becomes committable only once
/// <c>Process</c> has returned. So output collected by <c>Process</c> and written from the store's flush reaches the sinks before any
/// commit that covers its record, which is at-least-once, while a batch of records pays one round trip to each sink instead of one per
/// record. Between commits, output is handed to a background writer as soon as it has written the previous batch
/// (<see cref="PendingOutput.TryHandOff"/>), so alerts reach the sinks within about one sink round trip while the stream thread goes on
/// consuming; earlier is never wrong, and the flush before a commit waits for every write in flight. A sink outage blocks the flush (retries with backoff), so nothing is committed and nothing is lost; a replay rewrites
/// the same deterministic alert ids, which every sink writes idempotently.
/// </para>
/// <para>
/// Why the sinks go before the checkpoint: the checkpoint records emitted alert ids and suppressions; were it in the changelog before
/// the alerts were in the sinks, a crash in between would restore a state that suppresses alerts nobody received. The other way round,
/// a crash between the checkpoint and the offset commit replays records onto a state that has already seen them: an alert may be
/// written again (same id), and a window may count a replayed event twice — the at-least-once trade-off of Kafka Streams itself.
/// </para>
/// <para>
/// Why the runtime is restored at the first record and not in <see cref="Init"/>: Streamiz initialises a task's processors as soon as
/// the task is created, before it has refilled the task's stores from their changelogs; records are processed only once that is done.
/// </para>
/// </remarks>
internal sealed class RuleProcessor : IProcessor<byte[], byte[]>
{
    private static readonly TimeSpan StateMetricsInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often output held while a write was in flight is handed off when no record comes to do it: the commit (1 s by default)
    /// would otherwise be the alerts' latency floor. Writing early is never wrong — the commit still waits for whatever is pending.
    /// </summary>
    private static readonly TimeSpan AlertFlushInterval = TimeSpan.FromMilliseconds(100);

    private readonly RuleHostContext? _host;
    private TaskPipeline? _pipeline;
    private RuntimeStateStore? _state;
    private CommitHookedStore? _hook;

    /// <summary>The template instance Streamiz's <see cref="ProcessorBuilder{K,V}"/> needs; never processes.</summary>
    public RuleProcessor()
    {
    }

    /// <summary>The instance of one stream task.</summary>
    public RuleProcessor(RuleHostContext host)
    {
        _host = host;
    }

    public void Init(ProcessorContext<byte[], byte[]> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = _host ?? throw new InvalidOperationException("the rule processor was created without its host context");
        if (_hook is not null)
        {
            // Streamiz initialises a processor once per path from a source to it: once for each merged source topic.
            return;
        }

        _pipeline = new TaskPipeline(host);
        _state = new RuntimeStateStore((IKeyValueStore<string, byte[]>)context.GetStateStore(RuntimeStateStore.Name));
        _hook = host.CommitHooks.Take(context.Id);
        _hook.BeforeCommit = BeforeCommit;
        context.Schedule(StateMetricsInterval, PunctuationType.PROCESSING_TIME, _ => PublishStateMetrics());
        context.Schedule(AlertFlushInterval, PunctuationType.PROCESSING_TIME, _ => FlushAlerts());
    }

    public void Process(Record<byte[], byte[]> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var pipeline = _pipeline!;
        if (!pipeline.Restored)
        {
            pipeline.Restore(_state!);
        }

        var position = record.TopicPartitionOffset;
        pipeline.Process(position.Topic, position.Partition.Value, position.Offset.Value, ContentTypeHeader.Read(record.Headers), record.Value ?? []);
    }

    public void Close()
    {
        // Streamiz 1.8 closes processors after the closing commit, so nothing should be pending; if a version closed them first, the
        // output still reaches the sinks before the offsets can be committed.
        if (_pipeline is { Restored: true, HasUnwrittenRecords: true } && !_host!.Stopping.IsCancellationRequested)
        {
            _pipeline.WriteOutput();
        }

        if (_hook is not null)
        {
            _hook.BeforeCommit = null;
            _hook = null;
        }
    }

    private void BeforeCommit()
    {
        // Nothing ran before the restore: a checkpoint now would overwrite the restored clock with an empty one.
        if (_pipeline is not { Restored: true } pipeline)
        {
            return;
        }

        pipeline.WriteOutput();
        pipeline.Checkpoint(_state!);
    }

    private void FlushAlerts()
    {
        if (_pipeline is { Restored: true } pipeline)
        {
            pipeline.HandOffOutput();
        }
    }

    private void PublishStateMetrics()
    {
        if (_pipeline is { Restored: true } pipeline)
        {
            pipeline.PublishStateMetrics();
        }
    }
}
