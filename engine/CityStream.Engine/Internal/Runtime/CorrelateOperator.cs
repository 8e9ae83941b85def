using System.Globalization;
using System.Text.Json;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The <c>correlate</c> kind: at least <c>min_sources</c> of the listed inputs, same key, within <c>within</c> of
/// each other. Each key keeps the recent events of each input; at every accepted event the inputs seen
/// within <c>within</c> of it are counted, and the alert fires once per key per suppression period
/// (default: <c>within</c>, aligned to event time).
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
            EventSnapshot.WriteList(writer, null, events);
        }

        writer.WriteEndArray();
    }

    protected override List<CityEvent>[] ReadState(JsonElement element) =>
        [.. element.EnumerateArray().Select(events => EventSnapshot.ReadList(events, SourceNamed))];

    private void Evaluate(string key, List<CityEvent>[] recent, CityEvent evt, RuntimeContext context)
    {
        var keepFrom = evt.Timestamp - (2 * _withinMs) - LatenessMs;
        var evidence = new List<CityEvent>();
        var names = new List<string>();
        for (var s = 0; s < recent.Length; s++)
        {
            recent[s].RemoveAll(e => e.Timestamp < keepFrom);
            CityEvent? nearest = null;
            foreach (var candidate in recent[s])
            {
                if (Math.Abs(candidate.Timestamp - evt.Timestamp) <= _withinMs
                    && (nearest is null || Math.Abs(candidate.Timestamp - evt.Timestamp) < Math.Abs(nearest.Timestamp - evt.Timestamp)))
                {
                    nearest = candidate;
                }
            }

            if (nearest is not null)
            {
                evidence.Add(nearest);
                names.Add(_steps[s].Name);
            }
        }

        if (names.Count < _minSources)
        {
            return;
        }

        evidence.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));
        var dedup = ReferenceEquals(Rule.Dedup, Rule.Key) ? key : Rule.Dedup.Select(evt);
        var suppressMs = Rule.Suppress > TimeSpan.Zero ? (long)Rule.Suppress.TotalMilliseconds : _withinMs;
        var bucket = evidence[0].Timestamp / suppressMs;
        var (episode, expiry) = Rule.Suppress > TimeSpan.Zero
            ? EpisodeOf(evidence[0].Timestamp, string.Empty, 0)
            : ("within:" + bucket.ToString(CultureInfo.InvariantCulture), ((bucket + 1) * suppressMs) + LatenessMs);
        var extras = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["sources"] = string.Join(", ", names),
            ["count"] = names.Count.ToString(CultureInfo.InvariantCulture),
            ["within"] = Durations.Format(Rule.Within!.Within),
        };
        TryEmit(context, key, dedup, episode, expiry, evidence, extras);
    }
}
