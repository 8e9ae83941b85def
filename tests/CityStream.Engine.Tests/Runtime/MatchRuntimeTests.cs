using CityStream.Engine;
using CityStream.Engine.Tests.Decoding;

namespace CityStream.Engine.Tests.Runtime;

public sealed class MatchRuntimeTests
{
    private const string SmokePack = """
        pack: fire
        lists:
          fire_signs: [smoke, fire]
        rules:
          - id: video.smoke
            kind: match
            source: video_alert
            where: alert_type in lists.fire_signs && confidence >= 0.8
            key: camera_id
            severity: "confidence >= 0.95 ? 'critical' : 'high'"
            alert:
              title: "烟雾 {camera_id} {grid}"
              message: "key={key} conf={confidence}"
              suppress: 30m
              route: fire-rescue
            labels: { domain: fire }
        """;

    private static RuleRuntime Runtime(string yaml = SmokePack)
    {
        var result = RuleSet.FromYaml([("fire.yaml", yaml)]);
        Assert.Empty(result.Errors);
        return new RuleRuntime(result.RuleSet!, new FixedClock(TestEvents.T0 + 5_000));
    }

    private static RuntimeOutput Run(RuleRuntime runtime, params CityEvent[] events)
    {
        var output = new RuntimeOutput();
        foreach (var evt in events)
        {
            evt.Origin = new EventOrigin("city.video-alert", 0, evt.Timestamp - TestEvents.T0);
            runtime.Process(evt, output);
        }

        return output;
    }

    [Fact]
    public void An_event_built_in_code_without_an_origin_is_processed_like_any_other()
    {
        var output = new RuntimeOutput();

        Runtime().Process(TestEvents.Smoke("v1", TestEvents.T0, confidence: 0.9), output);

        Assert.Equal("video.smoke", Assert.Single(output.Alerts).Rule);
    }

    [Fact]
    public void Matching_event_gives_an_alert_with_rendered_templates_and_evidence()
    {
        var output = Run(Runtime(), TestEvents.Smoke("v1", TestEvents.T0, confidence: 0.9));

        var alert = Assert.Single(output.Alerts);
        Assert.Equal("video.smoke", alert.Rule);
        Assert.Equal("fire", alert.Pack);
        Assert.Equal("high", alert.Severity);
        Assert.Equal("烟雾 cam-1 G0412", alert.Title);
        Assert.Equal("key=cam-1 conf=0.9", alert.Message);
        Assert.Equal("cam-1", alert.Key);
        Assert.Equal("fire-rescue", alert.Route);
        Assert.Equal("G0412", alert.Grid);
        Assert.Equal(new GeoPoint(32.01, 120.86), alert.Location);
        Assert.Equal(TestEvents.T0 + 5_000, alert.EmitTime);
        var evidence = Assert.Single(alert.Evidence);
        Assert.Equal("v1", evidence.EventId);
        Assert.Equal(0.9, evidence.Fields["confidence"]);
        Assert.Equal("smoke", evidence.Fields["alert_type"]);
        Assert.Equal(32, alert.Id.Length);
    }

    [Fact]
    public void Alert_is_valid_against_the_alert_schema()
    {
        var alert = Assert.Single(Run(Runtime(), TestEvents.Smoke("v1", TestEvents.T0)).Alerts);

        Assert.True(SchemaAgreementTests.AlertIsValid(alert));
    }

    [Fact]
    public void Non_matching_events_give_no_alert()
    {
        var output = Run(Runtime(), TestEvents.Smoke("v1", TestEvents.T0, confidence: 0.5), TestEvents.Smoke("v2", TestEvents.T0, type: "crowd"));

        Assert.Empty(output.Alerts);
    }

    [Fact]
    public void Severity_expression_picks_the_level()
    {
        var alert = Assert.Single(Run(Runtime(), TestEvents.Smoke("v1", TestEvents.T0, confidence: 0.97)).Alerts);

        Assert.Equal("critical", alert.Severity);
    }

    [Fact]
    public void Matches_of_one_key_in_one_suppression_period_are_one_alert()
    {
        var output = Run(Runtime(),
            TestEvents.Smoke("v1", TestEvents.T0),
            TestEvents.Smoke("v2", TestEvents.T0 + 60_000),
            TestEvents.Smoke("v3", TestEvents.T0 + 120_000, camera: "cam-2"),
            TestEvents.Smoke("v4", TestEvents.T0 + (31 * 60_000)));

        Assert.Equal(["cam-1", "cam-2", "cam-1"], output.Alerts.Select(a => a.Key));
    }

    [Fact]
    public void Alert_ids_are_deterministic_across_runtimes()
    {
        var first = Run(Runtime(), TestEvents.Smoke("v1", TestEvents.T0), TestEvents.Smoke("v3", TestEvents.T0 + 120_000, camera: "cam-2"));
        var second = Run(Runtime(), TestEvents.Smoke("v9", TestEvents.T0 + 1_000), TestEvents.Smoke("v8", TestEvents.T0 + 121_000, camera: "cam-2"));

        Assert.Equal(first.Alerts.Select(a => a.Id), second.Alerts.Select(a => a.Id));
        Assert.NotEqual(first.Alerts[0].Id, first.Alerts[1].Id);
    }

    [Fact]
    public void Without_suppression_a_duplicate_event_is_still_one_alert()
    {
        var yaml = SmokePack.Replace("      suppress: 30m\n", string.Empty, StringComparison.Ordinal);

        var output = Run(Runtime(yaml), TestEvents.Smoke("v1", TestEvents.T0), TestEvents.Smoke("v1", TestEvents.T0), TestEvents.Smoke("v2", TestEvents.T0));

        Assert.Equal(2, output.Alerts.Count);
    }

    [Fact]
    public void Late_event_beyond_lateness_goes_to_dead_letter_with_reason_late()
    {
        var lateness = TestEvents.Source("video_alert").AllowedLateness;
        var late = TestEvents.Smoke("v0", TestEvents.T0 - (long)lateness.TotalMilliseconds - 1, camera: "cam-9");

        var output = Run(Runtime(), TestEvents.Smoke("v1", TestEvents.T0), late);

        Assert.Single(output.Alerts);
        var letter = Assert.Single(output.DeadLetters);
        Assert.Equal(DeadLetterReasons.Late, letter.Reason);
        Assert.Contains("behind the partition's watermark", letter.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_order_event_within_lateness_is_processed()
    {
        var output = Run(Runtime(), TestEvents.Smoke("v1", TestEvents.T0, camera: "a"), TestEvents.Smoke("v0", TestEvents.T0 - 60_000, camera: "b"));

        Assert.Equal(2, output.Alerts.Count);
        Assert.Empty(output.DeadLetters);
    }

    [Fact]
    public void Watermark_is_kept_per_partition()
    {
        var runtime = Runtime();
        var output = new RuntimeOutput();
        var ahead = TestEvents.Smoke("v1", TestEvents.T0 + 3_600_000);
        ahead.Origin = new EventOrigin("city.video-alert", 0, 1);
        var other = TestEvents.Smoke("v2", TestEvents.T0, camera: "cam-2");
        other.Origin = new EventOrigin("city.video-alert", 1, 1);

        runtime.Process(ahead, output);
        runtime.Process(other, output);

        Assert.Equal(2, output.Alerts.Count);
        Assert.Empty(output.DeadLetters);
    }

    [Fact]
    public void Hot_swap_keeps_the_state_of_rules_that_keep_their_id()
    {
        var runtime = Runtime();
        Run(runtime, TestEvents.Smoke("v1", TestEvents.T0));

        runtime.Swap(RuleSet.FromYaml([("fire.yaml", SmokePack.Replace("烟雾", "火情", StringComparison.Ordinal))]).RuleSet!);
        var output = Run(runtime, TestEvents.Smoke("v2", TestEvents.T0 + 1_000), TestEvents.Smoke("v3", TestEvents.T0 + 2_000, camera: "cam-3"));

        var alert = Assert.Single(output.Alerts);
        Assert.StartsWith("火情", alert.Title, StringComparison.Ordinal);
    }

    private sealed class FixedClock(long ms) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }
}
