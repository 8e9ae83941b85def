using CityStream.Engine;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// The rule work of one task (partition p of every source topic), whichever way its records are consumed: decodes each record (its
/// <c>content-type</c> header says JSON or Arrow), runs the events through the task's own <see cref="RuleRuntime"/>, and holds the
/// alerts and dead letters for the sinks (<see cref="PendingOutput"/>). Used by one thread at a time.
/// </summary>
internal sealed class TaskPipeline
{
    private readonly RuleHostContext _host;
    private readonly DecodedBatch _decoded = new();
    private readonly RuntimeOutput _output = new();
    private readonly PendingOutput _pending = new();
    private readonly RuleRuntime _runtime;
    private string? _lastTopic;
    private SourceSchema? _lastSchema;
    private ulong _lastKeep;
    private ulong _lastAsBytes;

    public TaskPipeline(RuleHostContext host)
    {
        _host = host;
        _runtime = new RuleRuntime(host.Rules);
    }

    /// <summary>Whether the runtime's checkpoint was read back; nothing may be processed or checkpointed before.</summary>
    public bool Restored { get; private set; }

    /// <summary>Whether records were processed since their output was last handed to the sinks.</summary>
    public bool HasUnwrittenRecords => _pending.HasRecords;

    public void Restore(IRuntimeStateStore state)
    {
        _runtime.Restore(state);
        Restored = true;
    }

    /// <summary>
    /// Runs one record; its output is handed to the sinks in the background when <see cref="PendingOutput"/> allows.
    /// <c>valueReused</c>: whether the payload is a buffer the caller reuses after this call (a dead letter then gets a copy).
    /// </summary>
    public void Process(string topic, int partition, long offset, string? contentType, ReadOnlyMemory<byte> payload, bool valueReused = false)
    {
        var rules = _host.Rules;
        if (!ReferenceEquals(_runtime.Rules, rules))
        {
            _runtime.Swap(rules);
            _lastTopic = null;
        }

        var origin = new EventOrigin(topic, partition, offset);
        _decoded.Clear();
        _output.Clear();
        var schema = SchemaFor(topic);
        if (schema is null)
        {
            _pending.AddLetter(new DeadLetter(topic, DeadLetterReasons.UnknownSource, $"no source schema reads topic '{topic}'", origin, valueReused ? payload.ToArray() : payload), contentType);
            _pending.AddCounts(1, 0);
            EngineMetrics.EventsIn.WithLabels(topic).Inc();
            EngineMetrics.DeadLettered.WithLabels(topic, DeadLetterReasons.UnknownSource).Inc();
        }
        else
        {
            // Only the string fields some rule reads are materialised, those read past a condition only when read; a late dead letter
            // still carries the whole record. The payload stays as it is until the runtime has processed the events (below).
            EventCodec.Decode(schema, payload, contentType, origin, _decoded, _lastKeep, _lastAsBytes);
            if (valueReused && _decoded.DeadLetters.Count > 0)
            {
                DeadLetterPayloads.CopyOut(_decoded.DeadLetters, payload);
            }

            RunDecoded(contentType);
        }

        _pending.TryHandOff(_host, _host.Stopping);
    }

    /// <summary>Hands held output to a background write if none is in flight (between records, so alerts need not wait for a commit).</summary>
    public void HandOffOutput() => _pending.TryHandOff(_host, _host.Stopping);

    /// <summary>Blocks until everything processed so far is in every sink; throws what a sink write failed with.</summary>
    public void WriteOutput() => _pending.Write(_host, _host.Stopping);

    /// <summary>Writes the keys changed since the last checkpoint (and the clock) to <paramref name="state"/>.</summary>
    public void Checkpoint(IRuntimeStateStore state) => _runtime.Checkpoint(state);

    public void PublishStateMetrics() => _runtime.PublishStateMetrics();

    private void RunDecoded(string? contentType)
    {
        var events = _decoded.Events;
        long processed = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var lateBefore = _output.DeadLetters.Count;
            _runtime.Process(events[i], _output);
            if (_output.DeadLetters.Count == lateBefore)
            {
                processed++;
            }
        }

        _decoded.RecycleEvents();
        _pending.AddCounts(events.Count + _decoded.DeadLetters.Count, processed);
        _pending.AddLetters(_decoded.DeadLetters, contentType);
        _pending.AddLetters(_output.DeadLetters, contentType);
        _pending.AddAlerts(_output.Alerts);
    }

    private SourceSchema? SchemaFor(string topic)
    {
        // The consumer hands out the same few topic names over and over; skip the prefix strip and lookup when it repeats.
        if (!string.Equals(topic, _lastTopic, StringComparison.Ordinal))
        {
            _lastSchema = _host.Schemas.ByTopic(topic, _host.TopicPrefix);
            _lastKeep = _lastSchema is null ? 0 : _runtime.FieldsRead(_lastSchema);
            _lastAsBytes = _lastSchema is null ? 0 : _runtime.StringsReadLater(_lastSchema);
            _lastTopic = topic;
        }

        return _lastSchema;
    }
}
