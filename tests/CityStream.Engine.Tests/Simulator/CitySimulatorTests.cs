using System.Text.RegularExpressions;
using CityStream.Connectors.Simulator;
using static CityStream.Engine.Tests.Simulator.SimulatorTestRuns;

namespace CityStream.Engine.Tests.Simulator;

public sealed class CitySimulatorTests
{
    [Fact]
    public void Same_seed_gives_identical_records_byte_for_byte()
    {
        var first = new CitySimulator(Small(seed: 11, batchSize: 50)).Generate().ToList();
        var second = new CitySimulator(Small(seed: 11, batchSize: 50)).Generate().ToList();

        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Topic, second[i].Topic);
            Assert.Equal(first[i].Key, second[i].Key);
            Assert.Equal(first[i].EmitTimeMs, second[i].EmitTimeMs);
            Assert.Equal(first[i].Value, second[i].Value);
        }
    }

    [Fact]
    public void Generating_twice_from_one_simulator_gives_the_same_records_and_labels()
    {
        var sim = new CitySimulator(Small(seed: 5));
        var first = sim.Generate().Select(r => Convert.ToBase64String(r.Value)).ToList();
        var firstLabels = sim.Labels.ToList();
        var second = sim.Generate().Select(r => Convert.ToBase64String(r.Value)).ToList();

        Assert.Equal(first, second);
        Assert.Equal(firstLabels, sim.Labels.ToList());
    }

    [Fact]
    public void Different_seeds_give_different_records()
    {
        var a = new CitySimulator(Small(seed: 1)).Generate().Take(200).Select(r => Convert.ToBase64String(r.Value)).ToList();
        var b = new CitySimulator(Small(seed: 2)).Generate().Take(200).Select(r => Convert.ToBase64String(r.Value)).ToList();

        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void Records_are_sent_in_non_decreasing_time_order(int batchSize)
    {
        var options = Small(batchSize: batchSize);
        options.OutOfOrderRate = 0.2;
        long previous = long.MinValue;
        var count = 0;
        foreach (var record in new CitySimulator(options).Generate())
        {
            Assert.True(record.EmitTimeMs >= previous, $"record {count} sent at {record.EmitTimeMs} after one at {previous}");
            previous = record.EmitTimeMs;
            count++;
        }

        Assert.True(count > 500, $"only {count} records");
    }

    [Fact]
    public void Volumes_scale_with_events_per_day_and_hotline_runs_near_ten_thousand_a_day()
    {
        var options = new SimulatorOptions { EventsPerDay = 200_000, Duration = TimeSpan.FromHours(2) };
        var perTopic = new Dictionary<string, long>();
        foreach (var record in new CitySimulator(options).Generate())
        {
            perTopic[record.Topic] = perTopic.GetValueOrDefault(record.Topic) + record.EventCount;
        }

        var total = perTopic.Values.Sum();
        var hotlinePerDay = perTopic["city.hotline"] * 12;
        Assert.InRange(total, 200_000 / 12 * 0.8, 200_000 / 12 * 1.3);
        Assert.InRange(hotlinePerDay, 8_000, 13_000);
        Assert.True(perTopic["city.vehicle-gps"] > perTopic["city.hotline"] * 4);
        Assert.True(perTopic["city.utility"] > perTopic["city.hotline"] * 4);
    }

    [Fact]
    public void Plates_look_like_Nantong_plates()
    {
        var plate = new Regex("^苏F[0-9A-HJ-NP-Z]{5}$");
        var plates = Events(new CitySimulator(Small()).Generate())
            .Where(e => e.Event.Schema.Name == "vehicle_gps")
            .Select(e => Str(e.Event, "plate")!)
            .Distinct()
            .ToList();

        Assert.True(plates.Count >= 5, $"only {plates.Count} vehicles");
        Assert.All(plates, p => Assert.Matches(plate, p));
    }

    [Fact]
    public void Every_event_carries_the_grid_cell_and_district_its_location_falls_in()
    {
        var sim = new CitySimulator(Small(batchSize: 100));
        var checkedEvents = 0;
        foreach (var (evt, _) in Events(sim.Generate()))
        {
            var cell = sim.Reference.CellAt(Num(evt, "lat"), Num(evt, "lon"));
            Assert.NotNull(cell);
            Assert.Equal(cell.Code, Str(evt, "grid"));
            Assert.Equal(cell.District, Str(evt, "district"));
            Assert.InRange(Num(evt, "lat"), cell.South, cell.North);
            Assert.InRange(Num(evt, "lon"), cell.West, cell.East);
            checkedEvents++;
        }

        Assert.True(checkedEvents > 500);
    }

    [Fact]
    public void Labels_fill_while_records_are_generated()
    {
        var sim = new CitySimulator(Small());
        using var records = sim.Generate().GetEnumerator();
        Assert.Empty(sim.Labels);
        for (var i = 0; i < 50; i++)
        {
            Assert.True(records.MoveNext());
        }

        var early = sim.Labels.Count;
        while (records.MoveNext())
        {
        }

        Assert.True(early > 0, "no label after the first records");
        Assert.True(sim.Labels.Count > early, "labels did not grow as the run went on");
    }

    [Fact]
    public void Label_json_round_trips()
    {
        var label = new GroundTruthLabel(Scenarios.VideoSmoke, "video_alert", "G0412", 1, 2, "va-1", "摄像头识别到烟雾");

        Assert.Equal(label, GroundTruthLabel.ParseJson(label.ToJson()));
        Assert.Equal(label with { EventId = null }, GroundTruthLabel.ParseJson((label with { EventId = null }).ToJson()));
    }
}
