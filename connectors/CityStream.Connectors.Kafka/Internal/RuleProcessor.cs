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
    private readonly DecodedBatch _decoded = new();
    private readonly RuntimeOutput _output = new();
    private readonly PendingOutput _pending = new();
    private RuleRuntime? _runtime;
    private RuntimeStateStore? _state;
    private CommitHookedStore? _hook;
    private bool _restored;
    private string? _lastTopic;
    private SourceSchema? _lastSchema;

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

        _runtime = new RuleRuntime(host.Rules);
        _state = new RuntimeStateStore((IKeyValueStore<string, byte[]>)context.GetStateStore(RuntimeStateStore.Name));
        _hook = host.CommitHooks.Take(context.Id);
        _hook.BeforeCommit = BeforeCommit;
        context.Schedule(StateMetricsInterval, PunctuationType.PROCESSING_TIME, _ => PublishStateMetrics());
        context.Schedule(AlertFlushInterval, PunctuationType.PROCESSING_TIME, _ => FlushAlerts());
    }

    public void Process(Record<byte[], byte[]> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var host = _host!;
        var runtime = _runtime!;
        if (!_restored)
        {
            runtime.Restore(_state!);
            _restored = true;
        }

        var rules = host.Rules;
        if (!ReferenceEquals(runtime.Rules, rules))
        {
            runtime.Swap(rules);
        }

        var position = record.TopicPartitionOffset;
        var topic = position.Topic;
        var origin = new EventOrigin(topic, position.Partition.Value, position.Offset.Value);
        var contentType = ContentTypeHeader.Read(record.Headers);
        var payload = record.Value ?? [];
        _decoded.Clear();
        _output.Clear();

        var schema = SchemaFor(topic);
        if (schema is null)
        {
            _pending.AddLetter(new DeadLetter(topic, DeadLetterReasons.UnknownSource, $"no source schema reads topic '{topic}'", origin, payload), contentType);
            _pending.AddCounts(1, 0);
            EngineMetrics.EventsIn.WithLabels(topic).Inc();
            EngineMetrics.DeadLettered.WithLabels(topic, DeadLetterReasons.UnknownSource).Inc();
        }
        else
        {
            EventCodec.Decode(schema, payload, contentType, origin, _decoded);
            RunDecoded(runtime, contentType);
        }

        _pending.TryHandOff(host, host.Stopping);
    }

    public void Close()
    {
        // Streamiz 1.8 closes processors after the closing commit, so nothing should be pending; if a version closed them first, the
        // output still reaches the sinks before the offsets can be committed.
        if (_restored && _pending.HasRecords && !_host!.Stopping.IsCancellationRequested)
        {
            _pending.Write(_host, _host.Stopping);
        }

        if (_hook is not null)
        {
            _hook.BeforeCommit = null;
            _hook = null;
        }
    }

    private void RunDecoded(RuleRuntime runtime, string? contentType)
    {
        var events = _decoded.Events;
        long processed = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var lateBefore = _output.DeadLetters.Count;
            runtime.Process(events[i], _output);
            if (_output.DeadLetters.Count == lateBefore)
            {
                processed++;
            }
        }

        _pending.AddCounts(events.Count + _decoded.DeadLetters.Count, processed);
        _pending.AddLetters(_decoded.DeadLetters, contentType);
        _pending.AddLetters(_output.DeadLetters, contentType);
        _pending.AddAlerts(_output.Alerts);
    }

    private void BeforeCommit()
    {
        // Nothing ran before the restore: a checkpoint now would overwrite the restored clock with an empty one.
        if (!_restored)
        {
            return;
        }

        var host = _host!;
        _pending.Write(host, host.Stopping);
        _runtime!.Checkpoint(_state!);
    }

    private void FlushAlerts()
    {
        if (_restored)
        {
            _pending.TryHandOff(_host!, _host!.Stopping);
        }
    }

    private void PublishStateMetrics()
    {
        if (_restored)
        {
            _runtime!.PublishStateMetrics();
        }
    }

    private SourceSchema? SchemaFor(string topic)
    {
        // The consumer hands out the same few topic names over and over; skip the prefix strip and lookup when it repeats.
        if (!string.Equals(topic, _lastTopic, StringComparison.Ordinal))
        {
            _lastSchema = _host!.Schemas.ByTopic(topic, _host.TopicPrefix);
            _lastTopic = topic;
        }

        return _lastSchema;
    }
}
