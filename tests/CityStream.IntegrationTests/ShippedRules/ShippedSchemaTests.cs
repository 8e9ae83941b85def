using System.Text.Json;
using CityStream.Engine.RuleTests;
using Json.Schema;

namespace CityStream.IntegrationTests.ShippedRules;

/// <summary>Every shipped pack validates against schemas/rule-pack.schema.json and every shipped test file against schemas/rule-test.schema.json (read from the files).</summary>
public sealed class ShippedSchemaTests
{
    private static JsonSchema Load(string name) =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "schemas", name)), new BuildOptions { SchemaRegistry = new Json.Schema.SchemaRegistry() });

    private static void AssertValid(JsonSchema schema, string file)
    {
        using var document = JsonDocument.Parse(RuleYaml.ToJson(File.ReadAllText(file)));
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, file + ":\n" + string.Join("\n", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Fact]
    public void Every_shipped_pack_validates_against_the_rule_pack_schema()
    {
        var schema = Load("rule-pack.schema.json");
        var packs = Directory.EnumerateFiles(RepositoryRoot.Rules, "*.yaml").Where(f => !f.EndsWith(".test.yaml", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(packs);
        foreach (var pack in packs)
        {
            AssertValid(schema, pack);
        }
    }

    [Fact]
    public void Every_shipped_test_file_validates_against_the_rule_test_schema()
    {
        var schema = Load("rule-test.schema.json");
        var tests = Directory.EnumerateFiles(RepositoryRoot.Rules, "*.test.yaml").ToList();

        Assert.NotEmpty(tests);
        foreach (var test in tests)
        {
            AssertValid(schema, test);
        }
    }

    [Fact]
    public void The_schema_file_and_the_one_embedded_in_the_engine_are_the_same()
    {
        foreach (var name in (string[])["rule-pack.schema.json", "rule-test.schema.json"])
        {
            Assert.Equal(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "schemas", name)), CityStream.Engine.SchemaRegistry.ReadEmbeddedSchema(name));
        }
    }
}
