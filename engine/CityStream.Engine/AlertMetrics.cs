namespace CityStream.Engine;

/// <summary>Counts emitted alerts and their event-time-to-alert latency; hosts call it once the sinks have the alerts.</summary>
public static class AlertMetrics
{
    /// <summary>Records alerts written to the sinks.</summary>
    public static void Record(IReadOnlyList<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        foreach (var alert in alerts)
        {
            EngineMetrics.Alerts.WithLabels(alert.Pack, alert.Rule, alert.Severity).Inc();
            EngineMetrics.AlertLatency.WithLabels(alert.Pack).Observe(Math.Max(0, alert.EmitTime - alert.LastEventTime) / 1000.0);
        }
    }
}
