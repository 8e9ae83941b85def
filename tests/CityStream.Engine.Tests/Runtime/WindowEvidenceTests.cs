using CityStream.Engine.Internal.Rules;
using CityStream.Engine.Internal.Runtime;

namespace CityStream.Engine.Tests.Runtime;

/// <summary>A window keeps its evidence as bytes (<see cref="EvidenceLog"/>): what comes back must be what went in.</summary>
public sealed class WindowEvidenceTests
{
    // Reads every kind of field: a number, a string that is the key, strings that are not, an enum; locates (vehicle_gps has lat).
    private const string GpsPack = """
        pack: transport
        rules:
          - id: tanker.crawl
            kind: threshold
            source: vehicle_gps
            where: speed_kmh < 5 && vehicle_class == 'hazmat_tanker'
            key: plate
            window: { type: tumbling, size: 1h }
            aggregate: { fixes: count(), slowest: min(speed_kmh) }
            having: fixes >= COUNT
            alert: { title: "{plate} crawling ({fixes} fixes, heading {heading}, {district})" }
        """;

    private static CityEvent Fix(int i, string plate, double speed, string district, EventOrigin origin, double? lat = 32.0)
    {
        var evt = TestEvents.Make("vehicle_gps", ("id", $"fix-{i}-é"), ("ts", TestEvents.T0 + (i * 1_000L)), ("plate", plate),
            ("vehicle_class", "hazmat_tanker"), ("speed_kmh", speed), ("heading", -17.25 * i), ("district", district), ("grid", "G" + i));
        if (lat is { } latitude)
        {
            evt.SetNumber(evt.Schema.Field("lat")!.Index, latitude + (i / 1e6));
            evt.SetNumber(evt.Schema.Field("lon")!.Index, 120.86);
        }

        evt.Origin = origin;
        return evt;
    }

    private static RuleRuntime Runtime(int count)
    {
        var result = RuleSet.FromYaml([("pack.yaml", GpsPack.Replace("COUNT", count.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))]);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return new RuleRuntime(result.RuleSet!);
    }

    [Fact]
    public void Evidence_made_again_from_a_window_has_every_shown_field_and_origin_of_the_events_that_went_in()
    {
        var runtime = Runtime(4);
        var output = new RuntimeOutput();
        CityEvent[] fixes =
        [
            Fix(1, "苏F·12345", 0.5, "崇川区", new EventOrigin("city.vehicle.gps", 3, 1_234_567_890_123, 0)),
            Fix(2, "苏F·12345", 0, "港闸区", new EventOrigin("replay", 0, 0, 999)),
            Fix(3, "苏F·12345", 4.75, "崇川区", new EventOrigin("city.vehicle.gps", 11, 7, 1)),
            Fix(4, "苏F·12345", 1e-9, "", new EventOrigin("city.vehicle.gps", 3, 1_234_567_890_124, 0)),
        ];

        foreach (var fix in fixes)
        {
            runtime.Process(fix, output);
        }

        var alert = Assert.Single(output.Alerts);
        Assert.Equal(fixes.Length, alert.Evidence.Count);
        for (var i = 0; i < fixes.Length; i++)
        {
            var (evidence, fix) = (alert.Evidence[i], fixes[i]);
            Assert.Equal(fix.Id, evidence.EventId);
            Assert.Equal(fix.Timestamp, evidence.EventTime);
            Assert.Equal(fix.Origin.Topic, evidence.Topic);
            Assert.Equal(fix.Origin.Partition, evidence.Partition);
            Assert.Equal(fix.Origin.Offset, evidence.Offset);
            foreach (var (name, value) in evidence.Fields)
            {
                Assert.Equal(fix.GetValue(fix.Schema.Field(name)!), value);
            }

            Assert.Equal(["district", "heading", "plate", "speed_kmh", "vehicle_class"], evidence.Fields.Keys.Order(StringComparer.Ordinal));
        }

        Assert.Equal("苏F·12345 crawling (4 fixes, heading -69, )", alert.Title);
        Assert.Equal(new GeoPoint(32.0 + (4 / 1e6), 120.86), alert.Location);
    }

    [Fact]
    public void A_window_past_its_evidence_limit_keeps_the_first_events_and_the_newest()
    {
        const int fixes = CompiledRule.DefaultMaxEvidence + 5;
        var runtime = Runtime(fixes);
        var output = new RuntimeOutput();
        for (var i = 1; i <= fixes; i++)
        {
            runtime.Process(Fix(i, "P1", 1, "崇川区", new EventOrigin("city.vehicle.gps", 0, i)), output);
        }

        var alert = Assert.Single(output.Alerts);
        string[] expected = [.. Enumerable.Range(1, CompiledRule.DefaultMaxEvidence - 1).Select(i => $"fix-{i}-é"), $"fix-{fixes}-é"];
        Assert.Equal(expected, alert.Evidence.Select(e => e.EventId));
        Assert.Equal([.. Enumerable.Range(1, CompiledRule.DefaultMaxEvidence - 1).Select(i => (long)i), fixes], alert.Evidence.Select(e => e.Offset));
        Assert.Equal(TestEvents.T0 + 1_000, alert.FirstEventTime);
        Assert.Equal(TestEvents.T0 + (fixes * 1_000L), alert.LastEventTime);
    }

    [Fact]
    public void An_alert_whose_newest_event_has_no_location_takes_it_from_the_last_evidence_that_has()
    {
        var runtime = Runtime(3);
        var output = new RuntimeOutput();
        runtime.Process(Fix(1, "P1", 1, "崇川区", new EventOrigin("t", 0, 1)), output);
        runtime.Process(Fix(2, "P1", 1, "港闸区", new EventOrigin("t", 0, 2)), output);
        runtime.Process(Fix(3, "P1", 1, "通州区", new EventOrigin("t", 0, 3), lat: null), output);

        var alert = Assert.Single(output.Alerts);
        Assert.Equal(new GeoPoint(32.0 + (2 / 1e6), 120.86), alert.Location);
        Assert.Equal("港闸区", alert.District);
        Assert.Equal("G2", alert.Grid);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-86_400_000.0)] // before the window's start: a late event restored under an earlier start
    [InlineData(3.0e12)]
    [InlineData(1.5)] // not a whole millisecond: kept as its 8 bytes
    [InlineData(1.0e17)] // out of a varint's exact reach
    public void Evidence_times_near_and_far_from_the_window_start_come_back_exact(double offsetFromStart)
    {
        var rule = Assert.Single(RuleSet.FromYaml([("pack.yaml", GpsPack.Replace("COUNT", "2", StringComparison.Ordinal))]).RuleSet!.Rules);
        var encoding = new EvidenceEncoding(rule);
        var start = TestEvents.T0;
        var log = default(EvidenceLog);
        var early = Fix(1, "P1", 1, "崇川区", new EventOrigin("t", 0, 1));
        var odd = Fix(2, "P1", 1, "崇川区", new EventOrigin("t", 0, 2));
        odd.SetNumber(odd.Schema.TimeField.Index, start + offsetFromStart);
        log.Add(early, "P1", start, encoding, CompiledRule.DefaultMaxEvidence);
        log.Add(odd, "P1", start, encoding, CompiledRule.DefaultMaxEvidence);

        var events = log.Events(encoding, "P1", start);

        Assert.Equal(start + offsetFromStart, events[1].GetNumber(odd.Schema.TimeField.Index));
        Assert.Equal(early.Timestamp, events[0].Timestamp);
        Assert.Equal((Math.Min(early.Timestamp, odd.Timestamp), Math.Max(early.Timestamp, odd.Timestamp)), log.TimeRange(encoding, start));
        Assert.Equal("P1", events[1].GetString(odd.Schema.Field("plate")!.Index));
    }

    [Fact]
    public void An_alert_keeps_the_evidence_it_fired_with_after_its_window_is_closed_and_reused_for_a_later_one()
    {
        var runtime = Runtime(2);
        var output = new RuntimeOutput();
        var origin = new EventOrigin("city.vehicle.gps", 0, 1);
        runtime.Process(Fix(1, "苏F·12345", 0.5, "崇川区", origin), output);
        runtime.Process(Fix(2, "苏F·12345", 0.5, "崇川区", origin), output);
        var first = Assert.Single(output.Alerts);

        // Three hours on the first window closes (into the operator's pool); six hours on, the pool hands its object to a new window.
        output.Clear();
        runtime.Process(Fix(10_801, "苏F·12345", 0.25, "港闸区", origin), output);
        runtime.Process(Fix(10_802, "苏F·12345", 0.25, "港闸区", origin), output);
        var second = Assert.Single(output.Alerts);
        runtime.Process(Fix(21_601, "苏F·12345", 0.75, "海门区", origin), output);
        runtime.Process(Fix(21_602, "苏F·12345", 0.75, "海门区", origin), output);
        Assert.Equal(2, output.Alerts.Count);

        Assert.Equal(["fix-1-é", "fix-2-é"], first.Evidence.Select(e => e.EventId));
        Assert.Equal(["崇川区", "崇川区"], first.Evidence.Select(e => e.Fields["district"]));
        Assert.Equal(["fix-10801-é", "fix-10802-é"], second.Evidence.Select(e => e.EventId));
        Assert.Equal(["fix-1-é", "fix-2-é"], AlertJson.Deserialize(AlertJson.Serialize(first))!.Evidence.Select(e => e.EventId));
    }

    [Fact]
    public void A_window_written_to_after_its_evidence_was_shared_with_an_alert_writes_to_a_copy()
    {
        var rule = RuleSet.FromYaml([("pack.yaml", GpsPack.Replace("COUNT", "2", StringComparison.Ordinal))]).RuleSet!.Rules[0];
        var encoding = new EvidenceEncoding(rule);
        var window = new WindowAggregates(new AggregateLayout(rule.Threshold!.Aggregates)) { Start = TestEvents.T0 };
        var origin = new EventOrigin("city.vehicle.gps", 0, 1);
        var max = encoding.MaxEvents;
        for (var i = 1; i <= max; i++)
        {
            window.Add(Fix(i, "苏F·12345", 0.5, "崇川区", origin), "苏F·12345", encoding);
        }

        var image = window.EvidenceSnapshot(encoding, "苏F·12345");
        // Past the limit the newest event replaces the last one in place: the image must not see it.
        window.Add(Fix(max + 1, "苏F·12345", 0.5, "港闸区", origin), "苏F·12345", encoding);

        var shown = image.Events();
        Assert.Equal(max, shown.Length);
        Assert.Equal($"fix-{max}-é", shown[^1].Id);
        Assert.Equal("崇川区", shown[^1].GetString(shown[^1].Schema.Field("district")!.Index));
        Assert.Equal($"fix-{max + 1}-é", window.EvidenceSnapshot(encoding, "苏F·12345").Events()[^1].Id);
    }
}
