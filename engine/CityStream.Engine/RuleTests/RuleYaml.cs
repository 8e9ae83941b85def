using CityStream.Engine.RuleTests.Internal;

namespace CityStream.Engine.RuleTests;

/// <summary>
/// Turns a rule pack or rule test file into JSON so it can be checked against <c>schemas/rule-pack.schema.json</c>
/// or <c>schemas/rule-test.schema.json</c> with any JSON Schema validator. Plain scalars that read as numbers,
/// <c>true</c>/<c>false</c> or <c>null</c> become those; quoted scalars stay strings (the YAML 1.2 core schema).
/// </summary>
public static class RuleYaml
{
    /// <summary>The JSON of the first YAML document of <paramref name="yaml"/>.</summary>
    /// <exception cref="YamlDotNet.Core.YamlException">The text is not well-formed YAML.</exception>
    public static string ToJson(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return YamlJsonWriter.Write(yaml);
    }
}
