namespace CityStream.Engine.Tests.RuleTests;

/// <summary>Mistakes in a rule test file are reported like pack errors, with file:line:col, and no test runs.</summary>
public sealed class RuleTestFileErrorTests
{
    private const string Start = "start: 2026-06-01T08:00:00+08:00\ntests:\n  - name: t\n    input:\n";

    public static TheoryData<string, string, int, int, string> Cases => new()
    {
        { "unknown source", Start + "      - { at: +0m, source: hotlin, event: { category: noise } }\n    expect: []\n", 5, 28, "unknown source 'hotlin'; expected one of" },
        { "unknown field", Start + "      - { at: +0m, source: hotline, event: { categroy: noise } }\n    expect: []\n", 5, 46, "unknown field 'categroy' of source hotline; did you mean 'category'?" },
        { "ts written in the event", Start + "      - { at: +0m, source: hotline, event: { ts: 5, category: noise } }\n    expect: []\n", 5, 46, "'ts' comes from the item's 'at'" },
        { "bad relative time", Start + "      - { at: +5 minutes, source: hotline, event: { category: noise } }\n    expect: []\n", 5, 15, "at: '+5 minutes' is not a time" },
        { "absolute time without an offset", Start + "      - { at: 2026-06-01T08:05:00, source: hotline, event: { category: noise } }\n    expect: []\n", 5, 15, "is not a time" },
        { "bad start", "start: yesterday\ntests:\n  - name: t\n    input: []\n    expect: []\n", 1, 8, "start: 'yesterday' is not an RFC 3339 time" },
        { "no start anywhere", "tests:\n  - name: t\n    input: []\n    expect: []\n", 2, 5, "the test needs a 'start' time" },
        { "missing expect", Start + "      - { at: +0m, source: hotline, event: { category: noise } }\n", 3, 5, "a test needs 'expect'" },
        { "unknown key in a test", Start + "      - { at: +0m, source: hotline, event: { category: noise } }\n    expected: []\n", 6, 5, "unknown key 'expected' in a test; did you mean 'expect'?" },
        { "unknown rule in expect", Start + "      - { at: +0m, source: hotline, event: { category: noise } }\n    expect: [{ rule: gas.smel, key: G1 }]\n", 6, 22, "no enabled rule 'gas.smel' in the packs this file tests; did you mean 'gas.smell'?" },
        { "unknown severity in expect", Start + "      - { at: +0m, source: hotline, event: { category: noise } }\n    expect: [{ rule: gas.smell, key: G1, severity: urgent }]\n", 6, 52, "unknown severity 'urgent'" },
        { "unknown dead-letter reason", Start + "      - { at: +0m, source: hotline, event: { id: x, category: noise } }\n    expect: []\n    expect_dead_letters: [{ reason: too_late, event: x }]\n", 7, 37, "unknown dead-letter reason 'too_late'" },
        { "dead letter of an event the input does not have", Start + "      - { at: +0m, source: hotline, event: { id: x, category: noise } }\n    expect: []\n    expect_dead_letters: [{ reason: late, event: y }]\n", 7, 50, "no input event of this test has id 'y'" },
        { "restart that is not true", Start + "      - restart: false\n    expect: []\n", 5, 18, "write 'restart: true'" },
        { "event field that is a list", Start + "      - { at: +0m, source: hotline, event: { category: [noise] } }\n    expect: []\n", 5, 56, "field 'category' must be a single value" },
        { "YAML syntax", "start: 2026-06-01T08:00:00+08:00\ntests:\n  - name: \"t\n", 3, 11, "YAML syntax error" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Test_file_mistake_is_reported_at_its_position(string mistake, string yaml, int line, int column, string fragment)
    {
        var report = RuleTestKit.Run(yaml);

        Assert.Empty(report.Results);
        Assert.False(report.Passed);
        Assert.True(
            report.Errors.Any(e => e.File == "rules/gas.test.yaml" && e.Line == line && e.Column == column && e.Message.Contains(fragment, StringComparison.Ordinal)),
            $"{mistake}: expected {line}:{column} '{fragment}', got:\n{string.Join("\n", report.Errors)}");
    }

    [Fact]
    public void Missing_pack_is_reported_and_says_how_to_name_the_packs()
    {
        var report = RuleTestKit.Run("start: 2026-06-01T08:00:00+08:00\ntests:\n  - name: t\n    input: []\n    expect: []\n", "rules/other.test.yaml");

        var error = Assert.Single(report.Errors);
        Assert.Equal("rules/other.test.yaml:1:1: cannot read the pack 'rules/other.yaml' this file tests (name the packs with 'packs: [...]')", error.ToString());
    }

    [Fact]
    public void Packs_named_in_the_file_are_loaded_instead_of_the_default()
    {
        var report = RuleTestKit.Run("packs: [gas.yaml]\nstart: 2026-06-01T08:00:00+08:00\ntests:\n  - name: t\n    input: []\n    expect: []\n", "rules/any-name.test.yaml");

        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void Pack_errors_are_reported_with_the_pack_position_and_no_test_runs()
    {
        var report = CityStream.Engine.RuleTests.RuleTestRunner.Run(
            "rules/gas.test.yaml",
            "start: 2026-06-01T08:00:00+08:00\ntests:\n  - name: t\n    input: []\n    expect: []\n",
            _ => "pack: gas\nrules:\n  - id: r\n    kind: match\n    source: hotlin\n    alert: { title: t }\n");

        Assert.Empty(report.Results);
        Assert.Contains(report.Errors, e => e.ToString().StartsWith("rules/gas.yaml:5:13: unknown source 'hotlin'", StringComparison.Ordinal));
    }
}
