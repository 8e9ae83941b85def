using CityStream.Engine;

namespace CityStream.Engine.Tests.Rules;

public sealed class PackErrorTests
{
    private const string Header = "pack: test\nrules:\n";

    private static IReadOnlyList<RuleError> Errors(string yaml)
    {
        var result = RuleSet.FromYaml([("pack.yaml", yaml)]);
        Assert.Null(result.RuleSet);
        Assert.NotEmpty(result.Errors);
        return result.Errors;
    }

    private static void AssertError(string yaml, int line, int column, string fragment)
    {
        var errors = Errors(yaml);
        Assert.True(
            errors.Any(e => e.Line == line && e.Column == column && e.Message.Contains(fragment, StringComparison.Ordinal)),
            $"expected {line}:{column} '{fragment}' but got:\n{string.Join("\n", errors)}");
    }

    private static string Rule(string body) => Header + "  - id: r1\n" + body;

    [Fact]
    public void Valid_pack_compiles()
    {
        var result = RuleSet.FromYaml([("ok.yaml", Rule("    kind: match\n    source: video_alert\n    where: confidence > 0.5\n    alert: { title: \"t {camera_id}\" }\n"))]);

        Assert.Empty(result.Errors);
        Assert.Equal(["r1"], result.RuleSet!.Packs[0].RuleIds);
    }

    [Fact]
    public void Yaml_syntax_error_is_reported_at_its_position()
    {
        var errors = Errors("pack: test\nrules:\n  - id: r1\n    kind: [match\n");

        var error = Assert.Single(errors);
        Assert.Contains("YAML syntax error", error.Message, StringComparison.Ordinal);
        Assert.Equal("pack.yaml", error.File);
        Assert.True(error.Line >= 4);
    }

    [Fact]
    public void Unknown_kind_names_the_kinds_and_the_nearest()
    {
        AssertError(Rule("    kind: mach\n    source: video_alert\n    alert: { title: t }\n"), 4, 11, "unknown rule kind 'mach'");
        AssertError(Rule("    kind: mach\n    source: video_alert\n    alert: { title: t }\n"), 4, 11, "did you mean 'match'");
    }

    [Fact]
    public void Unknown_source_is_an_error_at_the_source()
    {
        AssertError(Rule("    kind: match\n    source: vidoe_alert\n    alert: { title: t }\n"), 5, 13, "unknown source 'vidoe_alert'");
    }

    [Fact]
    public void Duplicate_rule_id_points_at_the_second_and_names_the_first_line()
    {
        var rule = "  - id: r1\n    kind: match\n    source: hotline\n    alert: { title: t }\n";
        AssertError(Header + rule + rule, 7, 9, "duplicate rule id 'r1' (first defined at line 3)");
    }

    [Fact]
    public void Bad_duration_is_an_error_at_the_value()
    {
        AssertError(Rule("    kind: match\n    source: hotline\n    alert: { title: t, suppress: 15 minutes }\n"), 6, 34, "'15 minutes' is not a duration");
    }

    [Fact]
    public void Unknown_key_in_a_rule_suggests_the_nearest()
    {
        AssertError(Rule("    kind: match\n    source: hotline\n    wher: category == 'noise'\n    alert: { title: t }\n"), 6, 5, "did you mean 'where'?");
    }

    [Fact]
    public void Unknown_field_in_a_template_is_an_error_at_the_placeholder()
    {
        AssertError(Rule("    kind: match\n    source: hotline\n    alert: { title: \"ticket {categroy}\" }\n"), 6, 30, "unknown field 'categroy' in template");
    }

    [Fact]
    public void Unknown_severity_lists_the_levels()
    {
        AssertError(Rule("    kind: match\n    source: hotline\n    severity: urgent\n    alert: { title: t }\n"), 6, 15, "unknown severity 'urgent'");
    }

    [Fact]
    public void Missing_kind_is_an_error_naming_the_kinds()
    {
        var errors = Errors(Rule("    where: x\n"));

        Assert.Contains(errors, e => e.Message.Contains("needs a 'kind': one of match, threshold", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_source_and_alert_are_reported_at_once()
    {
        var errors = Errors(Rule("    kind: match\n"));

        Assert.Contains(errors, e => e.Message.Contains("needs a 'source'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("needs an 'alert'", StringComparison.Ordinal));
    }

    [Fact]
    public void Errors_of_several_rules_are_all_reported()
    {
        var yaml = Header
            + "  - id: a\n    kind: match\n    source: nowhere\n    alert: { title: t }\n"
            + "  - id: b\n    kind: match\n    source: hotline\n    severity: dire\n    alert: { title: t }\n";

        var errors = Errors(yaml);

        Assert.Contains(errors, e => e.Line == 5);
        Assert.Contains(errors, e => e.Line == 10);
    }

    [Fact]
    public void Bad_rule_id_and_pack_name_are_errors()
    {
        AssertError("pack: Test Pack\nrules:\n  - id: r1\n    kind: match\n    source: hotline\n    alert: { title: t }\n", 1, 7, "pack name 'Test Pack'");
        AssertError(Header + "  - id: R 1\n    kind: match\n    source: hotline\n    alert: { title: t }\n", 3, 9, "rule id 'R 1'");
    }

    [Fact]
    public void Condition_errors_are_positioned_in_the_file()
    {
        AssertError(Rule("    kind: match\n    source: video_alert\n    where: confidense > 0.5\n    alert: { title: t }\n"), 6, 12, "confidense");
    }

    [Fact]
    public void Rules_missing_from_the_pack_is_an_error()
    {
        Assert.Contains(Errors("pack: test\n"), e => e.Message.Contains("needs 'rules'", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_files_with_one_pack_name_are_refused()
    {
        var yaml = Rule("    kind: match\n    source: hotline\n    alert: { title: t }\n");
        var result = RuleSet.FromYaml([("a.yaml", yaml), ("b.yaml", yaml.Replace("id: r1", "id: r2", StringComparison.Ordinal))]);

        Assert.Contains(result.Errors, e => e.File == "b.yaml" && e.Message.Contains("pack name 'test'", StringComparison.Ordinal));
    }

    [Fact]
    public void Disabled_rule_is_not_compiled_into_the_set()
    {
        var result = RuleSet.FromYaml([("ok.yaml", Rule("    kind: match\n    source: hotline\n    enabled: false\n    alert: { title: t }\n"))]);

        Assert.Empty(result.RuleSet!.Packs[0].RuleIds);
    }
}
