using System.Text.Json;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The <c>threshold</c> kind over a sliding window: per key the recent events in event-time order; at each
/// event the aggregates of the window that ends at it are computed, and the alert fires when <c>having</c>
/// holds — once per key per suppression period (default: the window size). Streamiz has no sliding
/// windows, so the runtime keeps them.
/// </summary>
internal sealed class SlidingThresholdOperator : StatefulOperator<List<CityEvent>>
{
    private const int MaxEventsPerKey = 10_000;
    private const int MaxReevaluations = 64;

    private readonly ThresholdSpec _spec;
    private readonly AggregateLayout _layout;
    private readonly long _sizeMs;
    private readonly CityEvent _aggregateEvent;
    private readonly bool _dedupIsKey;

    public SlidingThresholdOperator(CompiledRule rule, EmittedAlerts emitted)
        : base(rule, emitted, (long)rule.Threshold!.Size.TotalMilliseconds * 2)
    {
        _spec = rule.Threshold!;
        _layout = new AggregateLayout(_spec.Aggregates);
        _sizeMs = (long)_spec.Size.TotalMilliseconds;
        _aggregateEvent = new CityEvent(_spec.AggregateSchema);
        _dedupIsKey = ReferenceEquals(rule.Dedup, rule.Key);
    }

    public override void OnEvent(CityEvent evt, RuntimeContext context)
    {
        if (Rule.Where is { } where && !where.Evaluate(evt))
        {
            return;
        }

        var key = Rule.Key.Select(evt);
        var ts = evt.Timestamp;
        var events = State.GetOrAdd(key, ts, static () => []);
        var position = events.Count;
        while (position > 0 && events[position - 1].Timestamp > ts)
        {
            position--;
        }

        evt.Retained = true;
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

        // An out-of-order event also belongs to the windows that end at the later events within its reach.
        var evaluations = 0;
        for (var end = position; end < events.Count && events[end].Timestamp <= ts + _sizeMs && evaluations < MaxReevaluations; end++, evaluations++)
        {
            if (Evaluate(events, end, key, context))
            {
                return;
            }
        }
    }

    private bool Evaluate(List<CityEvent> events, int end, string key, RuntimeContext context)
    {
        var last = events[end];
        var windowEnd = last.Timestamp;
        var windowStart = windowEnd - _sizeMs;
        var first = end;
        while (first > 0 && events[first - 1].Timestamp > windowStart)
        {
            first--;
        }

        var aggregates = new WindowAggregates(_layout);
        for (var i = first; i <= end; i++)
        {
            aggregates.Add(events[i]);
        }

        aggregates.Fill(_aggregateEvent, key, windowStart, windowEnd, windowEnd);
        if (!_spec.Having.Evaluate(_aggregateEvent))
        {
            return false;
        }

        var dedup = _dedupIsKey ? key : Rule.Dedup.Select(last);
        var (episode, expiry) = EpisodeOf(windowEnd, "at:" + last.Id, windowEnd);
        return TryEmit(context, key, dedup, episode, expiry, Evidence(events, first, end), aggregates.Extras(Rule, windowStart, windowEnd));
    }

    /// <summary>What a tumbling window keeps of the same events: the first ones up to the limit, the last of them replaced by the newest.</summary>
    private CityEvent[] Evidence(List<CityEvent> events, int first, int end)
    {
        // At least the newest: with alert.evidence 0 the alert shows none, but its templates, location and times read it.
        var count = Math.Min(end - first + 1, Math.Max(Rule.MaxEvidence, 1));
        var evidence = new CityEvent[count];
        for (var i = 0; i < count - 1; i++)
        {
            evidence[i] = events[first + i];
        }

        evidence[^1] = events[end];
        return evidence;
    }

    protected override void WriteState(Utf8JsonWriter writer, List<CityEvent> state) => EventSnapshot.WriteList(writer, null, state, SingleSource);

    protected override List<CityEvent> ReadState(JsonElement element) => EventSnapshot.ReadList(element, SourceNamed);

    public override void OnTime(long streamTime, RuntimeContext context)
    {
        base.OnTime(streamTime, context);
        State.Expire(streamTime);
    }
}
