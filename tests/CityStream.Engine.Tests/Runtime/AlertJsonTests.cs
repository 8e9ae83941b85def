using System.Text.Json;
using CityStream.Engine.Internal;

namespace CityStream.Engine.Tests.Runtime;

public sealed class AlertJsonTests
{
    private const string Pack = """
        pack: fire
        rules:
          - id: video.smoke
            kind: match
            source: video_alert
            where: confidence >= 0.5
            key: camera_id
            severity: "confidence >= 0.95 ? 'critical' : 'high'"
            alert:
              title: "烟雾 \"{camera_id}\" {grid}"
              message: "line one\nline two: {alert_type} {confidence}"
              route: fire-rescue
            labels: { domain: fire, check: "a<b&c" }
          - id: video.any
            kind: match
            source: video_alert
            where: "true"
            key: camera_id
            alert: { title: "{camera_id}" }
        """;

    // Evidence of every field type, and of optional fields the event lacks (written as null).
    private const string TypesPack = """
        pack: types
        rules:
          - id: police.any
            kind: match
            source: police_event
            where: major && !has(summary)
            key: case_no
            alert: { title: "{event_class} {district}" }
          - id: utility.period
            kind: match
            source: utility
            where: "has(period_s) ? period_s > 60 : value > 1.5"
            key: dwelling_id
            alert: { title: "{kind} {grid}" }
        """;

    // The same events through windows, whose evidence is kept as bytes and written from them (EvidenceLog).
    private const string WindowPack = """
        pack: windows
        rules:
          - id: police.window
            kind: threshold
            source: police_event
            where: major && !has(summary)
            key: event_class
            window: { type: tumbling, size: 1h }
            aggregate: { n: count() }
            having: n >= 1
            alert: { title: "{event_class} {district}" }
          - id: utility.window
            kind: threshold
            source: utility
            where: "has(period_s) ? period_s > 60 : value > 1.5"
            key: grid
            window: { type: tumbling, size: 1h }
            aggregate: { n: count(), total: sum(value) }
            having: n >= 2
            alert: { title: "{kind} {grid} {total}" }
          - id: video.window
            kind: threshold
            source: video_alert
            where: confidence >= 0.5
            key: alert_type
            window: { type: hopping, size: 1h, hop: 30m }
            aggregate: { n: count(), best: max(confidence) }
            having: n >= 2
            alert:
              title: "烟雾 \"{camera_id}\" {grid} {best}"
              message: "line one\nline two: {alert_type} {confidence}"
        """;

    private static List<Alert> Alerts()
    {
        var result = RuleSet.FromYaml([("fire.yaml", Pack), ("types.yaml", TypesPack), ("windows.yaml", WindowPack)]);
        Assert.Empty(result.Errors);
        var runtime = new RuleRuntime(result.RuleSet!);
        var output = new RuntimeOutput();
        runtime.Process(TestEvents.Smoke("v1", TestEvents.T0, confidence: 0.97), output);
        runtime.Process(TestEvents.Make("video_alert", ("id", "v2"), ("ts", TestEvents.T0 + 1), ("camera_id", "cam-2"), ("alert_type", "smoke"), ("confidence", 0.6), ("lat", 32.02), ("lon", 120.8)), output);
        runtime.Process(TestEvents.Make("police_event", ("id", "p1"), ("ts", TestEvents.T0 + 2), ("event_class", "theft"), ("major", true), ("lat", 32.01), ("lon", 120.9)), output);
        runtime.Process(TestEvents.Make("utility", ("id", "u1"), ("ts", TestEvents.T0 + 3), ("dwelling_id", "d-1"), ("kind", "water"), ("value", 2.25)), output);
        runtime.Process(TestEvents.Make("utility", ("id", "u2"), ("ts", TestEvents.T0 + 4), ("dwelling_id", "d-2"), ("kind", "gas"), ("value", 0.5), ("period_s", 3600L), ("grid", "G1")), output);
        runtime.Process(TestEvents.Make("utility", ("id", "u3\u0001\"é"), ("ts", TestEvents.T0 + 5), ("dwelling_id", "d-3"), ("kind", "power"), ("value", -1e-7), ("period_s", 61L), ("grid", "G1"), ("lat", 31.9), ("lon", 121.0)), output);
        // Their newest events have a location, so these window alerts write their evidence from the window's bytes.
        Assert.All(output.Alerts.Where(a => a.Rule.EndsWith(".window", StringComparison.Ordinal)), a => Assert.NotNull(a.Content!.EvidenceImage));
        Assert.Equal(4, output.Alerts.Count(a => a.Rule.EndsWith(".window", StringComparison.Ordinal)));
        Assert.Contains(output.Alerts, a => a.Rule == "police.any");
        Assert.Equal(3, output.Alerts.Count(a => a.Rule == "utility.period"));
        return output.Alerts;
    }

    [Fact]
    public void Hand_written_alert_json_is_byte_for_byte_what_the_generated_serializer_writes()
    {
        var alerts = Alerts().ToList();
        Assert.True(alerts.Count >= 6);
        foreach (var alert in alerts)
        {
            var generated = JsonSerializer.SerializeToUtf8Bytes(alert, AlertJsonContext.Default.Alert);

            Assert.Equal(System.Text.Encoding.UTF8.GetString(generated), AlertJson.Serialize(alert));
        }
    }

    [Fact]
    public void An_alert_written_before_its_text_is_read_renders_the_title_and_message_the_generated_serializer_writes()
    {
        var fresh = Alerts().ToList();
        // Window alerts with aggregates ({total}, {best}), escapes, a second line, and titles that are the message.
        Assert.All(fresh, a => Assert.True(a.TextUnrendered));
        foreach (var alert in fresh)
        {
            var handWritten = AlertJson.Serialize(alert);
            Assert.True(alert.TextUnrendered);

            var generated = JsonSerializer.SerializeToUtf8Bytes(alert, AlertJsonContext.Default.Alert);
            Assert.Equal(System.Text.Encoding.UTF8.GetString(generated), handWritten);
        }
    }

    [Fact]
    public void A_window_title_shows_aggregates_to_two_decimals_and_the_window_start_in_city_time_whether_written_or_read_first()
    {
        const string pack = """
            pack: sums
            rules:
              - id: utility.sum
                kind: threshold
                source: utility
                key: grid
                window: { type: tumbling, size: 1h }
                aggregate: { n: count(), total: sum(value) }
                having: n >= 2
                alert: { title: "{grid} {total} since {window_start}", message: "{n} readings, {total} in all" }
            """;
        foreach (var writeFirst in new[] { true, false })
        {
            var runtime = new RuleRuntime(RuleSet.FromYaml([("sums.yaml", pack)]).RuleSet!);
            var output = new RuntimeOutput();
            runtime.Process(TestEvents.Make("utility", ("id", "u1"), ("ts", TestEvents.T0 + 1), ("dwelling_id", "d-1"), ("kind", "water"), ("value", 1.25), ("grid", "G7")), output);
            runtime.Process(TestEvents.Make("utility", ("id", "u2"), ("ts", TestEvents.T0 + 2), ("dwelling_id", "d-2"), ("kind", "water"), ("value", 1.0), ("grid", "G7")), output);
            var alert = Assert.Single(output.Alerts);

            var json = writeFirst ? AlertJson.Serialize(alert) : null;

            Assert.Equal("G7 2.25 since 2026-06-01 08:00", alert.Title);
            Assert.Equal("2 readings, 2.25 in all", alert.Message);
            Assert.Equal(json ?? AlertJson.Serialize(alert), AlertJson.Serialize(AlertJson.Deserialize(AlertJson.Serialize(alert))!));
        }
    }

    [Fact]
    public void An_alert_read_back_from_json_is_written_again_as_the_same_json()
    {
        foreach (var alert in Alerts())
        {
            var json = AlertJson.Serialize(alert);

            Assert.Equal(json, AlertJson.Serialize(AlertJson.Deserialize(json)!));
        }
    }

    [Fact]
    public void A_rule_without_a_message_shows_its_title_as_the_message()
    {
        var alert = Assert.Single(Alerts(), a => a.Rule == "video.any" && a.Key == "cam-2");

        Assert.Equal("cam-2", alert.Title);
        Assert.Same(alert.Title, alert.Message);
    }
}
