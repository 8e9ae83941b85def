using System.Text;
using CityStream.Engine;

namespace CityStream.Engine.Tests;

/// <summary>Builds events and records for tests.</summary>
internal static class TestEvents
{
    public static readonly long T0 = new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.FromHours(8)).ToUnixTimeMilliseconds();

    public static SourceSchema Source(string name) => SchemaRegistry.Default.BySource(name)!;

    public static CityEvent Make(string source, params (string Field, object Value)[] values)
    {
        var schema = Source(source);
        var evt = new CityEvent(schema);
        foreach (var (field, value) in values)
        {
            var def = schema.Field(field) ?? throw new ArgumentException($"no field {field} in {source}");
            switch (value)
            {
                case string s:
                    evt.SetString(def.Index, s);
                    break;
                case bool b:
                    evt.SetNumber(def.Index, b ? 1 : 0);
                    break;
                default:
                    evt.SetNumber(def.Index, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }

        return evt;
    }

    public static CityEvent Smoke(string id, long ts, string camera = "cam-1", double confidence = 0.9, string type = "smoke") =>
        Make("video_alert", ("id", id), ("ts", ts), ("camera_id", camera), ("alert_type", type), ("confidence", confidence),
            ("grid", "G0412"), ("district", "崇川区"), ("lat", 32.01), ("lon", 120.86));

    public static InputRecord Json(string topic, long offset, string json) => new(topic, 0, offset, Encoding.UTF8.GetBytes(json), ContentTypes.Json);

    public static InputRecord Record(CityEvent evt, long offset) => new(evt.Schema.Topic, 0, offset, EventCodec.ToJson(evt), ContentTypes.Json);
}
