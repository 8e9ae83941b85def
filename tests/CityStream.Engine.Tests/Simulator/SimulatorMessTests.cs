using CityStream.Connectors.Simulator;
using static CityStream.Engine.Tests.Simulator.SimulatorTestRuns;

namespace CityStream.Engine.Tests.Simulator;

public sealed class SimulatorMessTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    public void Only_records_flagged_malformed_dead_letter(int batchSize)
    {
        var options = Small(batchSize: batchSize);
        options.MalformedRate = 0.05;
        var malformed = 0;
        var records = 0;
        foreach (var record in new CitySimulator(options).Generate())
        {
            var decoded = Decode(record);
            records++;
            if (record.Malformed)
            {
                malformed++;
                Assert.NotEmpty(decoded.DeadLetters);
                Assert.True(decoded.Events.Count < record.EventCount);
            }
            else
            {
                Assert.Empty(decoded.DeadLetters);
                Assert.Equal(record.EventCount, decoded.Events.Count);
            }
        }

        Assert.True(malformed > 5, $"{malformed} malformed of {records}");
    }

    [Fact]
    public void Malformed_records_come_at_roughly_the_set_rate_and_in_every_kind()
    {
        var options = new SimulatorOptions { EventsPerDay = 200_000, Duration = TimeSpan.FromHours(3), MalformedRate = 0.01 };
        var records = 0;
        var reasons = new Dictionary<string, int>();
        foreach (var record in new CitySimulator(options).Generate())
        {
            records++;
            if (record.Malformed)
            {
                foreach (var letter in Decode(record).DeadLetters)
                {
                    var kind = letter.Reason + ":" + (letter.Detail.Contains("unknown field", StringComparison.Ordinal) ? "unknown"
                        : letter.Detail.Contains("expected", StringComparison.Ordinal) ? "type"
                        : letter.Detail.Contains("missing", StringComparison.OrdinalIgnoreCase) || letter.Detail.Contains("required", StringComparison.OrdinalIgnoreCase) ? "missing"
                        : letter.Detail.Contains("maximum", StringComparison.Ordinal) || letter.Detail.Contains("minimum", StringComparison.Ordinal) ? "range" : "other");
                    reasons[kind] = reasons.GetValueOrDefault(kind) + 1;
                }
            }
        }

        var malformed = reasons.Values.Sum();
        Assert.InRange(malformed, records * 0.01 * 0.7, records * 0.01 * 1.3);
        Assert.Contains(reasons.Keys, k => k.StartsWith("malformed_json", StringComparison.Ordinal));
        Assert.Contains("schema_violation:unknown", reasons.Keys);
        Assert.Contains("schema_violation:type", reasons.Keys);
        Assert.Contains("schema_violation:range", reasons.Keys);
        Assert.Contains("schema_violation:missing", reasons.Keys);
    }

    [Fact]
    public void Arrow_batches_hold_at_most_batch_size_events_of_one_high_volume_source()
    {
        const int BatchSize = 60;
        var options = new SimulatorOptions { EventsPerDay = 20_000_000, Duration = TimeSpan.FromMinutes(3), BatchSize = BatchSize, MalformedRate = 0 };
        var arrowRecords = 0;
        var largest = 0;
        foreach (var record in new CitySimulator(options).Generate())
        {
            var isHighVolume = record.Topic is "city.vehicle-gps" or "city.utility";
            Assert.Equal(isHighVolume ? ContentTypes.Arrow : ContentTypes.Json, record.ContentType);
            if (!isHighVolume)
            {
                continue;
            }

            arrowRecords++;
            var decoded = Decode(record);
            Assert.InRange(decoded.Events.Count, 1, BatchSize);
            Assert.Equal(record.EventCount, decoded.Events.Count);
            Assert.All(decoded.Events, e => Assert.Equal(record.Topic, e.Schema.Topic));
            largest = Math.Max(largest, decoded.Events.Count);
        }

        Assert.True(arrowRecords > 10);
        Assert.Equal(BatchSize, largest);
    }

    [Fact]
    public void Every_entity_stays_in_one_batch_shard_so_it_lands_on_one_partition()
    {
        var shardOf = new Dictionary<string, string>();
        foreach (var record in new CitySimulator(Small(batchSize: 50)).Generate())
        {
            if (record.ContentType != ContentTypes.Arrow || record.Malformed)
            {
                continue;
            }

            foreach (var evt in Decode(record).Events)
            {
                var entity = evt.Format(evt.Schema.KeyField);
                Assert.Equal(shardOf.GetValueOrDefault(entity, record.Key), record.Key);
                shardOf[entity] = record.Key;
            }
        }

        Assert.True(shardOf.Count > 10);
        Assert.True(shardOf.Values.Distinct().Count() > 2);
    }

    [Fact]
    public void Duplicates_resend_the_same_bytes()
    {
        var options = Small();
        options.DuplicateRate = 0.05;
        SimulatedRecord? previous = null;
        var duplicates = 0;
        var records = 0;
        foreach (var record in new CitySimulator(options).Generate())
        {
            records++;
            if (previous is not null && previous.Value.AsSpan().SequenceEqual(record.Value) && previous.Topic == record.Topic && previous.Key == record.Key)
            {
                duplicates++;
            }

            previous = record;
        }

        Assert.InRange(duplicates, records * 0.05 * 0.5, records * 0.05 * 1.5);
    }

    [Fact]
    public void Out_of_order_events_lag_at_most_max_disorder_unless_labelled_late()
    {
        var options = Small();
        options.OutOfOrderRate = 0.2;
        options.LateRate = 0.01;
        var sim = new CitySimulator(options);
        var events = Events(sim.Generate()).Where(e => e.Event.Schema.Name == "vehicle_gps").ToList();
        var late = sim.Labels.Where(l => l.Scenario == Scenarios.LateEvent).Select(l => l.EventId).ToHashSet();
        var newest = long.MinValue;
        var disordered = 0;
        foreach (var (evt, _) in events)
        {
            if (late.Contains(evt.Id))
            {
                continue;
            }

            if (evt.Timestamp < newest)
            {
                disordered++;
                Assert.True(newest - evt.Timestamp <= options.MaxDisorder.TotalMilliseconds, $"{evt.Id} is {newest - evt.Timestamp} ms behind");
            }

            newest = Math.Max(newest, evt.Timestamp);
        }

        Assert.True(disordered > 10, $"only {disordered} out-of-order fixes");
    }

    [Fact]
    public void Late_events_are_labelled_and_lie_beyond_their_source_lateness()
    {
        var options = Small();
        options.LateRate = 0.02;
        var sim = new CitySimulator(options);
        var byId = new Dictionary<string, (CityEvent Event, long EmitMs)>();
        foreach (var sent in Events(sim.Generate()))
        {
            byId.TryAdd(sent.Event.Schema.Name + "/" + sent.Event.Id, sent);
        }

        var lateLabels = sim.Labels.Where(l => l.Scenario == Scenarios.LateEvent).ToList();

        Assert.True(lateLabels.Count > 5, $"only {lateLabels.Count} late events");
        foreach (var label in lateLabels)
        {
            if (!byId.TryGetValue(label.Source + "/" + label.EventId, out var sent))
            {
                continue;
            }

            Assert.Equal(label.FromMs, sent.Event.Timestamp);
            Assert.True(sent.EmitMs - sent.Event.Timestamp > sent.Event.Schema.AllowedLateness.TotalMilliseconds);
        }
    }

    [Fact]
    public void Some_grid_reports_arrive_hours_late_but_within_a_day()
    {
        var options = new SimulatorOptions { EventsPerDay = 200_000, Duration = TimeSpan.FromHours(6), LateRate = 0 };
        var lags = Events(new CitySimulator(options).Generate())
            .Where(e => e.Event.Schema.Name == "grid_report")
            .Select(e => e.EmitMs - e.Event.Timestamp)
            .ToList();

        Assert.Contains(lags, lag => lag > 3_600_000);
        Assert.All(lags, lag => Assert.True(lag < 86_400_000));
    }
}
