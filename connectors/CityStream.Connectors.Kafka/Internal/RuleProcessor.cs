using CityStream.Engine;
using Streamiz.Kafka.Net.Processors.Public;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// The Streamiz processor of the merged source topics: decodes each record (its <c>content-type</c> header says JSON or Arrow), runs the
/// events through this task's own <see cref="RuleRuntime"/>, and writes the alerts to <c>warnings.&lt;pack&gt;</c> (and the extra
/// sinks) and the dead letters to the dead-letter topic. Streamiz makes one instance per stream task (from the parameterised
/// constructor), and calls it on that task's stream thread only.
/// </summary>
/// <remarks>
/// <para>
/// Why the alerts are produced by our own producer and awaited here, rather than forwarded to a Streamiz sink node with a topic
/// extractor: Streamiz records a record's offset for commit only after <c>Process</c> returns (and a task flushes its producer
/// before committing), so both would be at-least-once while the broker is healthy. But the extra sinks (Redis) can only be written
/// here anyway, and a failed delivery on Streamiz's producer goes to its production-exception handler, which either kills the
/// stream thread (FAIL) or drops the alert (CONTINUE). Writing every sink here, through <see cref="SinkRetry"/> with backoff,
/// keeps one rule for all of them: when <c>Process</c> returns, every sink has the record's alerts and dead letters, so no later
/// commit can get ahead of them, and an outage delays processing instead of losing alerts. Alerts and dead letters are rare next to
/// events (most records give none, and high-volume records are Arrow batches), so the wait is paid rarely; a replay after a crash
/// rewrites the same deterministic alert ids, which every sink writes idempotently.
/// </para>
/// <para>
/// State: the match kind's suppression state lives in the runtime's memory, so after a restart or a rebalance an alert may be
/// written again (same id, idempotent sinks). The stateful kinds (windows, sequences, absence, dwell) will write the keys a record
/// changed to a Streamiz store (changelog topic) from this processor before its offset is committed, and restore from it.
/// </para>
/// </remarks>
internal sealed class RuleProcessor : IProcessor<byte[], byte[]>
{
    private readonly RuleHostContext? _host;
    private readonly DecodedBatch _decoded = new();
    private readonly RuntimeOutput _output = new();
    private readonly List<DeadLetter> _letters = [];
    private RuleRuntime? _runtime;
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
        var host = _host ?? throw new InvalidOperationException("the rule processor was created without its host context");
        _runtime = new RuleRuntime(host.Rules);
    }

    public void Process(Record<byte[], byte[]> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var host = _host!;
        var runtime = _runtime!;
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
        _letters.Clear();

        var schema = SchemaFor(topic);
        if (schema is null)
        {
            _letters.Add(new DeadLetter(topic, DeadLetterReasons.UnknownSource, $"no source schema reads topic '{topic}'", origin, payload));
            EngineMetrics.EventsIn.WithLabels(topic).Inc();
            EngineMetrics.DeadLettered.WithLabels(topic, DeadLetterReasons.UnknownSource).Inc();
        }
        else
        {
            EventCodec.Decode(schema, payload, contentType, origin, _decoded);
        }

        var eventsIn = _letters.Count + _decoded.Events.Count + _decoded.DeadLetters.Count;
        _letters.AddRange(_decoded.DeadLetters);
        long processed = 0;
        foreach (var evt in _decoded.Events)
        {
            var lateBefore = _output.DeadLetters.Count;
            runtime.Process(evt, _output);
            if (_output.DeadLetters.Count == lateBefore)
            {
                processed++;
            }
        }

        _letters.AddRange(_output.DeadLetters);
        if (_letters.Count > 0)
        {
            // Process is synchronous and runs on the task's own stream thread (no synchronisation context), so blocking is safe.
            DeadLetterRetry.WriteAsync(host.DeadLetters, _letters, contentType, host.Stopping).AsTask().GetAwaiter().GetResult();
        }

        var alerts = _output.Alerts;
        if (alerts.Count > 0)
        {
            foreach (var sink in host.AlertSinks)
            {
                SinkRetry.WriteAsync(sink, alerts, host.Stopping).AsTask().GetAwaiter().GetResult();
            }

            AlertMetrics.Record(alerts);
        }

        host.Counters.Add(eventsIn, processed, _letters.Count, alerts.Count);
    }

    public void Close()
    {
        _runtime = null;
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
