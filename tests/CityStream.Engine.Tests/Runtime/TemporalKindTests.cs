namespace CityStream.Engine.Tests.Runtime;

public sealed class TemporalKindTests
{
    private const string AbsencePack = """
        pack: stability
        rules:
          - id: police.unreported
            kind: absence
            source: police_event
            where: major == true
            key: grid
            expect: { source: grid_report, where: "category in ['dispute', 'mass_incident']", key: grid }
            within: 24h
            alert: { title: "{grid} {event_class} not reported within {within}" }
        """;

    [Fact]
    public void Major_event_without_grid_report_fires_once_the_deadline_and_lateness_pass()
    {
        var harness = new RuntimeHarness(AbsencePack).Feed(RuntimeHarness.Police("p1", 0));

        harness.AdvanceTo(TestEvents.T0 + RuntimeHarness.Min(24 * 60) + RuntimeHarness.Min(60));
        Assert.Empty(harness.Output.Alerts);

        harness.AdvanceTo(TestEvents.T0 + RuntimeHarness.Min(48 * 60) + 1);
        Assert.Equal("G0101 mass_incident not reported within 1d", Assert.Single(harness.Output.Alerts).Title);
    }

    [Fact]
    public void Grid_report_within_the_time_cancels_the_absence()
    {
        var harness = new RuntimeHarness(AbsencePack)
            .Feed(RuntimeHarness.Police("p1", 0), RuntimeHarness.Report("r1", 600))
            .AdvanceTo(TestEvents.T0 + RuntimeHarness.Min(72 * 60));

        Assert.Empty(harness.Output.Alerts);
    }

    [Fact]
    public void Report_in_another_grid_or_category_does_not_cancel()
    {
        var harness = new RuntimeHarness(AbsencePack)
            .Feed(RuntimeHarness.Police("p1", 0), RuntimeHarness.Report("r1", 60, grid: "G9999"), RuntimeHarness.Report("r2", 60, category: "environment"))
            .AdvanceTo(TestEvents.T0 + RuntimeHarness.Min(72 * 60));

        Assert.Single(harness.Output.Alerts);
    }

    [Fact]
    public void Absence_survives_a_restart_of_the_host()
    {
        var store = new MemoryStateStore();
        var harness = new RuntimeHarness(AbsencePack).Feed(RuntimeHarness.Police("p1", 0), RuntimeHarness.Police("p2", 10, grid: "G2")).Restart(store);

        harness.Feed(RuntimeHarness.Report("r1", 30, grid: "G2")).AdvanceTo(TestEvents.T0 + RuntimeHarness.Min(72 * 60));

        Assert.Equal("G0101", Assert.Single(harness.Output.Alerts).Key);
    }

    [Fact]
    public void Grid_report_that_arrives_before_its_event_still_cancels_the_absence()
    {
        var harness = new RuntimeHarness(AbsencePack)
            .Feed(RuntimeHarness.Report("r1", 10), RuntimeHarness.Police("p1", 5))
            .AdvanceTo(TestEvents.T0 + RuntimeHarness.Min(72 * 60));

        Assert.Empty(harness.Output.Alerts);
    }

    [Fact]
    public void Among_days_of_reports_only_those_still_remembered_cancel_an_absence()
    {
        var reports = Enumerable.Range(0, 4 * 24 * 6).Select(i => RuntimeHarness.Report($"r{i}", i * 10)).ToArray();
        var forgottenOnly = RuntimeHarness.Police("p-old", 0);
        var covered = RuntimeHarness.Police("p-new", (4 * 24 * 60) - 30);

        var harness = new RuntimeHarness(AbsencePack).Feed(reports).Feed(forgottenOnly, covered).AdvanceTo(TestEvents.T0 + RuntimeHarness.Min(8 * 24 * 60));

        Assert.Equal(forgottenOnly.Timestamp, Assert.Single(harness.Output.Alerts).FirstEventTime);
    }

    [Fact]
    public void Minor_events_open_no_absence()
    {
        var harness = new RuntimeHarness(AbsencePack).Feed(RuntimeHarness.Police("p1", 0, major: false)).AdvanceTo(TestEvents.T0 + RuntimeHarness.Min(72 * 60));

        Assert.Empty(harness.Output.Alerts);
    }

    private const string SequencePack = """
        pack: hazmat
        rules:
          - id: hazmat.moving-then-stopped
            kind: sequence
            steps:
              - { name: moving, source: vehicle_gps, where: speed_kmh > 20, key: plate }
              - { name: stopped, source: vehicle_gps, where: speed_kmh < 1, key: plate }
            within: 30m
            alert: { title: "{plate}: {steps} within {within}" }
        """;

    [Fact]
    public void Sequence_in_order_within_the_time_fires()
    {
        var harness = new RuntimeHarness(SequencePack).Feed(RuntimeHarness.Gps("g1", 0, "苏F1", 50), RuntimeHarness.Gps("g2", 10, "苏F1", 0));

        var alert = Assert.Single(harness.Output.Alerts);
        Assert.Equal("苏F1: moving → stopped within 30m", alert.Title);
        Assert.Equal(["g1", "g2"], alert.Evidence.Select(e => e.EventId));
    }

    [Fact]
    public void Sequence_out_of_order_too_late_or_of_another_key_does_not_fire()
    {
        var harness = new RuntimeHarness(SequencePack).Feed(
            RuntimeHarness.Gps("a1", 0, "苏F1", 0), RuntimeHarness.Gps("a2", 5, "苏F1", 60),
            RuntimeHarness.Gps("b1", 10, "苏F2", 60), RuntimeHarness.Gps("b2", 50, "苏F2", 0),
            RuntimeHarness.Gps("c1", 60, "苏F3", 60), RuntimeHarness.Gps("c2", 61, "苏F4", 0));

        Assert.Empty(harness.Output.Alerts);
    }

    [Fact]
    public void Sequence_partial_survives_a_restart()
    {
        var harness = new RuntimeHarness(SequencePack).Feed(RuntimeHarness.Gps("g1", 0, "苏F1", 50)).Restart(new MemoryStateStore()).Feed(RuntimeHarness.Gps("g2", 10, "苏F1", 0));

        Assert.Single(harness.Output.Alerts);
    }

    private const string CorrelatePack = """
        pack: fire
        rules:
          - id: fire.corroborated
            kind: correlate
            sources:
              - { name: hotline, source: hotline, where: "category == 'fire_hazard'", key: grid }
              - { name: video, source: video_alert, where: "alert_type in ['smoke', 'fire']", key: grid }
              - { name: grid, source: grid_report, where: "category == 'fire_hazard'", key: grid }
            min_sources: 2
            within: 30m
            alert: { title: "{key}: {count} sources ({sources})" }
        """;

    [Fact]
    public void Two_of_three_sources_in_one_grid_within_the_time_fire_once()
    {
        var harness = new RuntimeHarness(CorrelatePack).Feed(
            RuntimeHarness.Ticket("h1", 0, category: "fire_hazard"),
            RuntimeHarness.Video("v1", 10),
            RuntimeHarness.Report("r1", 12, category: "fire_hazard"));

        var alert = Assert.Single(harness.Output.Alerts);
        Assert.Equal("G0101: 2 sources (hotline, video)", alert.Title);
    }

    [Fact]
    public void Correlate_alert_ids_do_not_depend_on_arrival_order()
    {
        CityEvent[] Events() =>
        [
            RuntimeHarness.Ticket("h1", 25, category: "fire_hazard"), RuntimeHarness.Video("v1", 40),
            RuntimeHarness.Report("r1", 44, category: "fire_hazard"), RuntimeHarness.Ticket("h2", 95, category: "fire_hazard"),
            RuntimeHarness.Video("v2", 100), RuntimeHarness.Video("v3", 31),
        ];
        var forward = new RuntimeHarness(CorrelatePack).Feed(Events()).Output.Alerts.Select(a => a.Id).Order(StringComparer.Ordinal).ToList();
        var mixed = Events();
        var reordered = new RuntimeHarness(CorrelatePack).Feed(mixed[2], mixed[5], mixed[0], mixed[1], mixed[4], mixed[3]).Output.Alerts.Select(a => a.Id).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(3, forward.Count);
        Assert.Equal(forward, reordered);
    }

    [Fact]
    public void One_source_alone_or_sources_too_far_apart_do_not_fire()
    {
        var harness = new RuntimeHarness(CorrelatePack).Feed(
            RuntimeHarness.Ticket("h1", 0, category: "fire_hazard"), RuntimeHarness.Ticket("h2", 5, category: "fire_hazard"),
            RuntimeHarness.Video("v1", 60), RuntimeHarness.Video("v2", 70, grid: "G2"));

        Assert.Empty(harness.Output.Alerts);
    }

    private const string SpikePack = """
        pack: hotline
        rules:
          - id: water.spike
            kind: spike
            source: hotline
            where: category == 'water_outage'
            key: district
            bucket: 1h
            season: 1d
            history: 3
            threshold: 3
            min_count: 5
            alert: { title: "{district}: {count} vs {baseline} (z {score})" }
        """;

    private static IEnumerable<CityEvent> Hour(int day, int hour, int count, string prefix) =>
        Enumerable.Range(0, count).Select(i => RuntimeHarness.Ticket($"{prefix}{day}-{hour}-{i}", (day * 1440) + (hour * 60) + i, category: "water_outage"));

    [Fact]
    public void Bucket_far_above_the_same_hour_of_previous_days_fires()
    {
        var events = Hour(0, 9, 2, "a").Concat(Hour(1, 9, 1, "b")).Concat(Hour(2, 9, 2, "c")).Concat(Hour(3, 9, 12, "d")).ToArray();

        var harness = new RuntimeHarness(SpikePack).Feed(events);

        var alert = Assert.Single(harness.Output.Alerts);
        Assert.StartsWith("崇川区: 5 vs 2", alert.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Usual_volume_or_missing_history_gives_no_spike()
    {
        var usual = Hour(0, 9, 6, "a").Concat(Hour(1, 9, 6, "b")).Concat(Hour(2, 9, 6, "c")).Concat(Hour(3, 9, 7, "d")).ToArray();
        var noHistory = Hour(0, 9, 30, "x").ToArray();

        Assert.Empty(new RuntimeHarness(SpikePack).Feed(usual).Output.Alerts);
        Assert.Empty(new RuntimeHarness(SpikePack).Feed(noHistory).Output.Alerts);
    }

    [Fact]
    public void Robust_z_scores_against_median_and_mad()
    {
        var (baseline, score) = Internal.Runtime.SpikeOperator.RobustZ([2, 10, 2, 6, 4, 30], 20);

        Assert.Equal(5, baseline);
        Assert.Equal((20 - 5) / (1.4826 * 3), score, 6);
    }

    [Fact]
    public void Robust_z_floors_a_flat_history_deviation_at_one()
    {
        var (_, score) = Internal.Runtime.SpikeOperator.RobustZ([2, 1, 2, 3, 2], 12);

        Assert.Equal(10, score, 6);
    }

    [Fact]
    public void Ewma_baseline_follows_recent_history()
    {
        var (baseline, score) = Internal.Runtime.SpikeOperator.Ewma([10, 10, 10, 10], 30);

        Assert.Equal(10, baseline, 6);
        Assert.Equal(20, score, 6);
    }
}
