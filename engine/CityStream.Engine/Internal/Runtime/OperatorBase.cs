using System.Globalization;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// What every operator shares: the alert ids already emitted (so a candidate of the same dedup key and
/// episode is suppressed, and counted) and building the alert.
/// </summary>
internal abstract class OperatorBase(CompiledRule rule, EmittedAlerts emitted) : IRuleOperator
{
    protected readonly long LatenessMs = (long)rule.Steps.Max(s => s.Source.AllowedLateness.TotalMilliseconds);

    // Looked up once: prometheus-net's WithLabels builds a label sequence and takes a lock per call.
    private Prometheus.Counter.Child? _suppressed;
    private Prometheus.Counter.Child? _limitEvictions;

    public CompiledRule Rule { get; } = rule;

    public EmittedAlerts Emitted { get; } = emitted;

    public abstract int StateKeys { get; }

    public virtual bool FindsKeysByChars => false;

    public abstract void OnEvent(CityEvent evt, RuntimeContext context);

    public virtual void OnTime(long streamTime, RuntimeContext context) => Emitted.Expire(streamTime - LatenessMs);

    /// <summary>
    /// The episode of a candidate: the rule's suppression period that <paramref name="eventTime"/> falls in when
    /// it has one, else <paramref name="naturalEpisode"/> (a window, an event id) — always a function of the
    /// input, never of arrival time, so both hosts and every replay give the same alert ids.
    /// </summary>
    protected (string Episode, long Expiry) EpisodeOf(long eventTime, string naturalEpisode, long naturalEnd)
    {
        var suppressMs = (long)Rule.Suppress.TotalMilliseconds;
        if (suppressMs > 0)
        {
            var bucket = eventTime / suppressMs;
            return (bucket.ToString(CultureInfo.InvariantCulture), ((bucket + 1) * suppressMs) + LatenessMs);
        }

        return (naturalEpisode, naturalEnd + LatenessMs);
    }

    /// <summary>Emits an alert unless one of the same id is already out; true when emitted.</summary>
    protected bool TryEmit(RuntimeContext context, string key, string dedupKey, string episode, long expiry, IReadOnlyList<CityEvent> evidence, IReadOnlyDictionary<string, string>? extras)
    {
        if (!TryClaim(dedupKey, episode, expiry, out var alertId))
        {
            return false;
        }

        Emit(context, alertId, key, evidence, extras);
        return true;
    }

    /// <summary>The id of a candidate alert, unless one of that id is already out (then counted as suppressed).</summary>
    protected bool TryClaim(string dedupKey, string episode, long expiry, out string alertId)
    {
        alertId = AlertIds.For(Rule.Id, dedupKey, episode);
        if (!Emitted.TryAdd(alertId, expiry))
        {
            (_suppressed ??= EngineMetrics.AlertsSuppressed.WithLabels(Rule.Pack, Rule.Id)).Inc();
            return false;
        }

        return true;
    }

    /// <summary>Emits an alert whose episode the operator's own state already dedups.</summary>
    protected void Emit(RuntimeContext context, string alertId, string key, IReadOnlyList<CityEvent> evidence, IReadOnlyDictionary<string, string>? extras) =>
        context.Output.Alerts.Add(AlertFactory.Build(Rule, alertId, key, evidence, context.Now, extras));

    /// <summary>Emits the alert of a window, <paramref name="newest"/> being the event that made it fire (its last evidence).</summary>
    protected void Emit(RuntimeContext context, string alertId, string key, CityEvent newest, WindowAggregates window, EvidenceEncoding encoding, IReadOnlyDictionary<string, string>? extras) =>
        context.Output.Alerts.Add(AlertFactory.BuildForWindow(Rule, alertId, key, newest, window.EvidenceSnapshot(encoding, key), context.Now, extras, window.EvidenceTimes(encoding, newest)));

    /// <summary>Counts state entries the rule dropped at its key limit.</summary>
    protected void CountKeyLimitEviction() => (_limitEvictions ??= EngineMetrics.StateEvictions.WithLabels(Rule.Id, "key_limit")).Inc();

    protected static string FormatTime(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    protected static string FormatNumber(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
