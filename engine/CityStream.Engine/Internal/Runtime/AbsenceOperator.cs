using System.Text.Json;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The <c>absence</c> kind: an event of the first step opens a deadline (its time + <c>within</c>); an event of
/// the expected step with the same key and a time inside that span closes it — whether it arrives after the
/// trigger or, out of order, before it (expected events are remembered for <c>within</c> plus the lateness).
/// When stream time, less the expected source's allowed lateness, passes a deadline still open, the alert
/// fires — so a late but allowed report still counts, and the decision is the same on every host and replay.
/// </summary>
internal sealed class AbsenceOperator : StatefulOperator<AbsenceOperator.AbsenceState>
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
        var ts = evt.Timestamp;
        if (_expected.Accepts(evt))
        {
            var key = _expected.Key.Select(evt);
            var state = State.GetOrAdd(key, ts, static () => new AbsenceState());
            for (var i = state.Triggers.Count - 1; i >= 0; i--)
            {
                if (Covers(state.Triggers[i], ts))
                {
                    state.Triggers.RemoveAt(i);
                }
            }

            state.Remember(ts, ts - _withinMs - LatenessMs);
        }

        if (_trigger.Accepts(evt))
        {
            var key = _trigger.Key.Select(evt);
            var state = State.GetOrAdd(key, ts, static () => new AbsenceState());
            if (!state.AnyExpectedIn(ts, ts + _withinMs) && !state.HasTrigger(evt.Id))
            {
                evt.Retained = true;
                state.Triggers.Add(evt);
                _deadlines.Enqueue((key, evt), ts + _withinMs);
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
            if (State.Get(pending.Key) is not { } state || !state.Triggers.Remove(pending.Trigger))
            {
                continue;
            }

            State.MarkDirty(pending.Key);
            var dedup = ReferenceEquals(Rule.Dedup, Rule.Key) ? pending.Key : Rule.Dedup.Select(pending.Trigger);
            var (episode, expiry) = EpisodeOf(pending.Trigger.Timestamp, "absent:" + pending.Trigger.Id, deadline);
            var extras = new Dictionary<string, string>(StringComparer.Ordinal) { ["within"] = Durations.Format(Rule.Within!.Within) };
            TryEmit(context, pending.Key, dedup, episode, expiry, [pending.Trigger], extras);
        }

        State.Expire(streamTime);
    }

    protected override void WriteState(Utf8JsonWriter writer, AbsenceState state)
    {
        writer.WriteStartObject();
        EventSnapshot.WriteList(writer, "triggers", state.Triggers, SingleSource);
        writer.WriteStartArray("expected");
        foreach (var time in state.RememberedExpected())
        {
            writer.WriteNumberValue(time);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    protected override AbsenceState ReadState(JsonElement element)
    {
        var state = new AbsenceState();
        state.Triggers.AddRange(EventSnapshot.ReadList(element.GetProperty("triggers"), SourceNamed));
        foreach (var time in element.GetProperty("expected").EnumerateArray())
        {
            state.Remember(time.GetInt64(), long.MinValue);
        }

        return state;
    }

    protected override void OnRestored(string key, AbsenceState state)
    {
        foreach (var trigger in state.Triggers)
        {
            _deadlines.Enqueue((key, trigger), trigger.Timestamp + _withinMs);
        }
    }

    private bool Covers(CityEvent trigger, long expectedTime) => expectedTime >= trigger.Timestamp && expectedTime <= trigger.Timestamp + _withinMs;

    /// <summary>
    /// A key's open triggers and the times of its expected events. The times are kept sorted, and forgotten ones
    /// (older than the cut-off) are skipped by the searches and dropped in bulk: one key can see an expected event per
    /// second over a day (grid reports with no related event all share the empty key), so neither a scan nor a
    /// removal per event is affordable.
    /// </summary>
    internal sealed class AbsenceState
    {
        private readonly List<long> _expected = [];
        private long _forgetBefore = long.MinValue;

        public List<CityEvent> Triggers { get; } = [];

        public void Remember(long time, long forgetBefore)
        {
            var at = LowerBound(time);
            while (at < _expected.Count && _expected[at] == time)
            {
                at++;
            }

            _expected.Insert(at, time);
            if (forgetBefore > _forgetBefore)
            {
                _forgetBefore = forgetBefore;
                var forgotten = LowerBound(forgetBefore);
                if (forgotten >= 64 || forgotten * 4 >= _expected.Count)
                {
                    _expected.RemoveRange(0, forgotten);
                }
            }
        }

        public bool AnyExpectedIn(long from, long to)
        {
            var at = LowerBound(Math.Max(from, _forgetBefore));
            return at < _expected.Count && _expected[at] <= to;
        }

        public bool HasTrigger(string id)
        {
            foreach (var trigger in Triggers)
            {
                if (string.Equals(trigger.Id, id, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        public IEnumerable<long> RememberedExpected()
        {
            for (var i = LowerBound(_forgetBefore); i < _expected.Count; i++)
            {
                yield return _expected[i];
            }
        }

        private int LowerBound(long time)
        {
            int lo = 0, hi = _expected.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (_expected[mid] < time)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }
    }
}
