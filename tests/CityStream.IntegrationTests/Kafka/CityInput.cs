using System.Text;
using CityStream.Engine;
using CityStream.IntegrationTests.Infrastructure;

namespace CityStream.IntegrationTests.Kafka;

/// <summary>
/// A small, deterministic city: hazmat trucks standing still (Arrow batches keyed by plate), gas-smell tickets, camera smoke
/// alerts and major police events (single JSON events), plus one late GPS event. Records are per source topic (no prefix), in
/// the order they are to be produced.
/// </summary>
internal sealed class CityInput
{
    private static readonly long T0 = new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.FromHours(8)).ToUnixTimeMilliseconds();
    private static readonly SchemaRegistry Schemas = SchemaRegistry.Default;

    private CityInput()
    {
    }

    /// <summary>Records to produce, by source topic without the prefix.</summary>
    public Dictionary<string, List<TestRecord>> RecordsByTopic { get; } = new(StringComparer.Ordinal);

    /// <summary>Events per topic (unprefixed), late ones included.</summary>
    public Dictionary<string, int> EventsByTopic { get; } = new(StringComparer.Ordinal);

    /// <summary>Events in all records (valid ones, late ones included).</summary>
    public int Events { get; private set; }

    /// <summary>Events that arrive later than their source's allowed lateness.</summary>
    public int LateEvents { get; private set; }

    /// <summary>The input; <paramref name="plates"/> hazmat trucks stand still for 20 minutes each; the first plate also sends a late event if <paramref name="withLateEvent"/>.</summary>
    public static CityInput Build(int plates = 3, bool withLateEvent = true)
    {
        var input = new CityInput();
        var gps = Schemas.BySource("vehicle_gps")!;
        var vehicles = plates + 2;

        // Records go out in time slices of two minutes (a batch per plate and slice), so that plates sharing a partition stay
        // within the source's two minutes of allowed lateness of each other: the watermark is per partition, not per plate.
        for (var slice = 0; slice < 10; slice++)
        {
            for (var p = 0; p < vehicles; p++)
            {
                var hazmat = p < plates;
                var plate = Plate(p, hazmat);
                var batch = new List<CityEvent>();
                for (var minute = slice * 2; minute < (slice * 2) + 2; minute++)
                {
                    batch.Add(Event(gps, $"gps-{p}-{minute}", T0 + (minute * 60_000L),
                        ("plate", plate), ("vehicle_class", hazmat ? "hazmat_tanker" : "freight"),
                        ("lat", 32.0 + (p * 0.01)), ("lon", 120.86 + (p * 0.01)), ("speed_kmh", minute % 5 == 4 ? 12.5 : 0.0),
                        ("district", "崇川区"), ("grid", $"G-{p:D3}")));
                }

                input.Add(gps.Topic, plate, EventCodec.ToArrowBatch(batch), ContentTypes.Arrow, batch.Count);
            }
        }

        if (withLateEvent)
        {
            // Ten minutes behind the partition's watermark (minute 19); the source allows two.
            var late = Event(gps, "gps-late-0", T0 + (9 * 60_000L),
                ("plate", Plate(0, true)), ("vehicle_class", "hazmat_tanker"), ("lat", 32.0), ("lon", 120.86), ("speed_kmh", 0.0));
            input.Add(gps.Topic, Plate(0, true), EventCodec.ToJson(late), ContentTypes.Json, 1);
            input.LateEvents++;
        }

        var hotline = Schemas.BySource("hotline")!;
        for (var i = 0; i < 12; i++)
        {
            var grid = $"G-{i % 3:D3}";
            var ticket = Event(hotline, $"ticket-{i}", T0 + (i * 10 * 60_000L),
                ("caller_id", $"caller-{i % 5}"), ("category", i % 2 == 0 ? "gas_smell" : "noise"),
                ("subject", $"第{i}号来电"), ("district", "港闸区"), ("grid", grid), ("lat", 32.05), ("lon", 120.82));
            input.Add(hotline.Topic, grid, EventCodec.ToJson(ticket), i % 3 == 0 ? null : ContentTypes.Json, 1);
        }

        var video = Schemas.BySource("video_alert")!;
        string[] types = ["smoke", "fire", "crowd", "smoke", "smoke", "garbage"];
        double[] confidences = [0.85, 0.6, 0.9, 0.97, 0.7, 0.99];
        for (var i = 0; i < types.Length; i++)
        {
            var grid = $"G-{i % 2:D3}";
            var alert = Event(video, $"video-{i}", T0 + (i * 7 * 60_000L),
                ("camera_id", $"cam-{i % 4}"), ("alert_type", types[i]), ("confidence", confidences[i]),
                ("district", "通州区"), ("grid", grid));
            input.Add(video.Topic, grid, EventCodec.ToJson(alert), ContentTypes.Json, 1);
        }

        var police = Schemas.BySource("police_event")!;
        string[] classes = ["mass_incident", "theft", "dispute_turned_criminal", "traffic_accident", "extreme_act", "other"];
        for (var i = 0; i < classes.Length; i++)
        {
            var grid = $"G-{i:D3}";
            var incident = Event(police, $"police-{i}", T0 + (i * 13 * 60_000L),
                ("case_no", $"A{i:D6}"), ("event_class", classes[i]), ("major", i % 2 == 0),
                ("summary", $"警情摘要 {i}"), ("district", "海门区"), ("grid", grid));
            input.Add(police.Topic, grid, EventCodec.ToJson(incident), ContentTypes.Json, 1);
        }

        return input;
    }

    /// <summary>
    /// <paramref name="count"/> malformed records, as many of each kind: truncated JSON, a wrong type, a missing required field,
    /// a value outside its enum (all on the hotline topic) and bytes that are no Arrow stream (on the GPS topic).
    /// </summary>
    public static CityInput Malformed(int count)
    {
        var input = new CityInput();
        var hotline = Schemas.BySource("hotline")!;
        var gps = Schemas.BySource("vehicle_gps")!;
        var random = new Random(7);
        for (var i = 0; i < count; i++)
        {
            var ts = T0 + (i * 1000L);
            switch (i % 5)
            {
                case 0:
                    var valid = EventCodec.ToJson(Event(hotline, $"bad-{i}", ts, ("category", "gas_smell"), ("grid", "G-001")));
                    input.Add(hotline.Topic, "G-001", valid[..(valid.Length / 2)], ContentTypes.Json, 1);
                    break;
                case 1:
                    input.Add(hotline.Topic, "G-001", Utf8($$"""{"id":"bad-{{i}}","ts":"yesterday","category":"gas_smell"}"""), ContentTypes.Json, 1);
                    break;
                case 2:
                    input.Add(hotline.Topic, "G-001", Utf8($$"""{"id":"bad-{{i}}","ts":{{ts}}}"""), null, 1);
                    break;
                case 3:
                    input.Add(hotline.Topic, "G-001", Utf8($$"""{"id":"bad-{{i}}","ts":{{ts}},"category":"alien_landing"}"""), ContentTypes.Json, 1);
                    break;
                default:
                    var bytes = new byte[64 + (i % 7)];
                    random.NextBytes(bytes);
                    input.Add(gps.Topic, $"苏F{i:D5}", bytes, ContentTypes.Arrow, 1);
                    break;
            }
        }

        return input;
    }

    /// <summary>The records as the in-process host reads them: per topic in produce order, partition 0, offsets from 0.</summary>
    public List<InputRecord> AsInputRecords(string topicPrefix)
    {
        var records = new List<InputRecord>();
        foreach (var (topic, list) in RecordsByTopic)
        {
            for (var offset = 0; offset < list.Count; offset++)
            {
                records.Add(new InputRecord(topicPrefix + topic, 0, offset, list[offset].Value, list[offset].ContentType));
            }
        }

        return records;
    }

    private void Add(string topic, string? key, byte[] value, string? contentType, int events)
    {
        if (!RecordsByTopic.TryGetValue(topic, out var list))
        {
            RecordsByTopic[topic] = list = [];
        }

        list.Add(new TestRecord(key, value, contentType));
        Events += events;
        EventsByTopic[topic] = EventsByTopic.GetValueOrDefault(topic) + events;
    }

    private static string Plate(int index, bool hazmat) => $"苏F{(hazmat ? "H" : "C")}{index:D4}";

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>An event of a source with its id, time and field values (shared by the Kafka tests).</summary>
    internal static CityEvent Event(SourceSchema schema, string id, long ts, params (string Field, object Value)[] fields)
    {
        var evt = new CityEvent(schema);
        evt.SetString(schema.IdField.Index, id);
        evt.SetNumber(schema.TimeField.Index, ts);
        foreach (var (name, value) in fields)
        {
            var index = (schema.Field(name) ?? throw new ArgumentException($"{schema.Name} has no field {name}")).Index;
            switch (value)
            {
                case string text:
                    evt.SetString(index, text);
                    break;
                case bool flag:
                    evt.SetNumber(index, flag ? 1 : 0);
                    break;
                default:
                    evt.SetNumber(index, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }

        return evt;
    }
}
