using System.Text.Json;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The <c>absence</c> kind: an event of the first step opens a deadline (its time + <c>within</c>); an event of
/// the expected step with the same key and a time inside that span closes it. When stream time, less the
/// expected source's allowed lateness, passes a deadline still open, the alert fires — so a late but
/// allowed report still counts, and the decision is the same on every host and replay.
/// </summary>
internal sealed class AbsenceOperator : StatefulOperator<List<CityEvent>>
{
    private readonly RuleStep _trigger;
    private readonly RuleStep _expected;
    private readonly long _withinMs;
    private readonly long _expectedLatenessMs;
    private readonly PriorityQueue<(string Key, CityEvent Trigger), long> _deadlines = new();

    public AbsenceOperator(CompiledRule rule, EmittedAlerts emitted)
        : base(rule, emitted, (long)(rule.Within!.Within + rule.Steps[1].Source.AllowedLateness).TotalMilliseconds * 2)
    {
        _trigger = rule.Steps[0];
        _expected = rule.Steps[1];
        _withinMs = (long)rule.Within!.Within.TotalMilliseconds;
        _expectedLatenessMs = (long)_expected.Source.AllowedLateness.TotalMilliseconds;
    }

    public override void OnEvent(CityEvent evt, RuntimeContext context)
    {
        if (_expected.Accepts(evt))
        {
            var key = _expected.Key.Select(evt);
            if (State.Get(key) is { } waiting
                && waiting.RemoveAll(trigger => evt.Timestamp >= trigger.Timestamp && evt.Timestamp <= trigger.Timestamp + _withinMs) > 0)
            {
                State.MarkDirty(key);
                if (waiting.Count == 0)
                {
                    State.Remove(key);
                }
            }
        }

        if (_trigger.Accepts(evt))
        {
            var key = _trigger.Key.Select(evt);
            var waiting = State.GetOrAdd(key, evt.Timestamp, static () => []);
            if (!waiting.Exists(e => e.Id == evt.Id))
            {
                waiting.Add(evt);
                _deadlines.Enqueue((key, evt), evt.Timestamp + _withinMs);
            }
        }
    }

    public override void OnTime(long streamTime, RuntimeContext context)
    {
        base.OnTime(streamTime, context);
        var decided = streamTime - _expectedLatenessMs;
        while (_deadlines.TryPeek(out var pending, out var deadline) && deadline < decided)
        {
            _deadlines.Dequeue();
            if (State.Get(pending.Key) is not { } waiting || !waiting.Remove(pending.Trigger))
            {
                continue;
            }

            State.MarkDirty(pending.Key);
            if (waiting.Count == 0)
            {
                State.Remove(pending.Key);
            }

            var dedup = ReferenceEquals(Rule.Dedup, Rule.Key) ? pending.Key : Rule.Dedup.Select(pending.Trigger);
            var (episode, expiry) = EpisodeOf(pending.Trigger.Timestamp, "absent:" + pending.Trigger.Id, deadline);
            var extras = new Dictionary<string, string>(StringComparer.Ordinal) { ["within"] = Durations.Format(Rule.Within!.Within) };
            TryEmit(context, pending.Key, dedup, episode, expiry, [pending.Trigger], extras);
        }

        State.Expire(streamTime);
    }

    protected override void WriteState(Utf8JsonWriter writer, List<CityEvent> state) => EventSnapshot.WriteList(writer, null, state);

    protected override List<CityEvent> ReadState(JsonElement element) => EventSnapshot.ReadList(element, SourceNamed);

    protected override void OnRestored(string key, List<CityEvent> state)
    {
        foreach (var trigger in state)
        {
            _deadlines.Enqueue((key, trigger), trigger.Timestamp + _withinMs);
        }
    }
}
