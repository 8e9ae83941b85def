using System.Globalization;
using System.Text.Json;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The <c>correlate</c> kind: events of at least <c>min_sources</c> of the listed inputs, same key, within <c>within</c>
/// of each other. The episode is the bucket of <c>within</c> (aligned to event time) that the earliest event of such
/// a set falls in, so the alert ids do not depend on the order events arrive in — as they would if episodes began
/// at the first event seen, across topics merged by a Kafka host. Fires as soon as a set qualifies; a set that
/// spans a bucket boundary can give a second alert when its later part qualifies on its own.
/// </summary>
internal sealed class CorrelateOperator : StatefulOperator<List<CityEvent>[]>
{
    private readonly IReadOnlyList<RuleStep> _steps;
    private readonly long _withinMs;
    private readonly int _minSources;
    private readonly Func<List<CityEvent>[]> _newState;

    public CorrelateOperator(CompiledRule rule, EmittedAlerts emitted)
        : base(rule, emitted, (long)rule.Within!.Within.TotalMilliseconds * 3)
    {
        _steps = rule.Steps;
        _withinMs = (long)rule.Within!.Within.TotalMilliseconds;
        _minSources = rule.Within.MinSources;
        _newState = () => [.. _steps.Select(_ => new List<CityEvent>())];
    }

    public override void OnEvent(CityEvent evt, RuntimeContext context)
    {
        for (var s = 0; s < _steps.Count; s++)
        {
            if (!_steps[s].Accepts(evt))
            {
                continue;
            }

            var key = _steps[s].Key.Select(evt);
            var recent = State.GetOrAdd(key, evt.Timestamp, _newState);
            evt.Retained = true;
            recent[s].Add(evt);
            Evaluate(key, recent, evt, context);
        }
    }

    public override void OnTime(long streamTime, RuntimeContext context)
    {
        base.OnTime(streamTime, context);
        State.Expire(streamTime);
    }

    protected override void WriteState(Utf8JsonWriter writer, List<CityEvent>[] state)
    {
        writer.WriteStartArray();
        foreach (var events in state)
        {
            EventSnapshot.WriteList(writer, null, events, SingleSource);
        }

        writer.WriteEndArray();
    }

    protected override List<CityEvent>[] ReadState(JsonElement element) =>
        [.. element.EnumerateArray().Select(events => EventSnapshot.ReadList(events, SourceNamed))];

    private void Evaluate(string key, List<CityEvent>[] recent, CityEvent evt, RuntimeContext context)
    {
        var keepFrom = evt.Timestamp - (2 * _withinMs) - LatenessMs;
        foreach (var events in recent)
        {
            DropBefore(events, keepFrom);
        }

        var bucket = Math.DivRem(evt.Timestamp, _withinMs).Quotient;
        for (var b = bucket - 1; b <= bucket; b++)
        {
            if (BestClusterStart(recent, b) is { } first)
            {
                Fire(key, b, first, recent, evt, context);
            }
        }
    }

    // In place and without a predicate closure: this runs for every event the rule accepts.
    private static void DropBefore(List<CityEvent> events, long keepFrom)
    {
        var kept = 0;
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Timestamp >= keepFrom)
            {
                events[kept++] = events[i];
            }
        }

        events.RemoveRange(kept, events.Count - kept);
    }

    /// <summary>
    /// The event that starts the best set of events of at least min_sources inputs lying within 'within' of each other with the
    /// earliest of them in bucket b (null: none). That only ever turns true as events arrive, so which buckets fire — and so the
    /// alert ids — does not depend on arrival order. The best set is the first found, replaced by one whose first input's event is
    /// earlier or that spans more inputs; only the best set is built (<see cref="Cluster"/>), so a candidate costs no allocation.
    /// </summary>
    private CityEvent? BestClusterStart(List<CityEvent>[] recent, long b)
    {
        var from = b * _withinMs;
        var to = from + _withinMs;
        CityEvent? best = null;
        var bestSources = 0;
        var bestLeadTime = 0L;
        foreach (var starts in recent)
        {
            foreach (var first in starts)
            {
                if (first.Timestamp < from || first.Timestamp >= to)
                {
                    continue;
                }

                var sources = 0;
                var leadTime = 0L;
                for (var s = 0; s < recent.Length; s++)
                {
                    if (EarliestWithin(recent[s], first.Timestamp) is { } earliest)
                    {
                        leadTime = sources == 0 ? earliest.Timestamp : leadTime;
                        sources++;
                    }
                }

                if (sources >= _minSources && (best is null || leadTime < bestLeadTime || sources > bestSources))
                {
                    best = first;
                    bestSources = sources;
                    bestLeadTime = leadTime;
                }
            }
        }

        return best;
    }

    /// <summary>The set <paramref name="first"/> starts: the earliest event of each input within 'within' of it, and the inputs' names.</summary>
    private (List<CityEvent> Evidence, List<string> Names) Cluster(List<CityEvent>[] recent, CityEvent first)
    {
        var evidence = new List<CityEvent>(recent.Length);
        var names = new List<string>(recent.Length);
        for (var s = 0; s < recent.Length; s++)
        {
            if (EarliestWithin(recent[s], first.Timestamp) is { } earliest)
            {
                evidence.Add(earliest);
                names.Add(_steps[s].Name);
            }
        }

        return (evidence, names);
    }

    private CityEvent? EarliestWithin(List<CityEvent> events, long from)
    {
        CityEvent? earliest = null;
        foreach (var candidate in events)
        {
            if (candidate.Timestamp >= from && candidate.Timestamp <= from + _withinMs
                && (earliest is null || candidate.Timestamp < earliest.Timestamp))
            {
                earliest = candidate;
            }
        }

        return earliest;
    }

    private void Fire(string key, long bucket, CityEvent first, List<CityEvent>[] recent, CityEvent evt, RuntimeContext context)
    {
        var dedup = ReferenceEquals(Rule.Dedup, Rule.Key) ? key : Rule.Dedup.Select(evt);
        var start = bucket * _withinMs;
        var (episode, expiry) = EpisodeOf(start, "bucket:" + bucket.ToString(CultureInfo.InvariantCulture), start + (2 * _withinMs));
        // Claimed before the alert is built: a qualifying set fires again with every event that joins it, and all but the first are suppressed.
        if (!TryClaim(dedup, episode, expiry, out var alertId))
        {
            return;
        }

        var (evidence, names) = Cluster(recent, first);
        evidence.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));
        var extras = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["sources"] = string.Join(", ", names),
            ["count"] = names.Count.ToString(CultureInfo.InvariantCulture),
            ["within"] = Durations.Format(Rule.Within!.Within),
        };
        Emit(context, alertId, key, evidence, extras);
    }
}
