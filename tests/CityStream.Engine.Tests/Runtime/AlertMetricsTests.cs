namespace CityStream.Engine.Tests.Runtime;

public sealed class AlertMetricsTests
{
    [Fact]
    public void Alerts_are_counted_per_pack_rule_and_severity_however_they_interleave_in_a_batch()
    {
        var pack = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        var other = pack + "-other";
        Alert[] batch =
        [
            Make(pack, "r1", "high"), Make(pack, "r1", "high"), Make(pack, "r1", "low"), Make(pack, "r2", "high"),
            Make(other, "r1", "high"), Make(pack, "r1", "high"), Make(pack, "r1", "high"),
        ];

        AlertMetrics.Record(batch);

        Assert.Equal(4, EngineMetrics.Alerts.WithLabels(pack, "r1", "high").Value);
        Assert.Equal(1, EngineMetrics.Alerts.WithLabels(pack, "r1", "low").Value);
        Assert.Equal(1, EngineMetrics.Alerts.WithLabels(pack, "r2", "high").Value);
        Assert.Equal(1, EngineMetrics.Alerts.WithLabels(other, "r1", "high").Value);
        Assert.Equal(6, EngineMetrics.AlertLatency.WithLabels(pack).Count);
        Assert.Equal(1, EngineMetrics.AlertLatency.WithLabels(other).Count);
    }

    private static Alert Make(string pack, string rule, string severity) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Rule = rule,
        Pack = pack,
        Severity = severity,
        Title = rule,
        Message = rule,
        Key = "k",
        FirstEventTime = 1_000,
        LastEventTime = 2_000,
        EmitTime = 2_500,
        Evidence = [],
        Labels = new Dictionary<string, string>(),
    };
}
