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
        if (_expected.Accepts(evt))
        {
            var key = _expected.Key.Select(evt);
            var state = State.GetOrAdd(key, evt.Timestamp, static () => new AbsenceState());
            state.Triggers.RemoveAll(trigger => Covers(trigger, evt.Timestamp));
            state.Expected.Add(evt.Timestamp);
            state.Expected.RemoveAll(t => t < evt.Timestamp - _withinMs - LatenessMs);
        }

        if (_trigger.Accepts(evt))
        {
            var key = _trigger.Key.Select(evt);
            var state = State.GetOrAdd(key, evt.Timestamp, static () => new AbsenceState());
            if (!state.Expected.Exists(t => Covers(evt, t)) && !state.Triggers.Exists(e => e.Id == evt.Id))
            {
                evt.Retained = true;
                state.Triggers.Add(evt);
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
        EventSnapshot.WriteList(writer, "triggers", state.Triggers);
        writer.WriteStartArray("expected");
        foreach (var time in state.Expected)
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
        state.Expected.AddRange(element.GetProperty("expected").EnumerateArray().Select(t => t.GetInt64()));
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

    internal sealed class AbsenceState
    {
        public List<CityEvent> Triggers { get; } = [];

        public List<long> Expected { get; } = [];
    }
}
