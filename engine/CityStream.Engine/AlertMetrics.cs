namespace CityStream.Engine;

/// <summary>Counts emitted alerts and their event-time-to-alert latency; hosts call it once the sinks have the alerts.</summary>
public static class AlertMetrics
{
    /// <summary>Records alerts written to the sinks.</summary>
    public static void Record(IReadOnlyList<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);

        // A batch is mostly runs of one rule's alerts: look the labelled children up once per run, not per alert.
        Prometheus.Counter.Child? counter = null;
        Prometheus.Histogram.Child? latency = null;
        string? pack = null, rule = null, severity = null;
        var run = 0;
        foreach (var alert in alerts)
        {
            if (!ReferenceEquals(alert.Rule, rule) || !ReferenceEquals(alert.Severity, severity) || !ReferenceEquals(alert.Pack, pack))
            {
                counter?.Inc(run);
                run = 0;
                if (!ReferenceEquals(alert.Pack, pack) || latency is null)
                {
                    latency = EngineMetrics.AlertLatency.WithLabels(alert.Pack);
                }

                (pack, rule, severity) = (alert.Pack, alert.Rule, alert.Severity);
                counter = EngineMetrics.Alerts.WithLabels(pack, rule, severity);
            }

            run++;
            latency!.Observe(Math.Max(0, alert.EmitTime - alert.LastEventTime) / 1000.0);
        }

        counter?.Inc(run);
    }
}
