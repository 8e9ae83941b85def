using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The <c>match</c> kind: every event that meets the condition is an alert candidate. Candidates of the
/// same dedup key in one suppression period share one alert id and only the first is emitted. Without a
/// suppression period each event is its own episode, so a re-sent duplicate event still gives one alert.
/// </summary>
internal sealed class MatchOperator(CompiledRule rule, EmittedAlerts emitted) : OperatorBase(rule, emitted)
{
    private readonly bool _dedupIsKey = ReferenceEquals(rule.Dedup, rule.Key);

    public override int StateKeys => Emitted.Count;

    public override void OnEvent(CityEvent evt, RuntimeContext context)
    {
        if (Rule.Where is { } where && !where.Evaluate(evt))
        {
            return;
        }

        var key = Rule.Key.Select(evt);
        var dedup = _dedupIsKey ? key : Rule.Dedup.Select(evt);
        var (episode, expiry) = EpisodeOf(evt.Timestamp, "event:" + evt.Id, evt.Timestamp);
        TryEmit(context, key, dedup, episode, expiry, [evt], null);
    }
}
