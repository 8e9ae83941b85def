namespace CityStream.Engine.Tests;

/// <summary>One match rule on hotline tickets whose grid starts with G, titled by the grid: the smallest pack that reads a string.</summary>
internal static class HotlineGasPack
{
    public const string Yaml = """
        pack: hotline
        rules:
          - id: hotline.gas
            kind: match
            source: hotline
            where: grid.startsWith('G')
            key: grid
            alert: { title: "ticket in {grid}" }
        """;

    public static SourceSchema Hotline { get; } = TestEvents.Source("hotline");

    public static RuleRuntime Runtime() => new(RuleSet.FromYaml([("hotline.yaml", Yaml)]).RuleSet!);
}
