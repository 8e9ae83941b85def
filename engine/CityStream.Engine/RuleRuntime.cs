using CityStream.Engine.Internal.Runtime;
using Prometheus;

namespace CityStream.Engine;

/// <summary>The watermark of one input partition (a class, so the hot path updates it without a second lookup).</summary>
internal sealed class PartitionClock
{
    public long Watermark { get; set; }
}

/// <summary>
/// The rule runtime: runs events through every rule of a <see cref="RuleSet"/> on event time and gives
/// alerts. A plain library with no Kafka in it; the in-process host and the Kafka host both drive it.
/// The watermark is kept per input partition (the highest event time seen there); an event older than
/// its source's allowed lateness behind it is dead-lettered with reason <c>late</c>, never dropped.
/// Not thread-safe: one runtime per stream task.
/// </summary>
public sealed partial class RuleRuntime
{
    /// <summary>How far stream time must move before operators are told (fire timers, close windows): per event would cost more than the timers' precision is worth.</summary>
    private const long TickMs = 100;

    private readonly Dictionary<(string Topic, int Partition), PartitionClock> _watermarks = [];
    private readonly Dictionary<SourceSchema, Counter.Child> _processed = [];
    private string? _lastTopic;
    private int _lastPartition;
    private PartitionClock? _lastClock;
    private SourceSchema? _countedSchema;
    private Counter.Child? _countedChild;
    private long _countedPending;
    private long _nextTick = long.MinValue;
    private readonly RuntimeContext _context;
    private Dictionary<SourceSchema, IRuleOperator[]> _operatorsBySource = [];
    private Dictionary<SourceSchema, ulong> _keepBySource = [];
    private Dictionary<SourceSchema, ulong> _readLaterBySource = [];
    private SourceSchema? _routedSchema;
    private IRuleOperator[]? _routedOperators;
    private ulong _routedKeep;
    private readonly Internal.Runtime.StringPool _locationNames = new();
    private IRuleOperator[] _operators = [];
    private long _streamTime = long.MinValue;

    /// <summary>Creates a runtime for a rule set.</summary>
    /// <param name="rules">The rules to run.</param>
    /// <param name="clock">Wall clock for alert emit times (tests pass a fake one).</param>
    public RuleRuntime(RuleSet rules, TimeProvider? clock = null)
    {
        _context = new RuntimeContext(clock ?? TimeProvider.System);
        Rules = RuleSet.Empty;
        Swap(rules);
    }

    /// <summary>The rule set in force.</summary>
    public RuleSet Rules { get; private set; }

    /// <summary>
    /// Puts a new rule set in force between two events (hot reload). Rules that keep their id keep their
    /// state, so a reload neither re-emits nor forgets open episodes.
    /// </summary>
    public void Swap(RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var old = _operators.ToDictionary(o => o.Rule.Id, StringComparer.Ordinal);
        var operators = new List<IRuleOperator>();
        foreach (var rule in rules.Rules)
        {
            old.TryGetValue(rule.Id, out var previous);
            if (previous is not null && previous.Rule.Fingerprint == rule.Fingerprint)
            {
                operators.Add(previous);
                continue;
            }

            var emitted = previous is OperatorBase b ? b.Emitted : new EmittedAlerts(rule.Id, rule.MaxKeys);
            operators.Add(Create(rule, emitted));
        }

        _operators = [.. operators];
        var bySource = new Dictionary<SourceSchema, List<IRuleOperator>>();
        foreach (var op in operators)
        {
            foreach (var source in op.Rule.Steps.Select(s => s.Source).Distinct())
            {
                if (!bySource.TryGetValue(source, out var list))
                {
                    bySource[source] = list = [];
                }

                list.Add(op);
            }
        }

        _operatorsBySource = bySource.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        _keepBySource = bySource.ToDictionary(kv => kv.Key, kv => kv.Value.Aggregate(0UL, (mask, op) => mask | op.Rule.EvidenceMask(kv.Key)));
        _readLaterBySource = bySource.ToDictionary(kv => kv.Key, kv => _keepBySource[kv.Key] & ~ReadFirst(kv.Key, kv.Value));
        _routedSchema = null;
        Rules = rules;
    }

    private static IRuleOperator Create(Internal.Rules.CompiledRule rule, EmittedAlerts emitted) => rule.Kind switch
    {
        RuleKind.Match => new MatchOperator(rule, emitted),
        RuleKind.Threshold when rule.Threshold!.Window == Internal.Rules.WindowType.Sliding => new SlidingThresholdOperator(rule, emitted),
        RuleKind.Threshold => new ThresholdOperator(rule, emitted),
        RuleKind.Spike => new SpikeOperator(rule, emitted),
        RuleKind.Absence => new AbsenceOperator(rule, emitted),
        RuleKind.Sequence => new SequenceOperator(rule, emitted),
        RuleKind.Correlate => new CorrelateOperator(rule, emitted),
        _ => throw new NotSupportedException($"rule kind {rule.Kind} has no operator"),
    };

    /// <summary>Moves stream time forward without an event (the end of a replay or a rule test's virtual clock): fires absences and closes windows due by then.</summary>
    public void AdvanceTime(long eventTime, RuntimeOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (eventTime <= _streamTime)
        {
            return;
        }

        _streamTime = eventTime;
        _nextTick = eventTime + TickMs;
        _context.Output = output;
        _context.BeginEvent();
        foreach (var op in _operators)
        {
            op.OnTime(eventTime, _context);
        }
    }

    /// <summary>
    /// The fields (bit = field index) that the rules in force read from events of <paramref name="schema"/>: conditions, keys, severity,
    /// templates, aggregates, evidence, location. A decoder may leave the other string values out (<see cref="EventCodec"/>).
    /// </summary>
    internal ulong FieldsRead(SourceSchema schema) => _keepBySource.GetValueOrDefault(schema);

    /// <summary>
    /// The string fields (bit = field index) of <paramref name="schema"/> that the rules read only for the events a condition lets
    /// through (keys, templates, evidence): a decoder may leave them as UTF-8 bytes of the record, to be made when first read. The others
    /// in <see cref="FieldsRead"/> are read for every event (a condition, the key of a rule without one whose operator looks keys up by
    /// string), where making them at once is cheaper than checking them first and making them next.
    /// </summary>
    internal ulong StringsReadLater(SourceSchema schema) => _readLaterBySource.GetValueOrDefault(schema);

    private static ulong ReadFirst(SourceSchema schema, List<IRuleOperator> operators)
    {
        var mask = 0UL;
        foreach (var op in operators)
        {
            foreach (var step in op.Rule.Steps)
            {
                if (!ReferenceEquals(step.Source, schema))
                {
                    continue;
                }

                if (step.Where is { } where)
                {
                    mask |= where.StringsRead;
                    continue;
                }

                if (op.FindsKeysByChars)
                {
                    // Left as bytes of the record: an event of a tracked key is looked up by them and never makes its key string.
                    continue;
                }

                foreach (var field in step.Key.Fields)
                {
                    mask |= 1UL << field.Index;
                }
            }
        }

        return mask;
    }

    /// <summary>Runs one event through the rules of its source, appending alerts (and a dead letter if it is late) to <paramref name="output"/>.</summary>
    public void Process(CityEvent evt, RuntimeOutput output)
    {
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(output);
        var schema = evt.Schema;
        var clock = ClockOf(evt.Origin);
        var ts = evt.Timestamp;
        var watermark = clock.Watermark;
        if (ts < watermark - (long)schema.AllowedLateness.TotalMilliseconds)
        {
            output.DeadLetters.Add(new DeadLetter(schema.Name, DeadLetterReasons.Late,
                $"event time {DateTimeOffset.FromUnixTimeMilliseconds(ts):O} is more than {Durations.Format(schema.AllowedLateness)} behind the partition's watermark {DateTimeOffset.FromUnixTimeMilliseconds(watermark):O}",
                evt.Origin, EventCodec.ToCompleteJson(evt)));
            EngineMetrics.DeadLettered.WithLabels(schema.Name, DeadLetterReasons.Late).Inc();
            return;
        }

        // Kept only for a late dead letter, or for strings not made yet: an event kept in state or by an alert must not pin its record
        // (an Arrow stream of ~200 KB, or a host's reused buffer), so its strings are made then and the record dropped (below).
        if (!evt.HasUnreadStrings)
        {
            evt.SourceRecord = default;
        }

        _context.Output = output;
        _context.BeginEvent();
        if (ts > watermark)
        {
            clock.Watermark = ts;
        }

        if (!ReferenceEquals(schema, _routedSchema))
        {
            // Events come in runs of one source (a record, an Arrow batch): look the source's operators up once per run.
            _routedSchema = schema;
            _routedOperators = _operatorsBySource.GetValueOrDefault(schema);
            _routedKeep = _keepBySource.GetValueOrDefault(schema);
        }

        if (_routedOperators is { } operators)
        {
            try
            {
                foreach (var op in operators)
                {
                    op.OnEvent(evt, _context);
                }
            }
            finally
            {
                // Even when a rule failed: an operator before it may have kept the event, which must not go on reading its record.
                if (evt.Retained)
                {
                    // Shared first: a location name still held as bytes is then looked up, not made.
                    _locationNames.Share(evt, _routedKeep);
                    evt.Strip(_routedKeep);
                }
                else if (evt.Pinned)
                {
                    evt.SourceRecord = default;
                }
            }
        }

        CountProcessed(schema);
        if (ts > _streamTime)
        {
            _streamTime = ts;
            if (ts >= _nextTick)
            {
                _nextTick = ts + TickMs;
                foreach (var op in _operators)
                {
                    op.OnTime(ts, _context);
                }
            }
        }
    }

    private PartitionClock ClockOf(EventOrigin origin)
    {
        if (_lastClock is not null && origin.Partition == _lastPartition && string.Equals(origin.Topic, _lastTopic, StringComparison.Ordinal))
        {
            return _lastClock;
        }

        if (!_watermarks.TryGetValue((origin.Topic, origin.Partition), out var clock))
        {
            _watermarks[(origin.Topic, origin.Partition)] = clock = new PartitionClock { Watermark = long.MinValue / 2 };
        }

        _lastTopic = origin.Topic;
        _lastPartition = origin.Partition;
        _lastClock = clock;
        return clock;
    }

    /// <summary>Counts processed events locally and publishes them in bulk: a Prometheus increment per event costs more than the rest of a match.</summary>
    private void CountProcessed(SourceSchema schema)
    {
        if (!ReferenceEquals(schema, _countedSchema))
        {
            FlushProcessed();
            _countedSchema = schema;
            _countedChild = ProcessedCounter(schema);
        }

        if (++_countedPending >= 4096)
        {
            FlushProcessed();
        }
    }

    private void FlushProcessed()
    {
        if (_countedPending > 0)
        {
            _countedChild!.Inc(_countedPending);
            _countedPending = 0;
        }
    }

    /// <summary>Publishes per-rule state sizes to metrics.</summary>
    public void PublishStateMetrics()
    {
        FlushProcessed();
        foreach (var op in _operators)
        {
            EngineMetrics.StateKeys.WithLabels(op.Rule.Id).Set(op.StateKeys);
        }
    }

    private Counter.Child ProcessedCounter(SourceSchema schema)
    {
        if (!_processed.TryGetValue(schema, out var counter))
        {
            _processed[schema] = counter = EngineMetrics.EventsProcessed.WithLabels(schema.Name);
        }

        return counter;
    }
}
