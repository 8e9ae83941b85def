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

    public CorrelateOperator(CompiledRule rule, EmittedAlerts emitted)
        : base(rule, emitted, (long)rule.Within!.Within.TotalMilliseconds * 3)
    {
        _steps = rule.Steps;
        _withinMs = (long)rule.Within!.Within.TotalMilliseconds;
        _minSources = rule.Within.MinSources;
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
            var recent = State.GetOrAdd(key, evt.Timestamp, () => [.. _steps.Select(_ => new List<CityEvent>())]);
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
            events.RemoveAll(e => e.Timestamp < keepFrom);
        }

        var bucket = Math.DivRem(evt.Timestamp, _withinMs).Quotient;
        for (var b = bucket - 1; b <= bucket; b++)
        {
            if (TryCluster(recent, b, out var evidence, out var names))
            {
                Fire(key, b, evidence, names, evt, context);
            }
        }
    }

    /// <summary>
    /// Whether some events of at least min_sources inputs lie within 'within' of each other with the earliest of
    /// them in bucket b. That only ever turns true as events arrive, so which buckets fire — and so the alert
    /// ids — does not depend on arrival order; evidence is the earliest event of each input in the set.
    /// </summary>
    private bool TryCluster(List<CityEvent>[] recent, long b, out List<CityEvent> evidence, out List<string> names)
    {
        var from = b * _withinMs;
        var to = from + _withinMs;
        evidence = [];
        names = [];
        foreach (var starts in recent)
        {
            foreach (var first in starts)
            {
                if (first.Timestamp < from || first.Timestamp >= to)
                {
                    continue;
                }

                var found = new List<CityEvent>();
                var sources = new List<string>();
                for (var s = 0; s < recent.Length; s++)
                {
                    CityEvent? earliest = null;
                    foreach (var candidate in recent[s])
                    {
                        if (candidate.Timestamp >= first.Timestamp && candidate.Timestamp <= first.Timestamp + _withinMs
                            && (earliest is null || candidate.Timestamp < earliest.Timestamp))
                        {
                            earliest = candidate;
                        }
                    }

                    if (earliest is not null)
                    {
                        found.Add(earliest);
                        sources.Add(_steps[s].Name);
                    }
                }

                if (sources.Count >= _minSources && (evidence.Count == 0 || found[0].Timestamp < evidence[0].Timestamp || sources.Count > names.Count))
                {
                    evidence = found;
                    names = sources;
                }
            }
        }

        return names.Count >= _minSources;
    }

    private void Fire(string key, long bucket, List<CityEvent> evidence, List<string> names, CityEvent evt, RuntimeContext context)
    {
        evidence.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));
        var dedup = ReferenceEquals(Rule.Dedup, Rule.Key) ? key : Rule.Dedup.Select(evt);
        var start = bucket * _withinMs;
        var (episode, expiry) = EpisodeOf(start, "bucket:" + bucket.ToString(CultureInfo.InvariantCulture), start + (2 * _withinMs));
        var extras = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["sources"] = string.Join(", ", names),
            ["count"] = names.Count.ToString(CultureInfo.InvariantCulture),
            ["within"] = Durations.Format(Rule.Within!.Within),
        };
        TryEmit(context, key, dedup, episode, expiry, evidence, extras);
    }
}
