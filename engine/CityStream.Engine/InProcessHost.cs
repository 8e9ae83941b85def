namespace CityStream.Engine;

/// <summary>
/// Runs the rule runtime in this process (for <c>demo</c>, <c>replay</c>, <c>rules test</c> and tests):
/// decodes records, runs the rules, writes alerts to every sink (with retries) and dead letters to the
/// dead-letter sink. Gives the same alerts as the Kafka host for the same input in the same order.
/// </summary>
public sealed class InProcessHost
{
    private readonly IReadOnlyList<IAlertSink> _sinks;
    private readonly IDeadLetterSink? _deadLetters;
    private readonly SchemaRegistry _schemas;
    private readonly DecodedBatch _decoded = new();
    private readonly RuntimeOutput _output = new();
    private readonly List<DeadLetter> _letters = [];
    private readonly string? _topicPrefix;

    /// <summary>Creates a host.</summary>
    /// <param name="runtime">The rule runtime.</param>
    /// <param name="sinks">Alert sinks; each gets every alert.</param>
    /// <param name="deadLetters">Dead-letter sink, or null to only count them.</param>
    /// <param name="schemas">Source schemas (default: the shipped ones).</param>
    /// <param name="topicPrefix">Prefix of the input topic names, stripped to find the source (e.g. for per-test topics).</param>
    public InProcessHost(RuleRuntime runtime, IReadOnlyList<IAlertSink> sinks, IDeadLetterSink? deadLetters, SchemaRegistry? schemas = null, string? topicPrefix = null)
    {
        _topicPrefix = topicPrefix;
        Runtime = runtime;
        _sinks = sinks;
        _deadLetters = deadLetters;
        _schemas = schemas ?? SchemaRegistry.Default;
    }

    /// <summary>The runtime (swap its rules for a hot reload).</summary>
    public RuleRuntime Runtime { get; }

    /// <summary>Events read (valid or not).</summary>
    public long EventsIn { get; private set; }

    /// <summary>Events run through the rules.</summary>
    public long EventsProcessed { get; private set; }

    /// <summary>Inputs dead-lettered (malformed, invalid, late, unknown source).</summary>
    public long DeadLettered { get; private set; }

    /// <summary>Alerts emitted.</summary>
    public long AlertsEmitted { get; private set; }

    /// <summary>Raised after each batch with the alerts it gave (for a console view).</summary>
    public event Action<IReadOnlyList<Alert>>? AlertsWritten;

    /// <summary>Processes a batch of records: decode, rules, then sinks; returns when every sink has the alerts.</summary>
    public async ValueTask ProcessAsync(IReadOnlyList<InputRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        _decoded.Clear();
        _output.Clear();
        _letters.Clear();
        foreach (var record in records)
        {
            var schema = _schemas.ByTopic(record.Topic, _topicPrefix);
            var origin = new EventOrigin(record.Topic, record.Partition, record.Offset);
            if (schema is null)
            {
                _letters.Add(new DeadLetter(record.Topic, DeadLetterReasons.UnknownSource, $"no source schema reads topic '{record.Topic}'", origin, record.Value));
                EngineMetrics.EventsIn.WithLabels(record.Topic).Inc();
                EngineMetrics.DeadLettered.WithLabels(record.Topic, DeadLetterReasons.UnknownSource).Inc();
                EventsIn++;
                continue;
            }

            var eventsBefore = _decoded.Events.Count;
            var lettersBefore = _decoded.DeadLetters.Count;
            // As the Kafka host: only the strings some rule reads become strings (a late dead letter still carries the whole event).
            EventCodec.Decode(schema, record.Value, record.ContentType, origin, _decoded, Runtime.FieldsRead(schema), Runtime.StringsReadLater(schema));
            EventsIn += _decoded.Events.Count - eventsBefore + _decoded.DeadLetters.Count - lettersBefore;
        }

        _letters.AddRange(_decoded.DeadLetters);
        foreach (var evt in _decoded.Events)
        {
            var lateBefore = _output.DeadLetters.Count;
            Runtime.Process(evt, _output);
            if (_output.DeadLetters.Count == lateBefore)
            {
                EventsProcessed++;
            }
        }

        _decoded.RecycleEvents();
        _letters.AddRange(_output.DeadLetters);
        Runtime.PublishStateMetrics();
        DeadLettered += _letters.Count;
        if (_letters.Count > 0 && _deadLetters is not null)
        {
            await _deadLetters.WriteAsync(_letters, cancellationToken).ConfigureAwait(false);
        }

        if (_output.Alerts.Count > 0)
        {
            foreach (var sink in _sinks)
            {
                await SinkRetry.WriteAsync(sink, _output.Alerts, cancellationToken).ConfigureAwait(false);
            }

            AlertMetrics.Record(_output.Alerts);
            AlertsEmitted += _output.Alerts.Count;
            AlertsWritten?.Invoke(_output.Alerts);
        }
    }
}
