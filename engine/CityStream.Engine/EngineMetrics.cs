using Prometheus;

namespace CityStream.Engine;

/// <summary>
/// The engine's Prometheus metrics (prometheus-net, default registry, served on <c>/metrics</c>).
/// Names follow Prometheus conventions: <c>citystream_</c> prefix, base units, <c>_total</c> on counters.
/// </summary>
public static class EngineMetrics
{
    // Declared first so it runs before any metric registers. The .NET event-counter and meter adapters export
    // names that break Prometheus conventions (promtool flags "_total" on gauges, "_count" on non-histograms),
    // so only the process metrics stay on beside ours.
    private static readonly bool DefaultsConfigured = ConfigureDefaultMetrics();

    /// <summary>Events read, per source, before validation (one per event, not per Kafka record).</summary>
    public static readonly Counter EventsIn = Metrics.CreateCounter(
        "citystream_events_in_total", "Events read from a source, before validation; in = processed + dead-lettered.", "source");

    /// <summary>Events decoded, validated and run through the rules, per source.</summary>
    public static readonly Counter EventsProcessed = Metrics.CreateCounter(
        "citystream_events_processed_total", "Events decoded, validated and evaluated by the rules.", "source");

    /// <summary>Events sent to the dead-letter topic, per source and reason.</summary>
    public static readonly Counter DeadLettered = Metrics.CreateCounter(
        "citystream_dead_letters_total", "Events sent to the dead-letter topic, by reason (malformed_json, schema_violation, malformed_arrow, unknown_content_type, late).", "source", "reason");

    /// <summary>Alerts emitted, per pack, rule and severity.</summary>
    public static readonly Counter Alerts = Metrics.CreateCounter(
        "citystream_alerts_total", "Alerts emitted by rules.", "pack", "rule", "severity");

    /// <summary>Matches that were not emitted because an alert of the same dedup key and episode was already out.</summary>
    public static readonly Counter AlertsSuppressed = Metrics.CreateCounter(
        "citystream_alerts_suppressed_total", "Rule matches folded into an alert already emitted in the same suppression period.", "pack", "rule");

    /// <summary>Delay from the event time of an alert's last evidence to its emission.</summary>
    public static readonly Histogram AlertLatency = Metrics.CreateHistogram(
        "citystream_alert_latency_seconds", "Delay from the event time of an alert's last evidence to the alert's emission (event time to alert).",
        new HistogramConfiguration
        {
            LabelNames = ["pack"],
            Buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
        });

    /// <summary>Alert writes a sink completed.</summary>
    public static readonly Counter SinkWrites = Metrics.CreateCounter(
        "citystream_sink_writes_total", "Alerts a sink wrote (idempotent writes of an alert already there count too).", "sink");

    /// <summary>Failed sink writes.</summary>
    public static readonly Counter SinkErrors = Metrics.CreateCounter(
        "citystream_sink_errors_total", "Sink writes that failed (each is retried with backoff).", "sink");

    /// <summary>Sink write retries.</summary>
    public static readonly Counter SinkRetries = Metrics.CreateCounter(
        "citystream_sink_retries_total", "Sink writes retried after a failure.", "sink");

    /// <summary>Rule pack loads and reloads, by result (loaded or refused).</summary>
    public static readonly Counter PackReloads = Metrics.CreateCounter(
        "citystream_rule_pack_reloads_total", "Rule pack loads and hot reloads, by result: loaded or refused (the running pack stays).", "result");

    /// <summary>Keys held in rule state.</summary>
    public static readonly Gauge StateKeys = Metrics.CreateGauge(
        "citystream_state_keys", "Keys held in the working state of a rule (dedup and window state).", "rule");

    /// <summary>State entries evicted by TTL or by the key limit.</summary>
    public static readonly Counter StateEvictions = Metrics.CreateCounter(
        "citystream_state_evictions_total", "State entries evicted, by rule and cause (ttl, key_limit, or unreadable_checkpoint: dropped at restore because the rule can no longer read it).", "rule", "cause");

    // prometheus-net's WithLabels builds a label sequence and takes a lock per call; events_in is counted per JSON
    // record, so its children are looked up once per source.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<SourceSchema, Counter.Child> EventsInBySource =
        new(ReferenceEqualityComparer.Instance);

    /// <summary>Whether the default metrics were configured (true once the class is initialised).</summary>
    public static bool Configured => DefaultsConfigured;

    private static bool ConfigureDefaultMetrics()
    {
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
        {
            SuppressProcessMetrics = false,
            SuppressEventCounters = true,
            SuppressMeters = true,
            SuppressDebugMetrics = true,
        });
        return true;
    }

    internal static Counter.Child EventsInOf(SourceSchema schema) =>
        EventsInBySource.GetOrAdd(schema, static s => EventsIn.WithLabels(s.Name));
}
