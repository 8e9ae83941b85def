using System.Globalization;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The <c>match</c> kind: every event that meets the condition is an alert candidate. Candidates of the
/// same dedup key in one suppression period (aligned to event time, so the episode does not depend on
/// arrival order) share one alert id; only the first is emitted. Without a suppression period each event
/// is its own episode, so a re-sent duplicate event still gives one alert.
/// </summary>
internal sealed class MatchOperator(CompiledRule rule, EmittedAlerts emitted) : IRuleOperator
{
    private readonly long _suppressMs = (long)rule.Suppress.TotalMilliseconds;
    private readonly long _latenessMs = (long)rule.Source.AllowedLateness.TotalMilliseconds;
    private readonly bool _dedupIsKey = ReferenceEquals(rule.Dedup, rule.Key);

    public CompiledRule Rule { get; } = rule;

    public EmittedAlerts Emitted { get; } = emitted;

    public int StateKeys => Emitted.Count;

    public void OnEvent(CityEvent evt, RuntimeContext context)
    {
        if (Rule.Where is { } where && !where.Evaluate(evt))
        {
            return;
        }

        var key = Rule.Key.Select(evt);
        var dedup = _dedupIsKey ? key : Rule.Dedup.Select(evt);
        string episode;
        long expiry;
        if (_suppressMs > 0)
        {
            var bucket = evt.Timestamp / _suppressMs;
            episode = bucket.ToString(CultureInfo.InvariantCulture);
            expiry = ((bucket + 1) * _suppressMs) + _latenessMs;
        }
        else
        {
            episode = "event:" + evt.Id;
            expiry = evt.Timestamp + _latenessMs;
        }

        var alertId = AlertIds.For(Rule.Id, dedup, episode);
        if (!Emitted.TryAdd(alertId, expiry))
        {
            EngineMetrics.AlertsSuppressed.WithLabels(Rule.Pack, Rule.Id).Inc();
            return;
        }

        context.Output.Alerts.Add(AlertFactory.Build(Rule, alertId, key, [evt], context.Now));
    }

    public void OnWatermark(long watermark, RuntimeContext context) => Emitted.Expire(watermark);
}
