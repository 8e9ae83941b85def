using CityStream.Connectors.Simulator;
using static CityStream.Engine.Tests.Simulator.SimulatorTestRuns;

namespace CityStream.Engine.Tests.Simulator;

public sealed class SimulatorScenarioTests
{
    private static readonly string[] Labelled =
    [
        Scenarios.HazmatStopNearFlagged, Scenarios.HazmatAbnormalStop, Scenarios.VideoSmoke, Scenarios.GroupRental,
        Scenarios.UnreportedMajorEvent, Scenarios.ReportedMajorEvent, Scenarios.GasSmellBurst,
    ];

    [Fact]
    public void Every_scenario_occurs_several_times_in_a_small_one_hour_run()
    {
        var sim = new CitySimulator(Small());
        _ = sim.Generate().Count();

        foreach (var scenario in Labelled)
        {
            Assert.True(sim.Labels.Count(l => l.Scenario == scenario) >= 3, $"{scenario}: {sim.Labels.Count(l => l.Scenario == scenario)}");
        }
    }

    [Fact]
    public void Smoke_and_major_police_events_are_sent_in_the_first_simulated_minutes()
    {
        var options = Small();
        var start = options.Start.ToUnixTimeMilliseconds();
        var early = Events(new CitySimulator(options).Generate().TakeWhile(r => r.EmitTimeMs < start + 180_000)).Select(e => e.Event).ToList();

        Assert.Contains(early, e => e.Schema.Name == "video_alert" && Str(e, "alert_type") == "smoke" && Num(e, "confidence") >= 0.8);
        Assert.Contains(early, e => e.Schema.Name == "police_event" && e.GetBoolean(e.Schema.Field("major")!.Index));
        Assert.Contains(early, e => e.Schema.Name == "hotline" && Str(e, "category") == "gas_smell");
    }

    [Fact]
    public void Smoke_labels_point_at_confident_smoke_alerts_and_background_smoke_stays_below_the_threshold()
    {
        var sim = new CitySimulator(new SimulatorOptions { EventsPerDay = 200_000, Duration = TimeSpan.FromHours(4) });
        var smoke = Events(sim.Generate()).Select(e => e.Event).Where(e => e.Schema.Name == "video_alert" && Str(e, "alert_type") == "smoke").ToList();
        var labelled = sim.Labels.Where(l => l.Scenario == Scenarios.VideoSmoke).ToDictionary(l => l.EventId!);

        Assert.Contains(smoke, e => Num(e, "confidence") < 0.8);
        foreach (var evt in smoke)
        {
            Assert.Equal(Num(evt, "confidence") >= 0.8, labelled.TryGetValue(evt.Id, out var label));
            if (label is not null)
            {
                Assert.Equal(Str(evt, "grid"), label.Key);
            }
        }
    }

    [Fact]
    public void Gas_smell_bursts_have_five_tickets_from_three_callers_in_one_grid_within_an_hour()
    {
        var sim = new CitySimulator(Small(seed: 3));
        var gas = Events(sim.Generate()).Select(e => e.Event).Where(e => e.Schema.Name == "hotline" && Str(e, "category") == "gas_smell").ToList();

        foreach (var label in sim.Labels.Where(l => l.Scenario == Scenarios.GasSmellBurst))
        {
            var tickets = gas.Where(e => Str(e, "grid") == label.Key && e.Timestamp >= label.FromMs && e.Timestamp <= label.ToMs).DistinctBy(e => e.Id).ToList();
            Assert.True(tickets.Count >= 5, $"{label.Key}: {tickets.Count} tickets");
            Assert.True(tickets.Select(e => Str(e, "caller_id")).Distinct().Count() >= 3);
            Assert.True(label.ToMs - label.FromMs <= 3_600_000);
        }
    }

    [Fact]
    public void Hazmat_stops_last_fifteen_minutes_next_to_a_workshop_and_outside_approved_zones()
    {
        var sim = new CitySimulator(Small(seed: 9));
        var fixes = Events(sim.Generate()).Select(e => e.Event).Where(e => e.Schema.Name == "vehicle_gps").ToList();
        var stops = sim.Labels.Where(l => l.Scenario is Scenarios.HazmatStopNearFlagged or Scenarios.HazmatAbnormalStop).ToList();

        Assert.NotEmpty(stops);
        foreach (var label in stops)
        {
            var during = fixes.Where(e => Str(e, "plate") == label.Key && e.Timestamp >= label.FromMs && e.Timestamp <= label.ToMs).OrderBy(e => e.Timestamp).ToList();
            Assert.StartsWith("hazmat_", Str(during[0], "vehicle_class"), StringComparison.Ordinal);
            Assert.True(during[^1].Timestamp - during[0].Timestamp >= 14 * 60_000, $"{label.Key} stopped {(during[^1].Timestamp - during[0].Timestamp) / 60_000} min");
            var (lat, lon) = (during.Average(e => Num(e, "lat")), during.Average(e => Num(e, "lon")));
            Assert.All(during, e => Assert.True(Meters(lat, lon, Num(e, "lat"), Num(e, "lon")) < 100));
            Assert.DoesNotContain(sim.Reference.ApprovedZones, z => z.Contains(lat, lon));
            var nearest = sim.Reference.FlaggedEnterprises.Min(f => Meters(lat, lon, f.Lat, f.Lon));
            if (label.Scenario == Scenarios.HazmatStopNearFlagged)
            {
                Assert.True(nearest < 300, $"{label.Key} stopped {nearest:0} m from the nearest workshop");
                Assert.Contains(sim.Labels, l => l.Scenario == Scenarios.HazmatAbnormalStop && l.Key == label.Key);
            }
        }
    }

    [Fact]
    public void Only_reported_major_events_get_a_grid_report_about_them()
    {
        var sim = new CitySimulator(Small(seed: 4));
        var events = Events(sim.Generate()).Select(e => e.Event).ToList();
        var reports = events.Where(e => e.Schema.Name == "grid_report" && Str(e, "related_event_id") is not null).ToList();
        var majors = events.Where(e => e.Schema.Name == "police_event" && e.GetBoolean(e.Schema.Field("major")!.Index)).Select(e => e.Id).ToHashSet();

        foreach (var label in sim.Labels.Where(l => l.Scenario is Scenarios.UnreportedMajorEvent or Scenarios.ReportedMajorEvent))
        {
            Assert.Contains(label.EventId!, majors);
            var report = reports.FirstOrDefault(r => Str(r, "related_event_id") == label.EventId);
            if (label.Scenario == Scenarios.UnreportedMajorEvent)
            {
                Assert.Null(report);
            }
            else
            {
                Assert.NotNull(report);
                Assert.Equal(label.Key, Str(report, "grid"));
                Assert.InRange(report.Timestamp - label.FromMs, 1, 86_400_000);
            }
        }

        Assert.Equal(majors.Count, sim.Labels.Count(l => l.Scenario is Scenarios.UnreportedMajorEvent or Scenarios.ReportedMajorEvent));
    }

    [Fact]
    public void Group_rentals_use_more_water_and_electricity_and_get_more_parcels_than_other_homes()
    {
        var sim = new CitySimulator(Small(seed: 12));
        var readings = Events(sim.Generate()).Select(e => e.Event).Where(e => e.Schema.Name == "utility").ToList();
        var rentals = sim.Labels.Where(l => l.Scenario == Scenarios.GroupRental).Select(l => l.Key).ToHashSet();

        double Mean(string kind, bool rental) => readings.Where(e => Str(e, "kind") == kind && rentals.Contains(Str(e, "dwelling_id")!) == rental).Average(e => Num(e, "value"));
        Assert.True(Mean("water", true) > 2.5 * Mean("water", false));
        Assert.True(Mean("electricity", true) > 2.5 * Mean("electricity", false));
        Assert.True(Mean("parcel", true) > 4 * Mean("parcel", false));
        Assert.All(rentals, id => Assert.Contains(sim.Reference.Households, h => h.Id == id));
    }

    private static double Meters(double lat1, double lon1, double lat2, double lon2)
    {
        var north = (lat2 - lat1) * 111_320;
        var east = (lon2 - lon1) * 111_320 * Math.Cos(lat1 * Math.PI / 180);
        return Math.Sqrt((north * north) + (east * east));
    }
}
