using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The <c>absence</c> kind: an event of the first step opens a deadline (its time + <c>within</c>); an event of
/// the expected step with the same key and a time inside that span closes it. When stream time, less the
/// expected source's allowed lateness, passes a deadline still open, the alert fires — so a late but
/// allowed report still counts, and the decision is the same on every host and replay.
/// </summary>
internal sealed class AbsenceOperator : OperatorBase
{
    private readonly RuleStep _trigger;
    private readonly RuleStep _expected;
    private readonly long _withinMs;
    private readonly long _expectedLatenessMs;
    private readonly KeyedState<List<CityEvent>> _open;
    private readonly PriorityQueue<(string Key, CityEvent Trigger), long> _deadlines = new();

    public AbsenceOperator(CompiledRule rule, EmittedAlerts emitted)
        : base(rule, emitted)
    {
        _trigger = rule.Steps[0];
        _expected = rule.Steps[1];
        _withinMs = (long)rule.Within!.Within.TotalMilliseconds;
        _expectedLatenessMs = (long)_expected.Source.AllowedLateness.TotalMilliseconds;
        _open = new KeyedState<List<CityEvent>>(rule.Id, rule.MaxKeys, _withinMs + _expectedLatenessMs + LatenessMs);
    }

    public override int StateKeys => _open.Count;

    public override void OnEvent(CityEvent evt, RuntimeContext context)
    {
        if (_expected.Accepts(evt))
        {
            var key = _expected.Key.Select(evt);
            if (_open.Get(key) is { } waiting)
            {
                waiting.RemoveAll(trigger => evt.Timestamp >= trigger.Timestamp && evt.Timestamp <= trigger.Timestamp + _withinMs);
                if (waiting.Count == 0)
                {
                    _open.Remove(key);
                }
            }
        }

        if (_trigger.Accepts(evt))
        {
            var key = _trigger.Key.Select(evt);
            var waiting = _open.GetOrAdd(key, evt.Timestamp, static () => []);
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
            if (_open.Get(pending.Key) is not { } waiting || !waiting.Remove(pending.Trigger))
            {
                continue;
            }

            if (waiting.Count == 0)
            {
                _open.Remove(pending.Key);
            }

            var dedup = ReferenceEquals(Rule.Dedup, Rule.Key) ? pending.Key : Rule.Dedup.Select(pending.Trigger);
            var (episode, expiry) = EpisodeOf(pending.Trigger.Timestamp, "absent:" + pending.Trigger.Id, deadline);
            var extras = new Dictionary<string, string>(StringComparer.Ordinal) { ["within"] = Durations.Format(Rule.Within!.Within) };
            TryEmit(context, pending.Key, dedup, episode, expiry, [pending.Trigger], extras);
        }

        _open.Expire(streamTime);
    }
}
