using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The <c>threshold</c> kind over a sliding window: per key the recent events in event-time order; at each
/// event the aggregates of the window that ends at it are computed, and the alert fires when <c>having</c>
/// holds — once per key per suppression period (default: the window size). Streamiz has no sliding
/// windows, so the runtime keeps them.
/// </summary>
internal sealed class SlidingThresholdOperator : OperatorBase
{
    private const int MaxEventsPerKey = 10_000;

    private readonly ThresholdSpec _spec;
    private readonly long _sizeMs;
    private readonly CityEvent _aggregateEvent;
    private readonly bool _dedupIsKey;
    private readonly KeyedState<List<CityEvent>> _state;

    public SlidingThresholdOperator(CompiledRule rule, EmittedAlerts emitted)
        : base(rule, emitted)
    {
        _spec = rule.Threshold!;
        _sizeMs = (long)_spec.Size.TotalMilliseconds;
        _aggregateEvent = new CityEvent(_spec.AggregateSchema);
        _dedupIsKey = ReferenceEquals(rule.Dedup, rule.Key);
        _state = new KeyedState<List<CityEvent>>(rule.Id, rule.MaxKeys, _sizeMs + LatenessMs);
    }

    public override int StateKeys => _state.Count;

    public override void OnEvent(CityEvent evt, RuntimeContext context)
    {
        if (Rule.Where is { } where && !where.Evaluate(evt))
        {
            return;
        }

        var key = Rule.Key.Select(evt);
        var ts = evt.Timestamp;
        var events = _state.GetOrAdd(key, ts, static () => []);
        var position = events.Count;
        while (position > 0 && events[position - 1].Timestamp > ts)
        {
            position--;
        }

        events.Insert(position, evt);
        var newest = events[^1].Timestamp;
        var keepFrom = newest - _sizeMs - LatenessMs;
        var drop = 0;
        while (drop < events.Count && events[drop].Timestamp < keepFrom)
        {
            drop++;
        }

        drop = Math.Max(drop, events.Count - MaxEventsPerKey);
        if (drop > 0)
        {
            events.RemoveRange(0, drop);
            position -= drop;
        }

        var aggregates = new WindowAggregates(_spec.Aggregates);
        var windowStart = ts - _sizeMs;
        var first = position;
        while (first > 0 && events[first - 1].Timestamp > windowStart)
        {
            first--;
        }

        for (var i = first; i <= position; i++)
        {
            aggregates.Add(events[i]);
        }

        aggregates.Fill(_aggregateEvent, key, windowStart, ts, ts);
        if (!_spec.Having.Evaluate(_aggregateEvent))
        {
            return;
        }

        var dedup = _dedupIsKey ? key : Rule.Dedup.Select(evt);
        var (episode, expiry) = EpisodeOf(ts, "at:" + evt.Id, ts);
        TryEmit(context, key, dedup, episode, expiry, [.. aggregates.Evidence], aggregates.Extras(windowStart, ts));
    }

    public override void OnTime(long streamTime, RuntimeContext context)
    {
        base.OnTime(streamTime, context);
        _state.Expire(streamTime);
    }
}
