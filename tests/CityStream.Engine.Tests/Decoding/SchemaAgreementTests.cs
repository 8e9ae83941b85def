using System.Text;
using System.Text.Json;
using CityStream.Engine;
using Json.Schema;

namespace CityStream.Engine.Tests.Decoding;

/// <summary>The hand-written decoder and a general JSON Schema validator (JsonSchema.Net) must agree on what is valid.</summary>
public sealed class SchemaAgreementTests
{
    private static readonly Dictionary<string, JsonSchema> Schemas = LoadSchemas();

    private static Dictionary<string, JsonSchema> LoadSchemas()
    {
        var schemas = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        var options = new BuildOptions { SchemaRegistry = new Json.Schema.SchemaRegistry() };
        foreach (var source in SchemaRegistry.Default.Sources)
        {
            schemas[source.Name] = JsonSchema.FromText(SchemaRegistry.ReadEmbeddedSchema(source.Name + ".schema.json"), options);
        }

        schemas["alert"] = JsonSchema.FromText(SchemaRegistry.ReadEmbeddedSchema("alert.schema.json"), options);
        return schemas;
    }

    public static TheoryData<string, string> Documents() => new()
    {
        { "video_alert", """{"id":"v1","ts":1,"camera_id":"c","alert_type":"smoke","confidence":0.5}""" },
        { "video_alert", """{"id":"v1","ts":1,"camera_id":"c","alert_type":"smoke"}""" },
        { "video_alert", """{"id":"v1","ts":1,"camera_id":"c","alert_type":"smoke","confidence":2}""" },
        { "video_alert", """{"id":"v1","ts":1,"camera_id":"c","alert_type":"rain","confidence":0.2}""" },
        { "video_alert", """{"id":"v1","ts":1,"camera_id":"c","alert_type":"smoke","confidence":0.2,"x":1}""" },
        { "vehicle_gps", """{"id":"g1","ts":1,"plate":"苏F12345","vehicle_class":"hazmat_truck","lat":32.1,"lon":120.9,"speed_kmh":0}""" },
        { "vehicle_gps", """{"id":"g1","ts":1,"plate":"苏F12345","vehicle_class":"hazmat_truck","lat":95,"lon":120.9}""" },
        { "vehicle_gps", """{"id":"g1","ts":-5,"plate":"苏F12345","vehicle_class":"bus","lat":32,"lon":120.9}""" },
        { "police_event", """{"id":"p1","ts":1,"event_class":"mass_incident","major":true}""" },
        { "police_event", """{"id":"p1","ts":1,"event_class":"mass_incident","major":"yes"}""" },
        { "hotline", """{"id":"h1","ts":1,"category":"gas_smell","text":"小区楼道里有很浓的煤气味"}""" },
        { "hotline", """{"id":"h1","ts":1.25,"category":"gas_smell"}""" },
        { "utility", """{"id":"u1","ts":1,"dwelling_id":"d1","kind":"water","value":1.2}""" },
        { "utility", """{"id":"u1","ts":1,"dwelling_id":"d1","kind":"water","value":-1}""" },
        { "grid_report", """{"id":"r1","ts":1,"grid":"G0101","category":"dispute"}""" },
        { "grid_report", """{"id":"r1","ts":1,"category":"dispute"}""" },
        { "alert_feedback", """{"id":"f1","ts":1,"alert_id":"a","status":"resolved"}""" },
        { "alert_feedback", """{"id":"f1","ts":1,"alert_id":"a","status":"maybe"}""" },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Decoder_and_json_schema_validator_agree(string source, string json)
    {
        using var document = JsonDocument.Parse(json);
        var expected = Schemas[source].Evaluate(document.RootElement).IsValid;
        var batch = new DecodedBatch();

        EventCodec.Decode(SchemaRegistry.Default.BySource(source)!, Encoding.UTF8.GetBytes(json), ContentTypes.Json, new EventOrigin("t", 0, 0), batch);

        Assert.Equal(expected, batch.Events.Count == 1);
    }

    [Fact]
    public void Every_source_field_is_documented()
    {
        foreach (var source in SchemaRegistry.Default.Sources)
        {
            foreach (var field in source.Fields)
            {
                Assert.False(string.IsNullOrWhiteSpace(field.Description), $"{source.Name}.{field.Name} has no description");
            }
        }
    }

    [Fact]
    public void Registry_knows_all_seven_sources_by_name_and_topic()
    {
        string[] names = ["alert_feedback", "grid_report", "hotline", "police_event", "utility", "vehicle_gps", "video_alert"];

        Assert.Equal(names, SchemaRegistry.Default.Sources.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Equal("vehicle_gps", SchemaRegistry.Default.ByTopic("city.vehicle-gps")!.Name);
        Assert.Equal("plate", SchemaRegistry.Default.BySource("vehicle_gps")!.KeyField.Name);
        Assert.Equal(TimeSpan.FromHours(24), SchemaRegistry.Default.BySource("grid_report")!.AllowedLateness);
    }

    internal static bool AlertIsValid(Alert alert)
    {
        using var document = JsonDocument.Parse(AlertJson.Serialize(alert));
        return Schemas["alert"].Evaluate(document.RootElement).IsValid;
    }
}
