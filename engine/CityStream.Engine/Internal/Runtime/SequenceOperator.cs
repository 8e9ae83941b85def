using System.Text.Json;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The <c>sequence</c> kind: the steps in order, same key, all within <c>within</c> of the first. Each key holds
/// its partial matches (at most <see cref="MaxPartials"/>); an event advances every partial waiting for its
/// step (skip-till-next-match) and may start a new one. A completed partial is an alert.
/// </summary>
internal sealed class SequenceOperator : StatefulOperator<List<List<CityEvent>>>
{
    private const int MaxPartials = 16;

    private readonly IReadOnlyList<RuleStep> _steps;
    private readonly long _withinMs;
    private readonly string _stepNames;

    public SequenceOperator(CompiledRule rule, EmittedAlerts emitted)
        : base(rule, emitted, (long)rule.Within!.Within.TotalMilliseconds * 2)
    {
        _steps = rule.Steps;
        _withinMs = (long)rule.Within!.Within.TotalMilliseconds;
        _stepNames = string.Join(" → ", _steps.Select(s => s.Name));
    }

    public override void OnEvent(CityEvent evt, RuntimeContext context)
    {
        string? key = null;
        List<List<CityEvent>>? partials = null;
        for (var s = 1; s < _steps.Count; s++)
        {
            if (!_steps[s].Accepts(evt))
            {
                continue;
            }

            key ??= _steps[s].Key.Select(evt);
            partials ??= State.Get(key);
            if (partials is null)
            {
                break;
            }

            State.MarkDirty(key);
            for (var p = partials.Count - 1; p >= 0; p--)
            {
                var partial = partials[p];
                if (partial.Count != s || evt.Timestamp < partial[^1].Timestamp || evt.Timestamp > partial[0].Timestamp + _withinMs)
                {
                    continue;
                }

                evt.Retained = true;
                partial.Add(evt);
                if (partial.Count == _steps.Count)
                {
                    partials.RemoveAt(p);
                    Complete(partial, key, context);
                }
            }
        }

        if (_steps[0].Accepts(evt))
        {
            var startKey = _steps[0].Key.Select(evt);
            var list = State.GetOrAdd(startKey, evt.Timestamp, static () => []);
            if (list.Count >= MaxPartials)
            {
                list.RemoveAt(0);
                CountKeyLimitEviction();
            }

            evt.Retained = true;
            list.Add([evt]);
        }
    }

    public override void OnTime(long streamTime, RuntimeContext context)
    {
        base.OnTime(streamTime, context);
        State.Expire(streamTime);
    }

    protected override void WriteState(Utf8JsonWriter writer, List<List<CityEvent>> state)
    {
        writer.WriteStartArray();
        foreach (var partial in state)
        {
            EventSnapshot.WriteList(writer, null, partial, SingleSource);
        }

        writer.WriteEndArray();
    }

    protected override List<List<CityEvent>> ReadState(JsonElement element) =>
        [.. element.EnumerateArray().Select(partial => EventSnapshot.ReadList(partial, SourceNamed))];

    private void Complete(List<CityEvent> partial, string key, RuntimeContext context)
    {
        var dedup = ReferenceEquals(Rule.Dedup, Rule.Key) ? key : Rule.Dedup.Select(partial[0]);
        var (episode, expiry) = EpisodeOf(partial[0].Timestamp, "seq:" + partial[0].Id, partial[0].Timestamp + _withinMs);
        // Claimed before the alert is built: with a suppression period most completions are folded into an alert already out.
        if (!TryClaim(dedup, episode, expiry, out var alertId))
        {
            return;
        }

        var extras = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["steps"] = _stepNames,
            ["within"] = Durations.Format(Rule.Within!.Within),
        };
        Emit(context, alertId, key, partial, extras);
    }
}
