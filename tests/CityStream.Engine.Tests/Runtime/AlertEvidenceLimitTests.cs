using System.Text.Json;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Tests.Runtime;

/// <summary><c>alert.evidence</c>: how many events an alert carries, for every way a rule gathers them.</summary>
public sealed class AlertEvidenceLimitTests
{
    private const string Pack = """
        pack: transport
        rules:
          - id: tanker.crawl
            kind: threshold
            source: vehicle_gps
            key: plate
            window: WINDOW
            aggregate: { fixes: count() }
            having: fixes >= COUNT
            alert: { title: "{plate}: {fixes} fixes in {district}"EVIDENCE }
          - id: tanker.seen
            kind: match
            source: vehicle_gps
            where: speed_kmh > 100
            key: plate
            alert: { title: "{plate} speeding"EVIDENCE }
        """;

    private static RuleRuntime Runtime(int fixes, int? evidence, string window = "{ type: tumbling, size: 1h }")
    {
        var yaml = Pack.Replace("WINDOW", window, StringComparison.Ordinal)
            .Replace("COUNT", fixes.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("EVIDENCE", evidence is { } max ? $", evidence: {max}" : string.Empty, StringComparison.Ordinal);
        var result = RuleSet.FromYaml([("transport.yaml", yaml)]);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return new RuleRuntime(result.RuleSet!);
    }

    private static CityEvent Fix(int i, double speed = 1)
    {
        var evt = TestEvents.Make("vehicle_gps", ("id", $"fix-{i}"), ("ts", TestEvents.T0 + (i * 1_000L)), ("plate", "苏F·1"),
            ("vehicle_class", "hazmat_tanker"), ("speed_kmh", speed), ("district", "D" + i), ("grid", "G" + i));
        evt.SetNumber(evt.Schema.Field("lat")!.Index, 32.0 + (i / 1e3));
        evt.SetNumber(evt.Schema.Field("lon")!.Index, 120.86);
        evt.Origin = new EventOrigin("city.vehicle-gps", 0, i);
        return evt;
    }

    private static List<Alert> Run(RuleRuntime runtime, int count, Func<int, CityEvent>? make = null)
    {
        var output = new RuntimeOutput();
        for (var i = 1; i <= count; i++)
        {
            runtime.Process((make ?? (n => Fix(n)))(i), output);
        }

        return output.Alerts;
    }

    [Theory]
    [InlineData("{ type: tumbling, size: 1h }")]
    [InlineData("{ type: hopping, size: 1h, hop: 30m }")]
    [InlineData("1h")]
    public void A_threshold_alert_carries_the_first_events_and_the_newest_up_to_its_rule_s_evidence(string window)
    {
        var alerts = Run(Runtime(6, evidence: 3, window), 6).Where(a => a.Rule == "tanker.crawl").ToList();

        Assert.NotEmpty(alerts);
        Assert.All(alerts, alert =>
        {
            Assert.Equal(["fix-1", "fix-2", "fix-6"], alert.Evidence.Select(e => e.EventId));
            Assert.Equal(TestEvents.T0 + 1_000, alert.FirstEventTime);
            Assert.Equal(TestEvents.T0 + 6_000, alert.LastEventTime);
        });
    }

    [Theory]
    [InlineData("{ type: tumbling, size: 1h }")]
    [InlineData("1h")]
    public void A_threshold_alert_with_evidence_0_carries_none_and_takes_its_times_and_place_from_the_event_that_fired(string window)
    {
        var alert = Assert.Single(Run(Runtime(4, evidence: 0, window), 4), a => a.Rule == "tanker.crawl");

        Assert.Empty(alert.Evidence);
        Assert.Equal(TestEvents.T0 + 4_000, alert.FirstEventTime);
        Assert.Equal(TestEvents.T0 + 4_000, alert.LastEventTime);
        Assert.Equal("苏F·1: 4 fixes in D4", alert.Title);
        Assert.Equal(new GeoPoint(32.004, 120.86), alert.Location);
        Assert.Equal("G4", alert.Grid);
        using var json = JsonDocument.Parse(AlertJson.SerializeToUtf8Bytes(alert));
        Assert.Equal(0, json.RootElement.GetProperty("evidence").GetArrayLength());
        Assert.Equal(TestEvents.T0 + 4_000, json.RootElement.GetProperty("first_event_time").GetInt64());
    }

    [Fact]
    public void A_match_alert_with_evidence_0_carries_none()
    {
        var alert = Assert.Single(Run(Runtime(1_000, evidence: 0), 2, i => Fix(i, speed: 120 * i)), a => a.Rule == "tanker.seen" && a.Key == "苏F·1" && a.LastEventTime == TestEvents.T0 + 2_000);

        Assert.Empty(alert.Evidence);
        Assert.Equal("苏F·1 speeding", alert.Title);
        Assert.Equal("D2", alert.District);
    }

    [Fact]
    public void Without_evidence_in_the_alert_a_rule_carries_the_default_number_of_events()
    {
        var alert = Assert.Single(Run(Runtime(CompiledRule.DefaultMaxEvidence + 3, evidence: null), CompiledRule.DefaultMaxEvidence + 3), a => a.Rule == "tanker.crawl");

        Assert.Equal(CompiledRule.DefaultMaxEvidence, alert.Evidence.Count);
    }

    [Theory]
    [InlineData(null, 3)]
    [InlineData(0, 0)]
    public void A_window_keeps_as_evidence_only_what_it_can_still_alert_with(int? evidence, int kept)
    {
        // Fires at the third event; the five after it are counted, but the window alerts once, so none of them is kept.
        var runtime = Runtime(3, evidence);
        Assert.Single(Run(runtime, 8), a => a.Rule == "tanker.crawl");
        var store = new MemoryStateStore();
        runtime.Checkpoint(store);

        var windows = store.ReadAll()
            .Where(entry => entry.Key.StartsWith('r') && entry.Key.Contains("tanker.crawl", StringComparison.Ordinal))
            .Select(entry => System.Text.Json.Nodes.JsonNode.Parse(entry.Value)!["v"]!.AsObject())
            .SelectMany(windowsOfKey => windowsOfKey.Select(w => w.Value!))
            .ToList();
        var window = Assert.Single(windows);
        Assert.Equal(kept, window["ev"]?.AsArray().Count ?? 0);
    }

    [Fact]
    public void Rules_explain_says_how_many_events_an_alert_carries()
    {
        var rules = RuleSet.FromYaml([("transport.yaml", Pack.Replace("WINDOW", "1h", StringComparison.Ordinal).Replace("COUNT", "3", StringComparison.Ordinal).Replace("EVIDENCE", ", evidence: 0", StringComparison.Ordinal))]).RuleSet!;

        Assert.Contains("evidence  none (alert.evidence: 0)", RulePlan.Explain(rules, "tanker.crawl"), StringComparison.Ordinal);
    }
}
