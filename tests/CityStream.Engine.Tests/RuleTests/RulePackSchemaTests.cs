using System.Text.Json;
using System.Text.Json.Nodes;
using CityStream.Engine.Internal.Rules;
using CityStream.Engine.RuleTests;
using Json.Schema;

namespace CityStream.Engine.Tests.RuleTests;

/// <summary>schemas/rule-pack.schema.json and schemas/rule-test.schema.json agree with what the compiler and the test runner accept.</summary>
public sealed class RulePackSchemaTests
{
    private const string EveryKind = """
        pack: every-kind
        description: One rule of each kind.
        lists:
          fire_signs: [smoke, fire]
          levels: [1, 2]
        macros:
          confident: confidence >= 0.8
        rules:
          - id: k.match
            kind: match
            source: video_alert
            where: alert_type in lists.fire_signs && confident
            key: [camera_id, grid]
            severity: "confidence >= 0.95 ? 'critical' : 'high'"
            alert: { title: "t {camera_id}", message: "m {key}", dedup: camera_id, suppress: 30m, route: fire-rescue }
            labels: { domain: fire }
            max_keys: 1000
            enabled: true
            description: d
          - id: k.threshold
            kind: threshold
            source: hotline
            where: category == 'gas_smell'
            key: grid
            window: { type: hopping, size: 1h, hop: 15m }
            aggregate: { tickets: count(), callers: distinct(caller_id) }
            having: tickets >= 5 && callers >= 3
            alert: { title: "{tickets} {window_start}" }
          - id: k.sliding
            kind: threshold
            source: utility
            window: 1h
            aggregate: { total: sum(value), mean: avg(value), low: min(value), high: max(value) }
            having: total > 100
            alert: { title: t }
          - id: k.spike
            kind: spike
            source: hotline
            key: district
            bucket: 1h
            season: 1d
            history: 7
            method: ewma
            threshold: 3.5
            min_count: 5
            alert: { title: "{count} {baseline} {score}" }
          - id: k.absence
            kind: absence
            source: police_event
            where: major == true
            key: id
            expect: { name: report, source: grid_report, key: related_event_id }
            within: 24h
            alert: { title: "{within}" }
          - id: k.sequence
            kind: sequence
            steps:
              - { name: driving, source: vehicle_gps, where: speed_kmh >= 30, key: plate }
              - { name: stopped, source: vehicle_gps, where: speed_kmh < 1, key: plate }
            within: 30m
            alert: { title: "{steps}" }
          - id: k.correlate
            kind: correlate
            sources:
              - { source: hotline, key: grid }
              - { source: video_alert, key: grid }
              - { source: grid_report }
            within: 30m
            min_sources: 2
            alert: { title: "{sources} {count}" }
        """;

    private static readonly JsonSchema PackSchema = Load("rule-pack.schema.json");
    private static readonly JsonSchema TestSchema = Load("rule-test.schema.json");

    private static JsonSchema Load(string name) =>
        JsonSchema.FromText(SchemaRegistry.ReadEmbeddedSchema(name), new BuildOptions { SchemaRegistry = new Json.Schema.SchemaRegistry() });

    private static bool Valid(JsonSchema schema, string yaml)
    {
        using var document = JsonDocument.Parse(RuleYaml.ToJson(yaml));
        return schema.Evaluate(document.RootElement).IsValid;
    }

    private static string Replace(string from, string to) => EveryKind.Replace(from, to, StringComparison.Ordinal);

    [Fact]
    public void A_pack_with_every_kind_compiles_and_validates()
    {
        Assert.Empty(RuleSet.FromYaml([("every-kind.yaml", EveryKind)]).Errors);
        Assert.True(Valid(PackSchema, EveryKind));
    }

    [Theory]
    [InlineData("kind: match", "kind: dwell")]
    [InlineData("    max_keys: 1000", "    within: 1h")]
    [InlineData("    having: total > 100\n", "")]
    [InlineData("{ type: hopping, size: 1h, hop: 15m }", "{ type: hopping, size: 1h }")]
    [InlineData("within: 24h", "within: 24 hours")]
    [InlineData("method: ewma", "method: zscore")]
    [InlineData("source: grid_report }", "source: grid_reports }")]
    [InlineData("tickets: count()", "tickets: counts()")]
    [InlineData("callers: distinct(caller_id) }", "callers: distinct(caller_id), key: count() }")]
    [InlineData("pack: every-kind", "pack: Every Kind")]
    [InlineData("    labels: { domain: fire }", "    label: { domain: fire }")]
    [InlineData("route: fire-rescue", "rout: fire-rescue")]
    [InlineData("min_sources: 2", "min_sources: 1")]
    [InlineData("history: 7", "history: 1")]
    [InlineData("severity: \"confidence >= 0.95 ? 'critical' : 'high'\"", "severity: urgent")]
    [InlineData("      - { name: stopped, source: vehicle_gps, where: speed_kmh < 1, key: plate }\n", "")]
    [InlineData("{ name: report, source: grid_report, key: related_event_id }", "{ source: grid_report, wher: x }")]
    public void Schema_refuses_what_the_compiler_refuses(string from, string to)
    {
        var broken = Replace(from, to);

        Assert.NotEqual(EveryKind, broken);
        Assert.NotEmpty(RuleSet.FromYaml([("every-kind.yaml", broken)]).Errors);
        Assert.False(Valid(PackSchema, broken));
    }

    [Fact]
    public void Kind_properties_in_the_schema_are_exactly_the_keys_the_compiler_accepts()
    {
        var defs = JsonNode.Parse(SchemaRegistry.ReadEmbeddedSchema("rule-pack.schema.json"))!["$defs"]!;
        foreach (var kind in (RuleKind[])[RuleKind.Match, RuleKind.Threshold, RuleKind.Spike, RuleKind.Absence, RuleKind.Sequence, RuleKind.Correlate])
        {
            var name = KindParser.Name(kind);
            var properties = defs[name]!["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal);

            Assert.Equal(KindParser.KeysOf(kind).Order(StringComparer.Ordinal), properties);
        }

        var common = defs["rule"]!["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["alert", "description", "enabled", "id", "kind", "labels", "max_keys", "severity"], common);
    }

    [Fact]
    public void Every_property_of_both_schemas_is_documented()
    {
        foreach (var name in (string[])["rule-pack.schema.json", "rule-test.schema.json"])
        {
            var undocumented = new List<string>();
            Walk(JsonNode.Parse(SchemaRegistry.ReadEmbeddedSchema(name))!, "#", undocumented);

            Assert.True(undocumented.Count == 0, name + ": " + string.Join(", ", undocumented));
        }
    }

    [Fact]
    public void A_rule_test_file_validates_against_the_test_schema_and_a_broken_one_does_not()
    {
        var test = RuleTestKit.Burst("[{ rule: gas.burst, key: G1, count: 1, severity: critical, evidence: [a] }]", "      - restart: true\n      - { advance_to: +7m }");

        Assert.True(Valid(TestSchema, test));
        Assert.False(Valid(TestSchema, test.Replace("source: hotline, event: { id: a", "source: hotline, partition: -1, event: { id: a", StringComparison.Ordinal)));
        Assert.False(Valid(TestSchema, test.Replace("at: +5m", "at: 5 minutes", StringComparison.Ordinal)));
        Assert.False(Valid(TestSchema, test.Replace("expect:", "expected:", StringComparison.Ordinal)));
    }

    private static void Walk(JsonNode node, string path, List<string> undocumented)
    {
        if (node is JsonObject obj)
        {
            if (obj["properties"] is JsonObject properties)
            {
                foreach (var (key, value) in properties)
                {
                    if (value is JsonObject property && property["description"] is null && property["$ref"] is null)
                    {
                        undocumented.Add(path + "/" + key);
                    }
                }
            }

            foreach (var (key, value) in obj)
            {
                if (value is not null && key != "if")
                {
                    Walk(value, path + "/" + key, undocumented);
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is { } item)
                {
                    Walk(item, path + "/" + i, undocumented);
                }
            }
        }
    }
}
