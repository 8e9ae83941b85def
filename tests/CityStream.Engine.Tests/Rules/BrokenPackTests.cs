using CityStream.Engine;

namespace CityStream.Engine.Tests.Rules;

/// <summary>
/// Deliberately broken packs: each must be refused with an error at the exact file:line:col of the mistake and a
/// message that says what is wrong. Line 1 is "pack: broken", line 2 "rules:", line 3 "  - id: r1" unless the
/// case writes its own header.
/// </summary>
public sealed class BrokenPackTests
{
    private const string File = "rules/broken.yaml";

    public static TheoryData<string, string, int, int, string> Cases => new()
    {
        { "YAML syntax: an unclosed quote", "pack: broken\nrules:\n  - id: r1\n    kind: match\n    source: \"hotline\n", 5, 13, "YAML syntax error: While scanning a quoted scalar, found unexpected end of stream" },
        { "YAML syntax: a key indented less than its siblings", "pack: broken\nrules:\n  - id: r1\n    kind: match\n    source: hotline\n   alert: x\n", 6, 4, "YAML syntax error" },
        { "YAML syntax: a second colon in a plain value", "pack: broken\nrules:\n  - id: r1\n    kind: match: x\n", 4, 16, "found invalid mapping" },
        { "the pack is a list, not a mapping", "- pack: broken\n", 1, 1, "must be one YAML mapping" },
        { "unknown pack-level key", "pack: broken\nrule:\n  - id: r1\n", 2, 1, "unknown key 'rule' in the pack; did you mean 'rules'?" },
        { "pack name with capitals and a space", "pack: Hot Line\nrules:\n  - id: r1\n    kind: match\n    source: hotline\n    alert: { title: t }\n", 1, 7, "pack name 'Hot Line' must be lowercase" },
        { "rules is a mapping, not a list", "pack: broken\nrules: { r1: {} }\n", 2, 8, "needs 'rules': a list of rules" },
        { "list mixing strings and numbers", "pack: broken\nlists:\n  mixed: [a, 1]\nrules:\n  - id: r1\n    kind: match\n    source: hotline\n    alert: { title: t }\n", 3, 10, "list 'mixed' mixes strings and numbers" },
        { "list that is not a sequence", "pack: broken\nlists:\n  one: a\nrules:\n  - id: r1\n    kind: match\n    source: hotline\n    alert: { title: t }\n", 3, 8, "list 'one' must be a YAML sequence" },
        { "rule id with capitals", "pack: broken\nrules:\n  - id: Gas Smell\n    kind: match\n    source: hotline\n    alert: { title: t }\n", 3, 9, "rule id 'Gas Smell' must be lowercase" },
        { "duplicate rule id", "pack: broken\nrules:\n  - id: r1\n    kind: match\n    source: hotline\n    alert: { title: t }\n  - id: r1\n    kind: match\n    source: video_alert\n    alert: { title: t }\n", 7, 9, "duplicate rule id 'r1' (first defined at line 3)" },
        { "unknown kind", Rule("    kind: threshhold\n    source: hotline\n    alert: { title: t }\n"), 4, 11, "unknown rule kind 'threshhold'; expected one of match, threshold" },
        { "kind that is not supported yet", Rule("    kind: dwell\n    source: vehicle_gps\n    alert: { title: t }\n"), 4, 11, "rule kind 'dwell' is not supported" },
        { "unknown source", Rule("    kind: match\n    source: hotlin\n    alert: { title: t }\n"), 5, 13, "unknown source 'hotlin'; expected one of" },
        { "unknown field in a condition", Rule("    kind: match\n    source: hotline\n    where: categroy == 'noise'\n    alert: { title: t }\n"), 6, 12, "categroy" },
        { "type mismatch: a number compared with a string", Rule("    kind: match\n    source: video_alert\n    where: confidence == 'high'\n    alert: { title: t }\n"), 6, 23, "cannot compare number field 'confidence' with string 'high'" },
        { "enum value not allowed", Rule("    kind: match\n    source: hotline\n    where: category == 'gas_leak'\n    alert: { title: t }\n"), 6, 24, "gas_leak" },
        { "bad regex", Rule("    kind: match\n    source: hotline\n    where: text.matches('[unclosed')\n    alert: { title: t }\n"), 6, 25, "invalid regular expression '[unclosed'" },
        { "condition syntax: a dangling operator", Rule("    kind: match\n    source: hotline\n    where: \"category == \"\n    alert: { title: t }\n"), 6, 25, "expected" },
        { "unknown list", Rule("    kind: match\n    source: hotline\n    where: category in lists.gas_kinds\n    alert: { title: t }\n"), 6, 30, "unknown list 'gas_kinds'" },
        { "unknown key in a rule", Rule("    kind: match\n    source: hotline\n    wehre: category == 'noise'\n    alert: { title: t }\n"), 6, 5, "unknown key 'wehre' in a match rule; did you mean 'where'?" },
        { "key of another kind", Rule("    kind: match\n    source: hotline\n    within: 1h\n    alert: { title: t }\n"), 6, 5, "unknown key 'within' in a match rule" },
        { "missing alert", Rule("    kind: match\n    source: hotline\n"), 3, 5, "needs an 'alert' with at least a 'title'" },
        { "alert without a title", Rule("    kind: match\n    source: hotline\n    alert: { message: m }\n"), 6, 12, "the alert needs a 'title'" },
        { "unknown key in the alert", Rule("    kind: match\n    source: hotline\n    alert: { title: t, rout: gas-utility }\n"), 6, 24, "unknown key 'rout' in alert; did you mean 'route'?" },
        { "template with an unknown field", Rule("    kind: match\n    source: hotline\n    alert: { title: \"燃气 {gird}\" }\n"), 6, 26, "unknown field 'gird' in template for source hotline" },
        { "template with an unclosed brace", Rule("    kind: match\n    source: hotline\n    alert: { title: \"ticket {grid\" }\n"), 6, 29, "unclosed '{' in template" },
        { "bad duration in suppress", Rule("    kind: match\n    source: hotline\n    alert: { title: t, suppress: 1 hour }\n"), 6, 34, "suppress: '1 hour' is not a duration" },
        { "unknown severity", Rule("    kind: match\n    source: hotline\n    severity: urgent\n    alert: { title: t }\n"), 6, 15, "unknown severity 'urgent'" },
        { "severity expression that is not a string", Rule("    kind: match\n    source: video_alert\n    severity: \"confidence > 0.9\"\n    alert: { title: t }\n"), 6, 15, "a severity expression must give a string" },
        { "enabled that is not a boolean", Rule("    kind: match\n    source: hotline\n    enabled: maybe\n    alert: { title: t }\n"), 6, 14, "enabled must be true or false, not 'maybe'" },
        { "alert evidence above the limit", Rule("    kind: match\n    source: hotline\n    alert: { title: t, evidence: 101 }\n"), 6, 34, "alert evidence must be at most 100 events" },
        { "alert evidence below zero", Rule("    kind: match\n    source: hotline\n    alert: { title: t, evidence: -1 }\n"), 6, 34, "alert evidence must be a whole number ≥ 0, not '-1'" },
        { "max_keys of zero", Rule("    kind: match\n    source: hotline\n    max_keys: 0\n    alert: { title: t }\n"), 6, 15, "max_keys must be a whole number ≥ 1" },
        { "key naming an unknown field", Rule("    kind: match\n    source: hotline\n    key: gird\n    alert: { title: t }\n"), 6, 10, "gird" },
        { "threshold: bad aggregate function", Threshold("window: 1h", "{ tickets: counts() }", "tickets >= 5"), 7, 27, "aggregate 'tickets': 'counts()' is not one of count()" },
        { "threshold: sum of a string field", Threshold("window: 1h", "{ total: sum(caller_id) }", "total >= 5"), 7, 25, "sum() needs a number field, but 'caller_id' is a string" },
        { "threshold: distinct of an unknown field", Threshold("window: 1h", "{ callers: distinct(caler_id) }", "callers >= 3"), 7, 27, "unknown field 'caler_id' of source hotline; did you mean 'caller_id'?" },
        { "threshold: count with a field", Threshold("window: 1h", "{ tickets: count(caller_id) }", "tickets >= 5"), 7, 27, "count() takes no field" },
        { "threshold: aggregate named like a reserved field", Threshold("window: 1h", "{ key: count() }", "key == 'x'"), 7, 18, "'key' cannot name an aggregate" },
        { "threshold: having on an unknown aggregate", Threshold("window: 1h", "{ tickets: count() }", "calls >= 3"), 8, 13, "calls" },
        { "threshold: missing having", Rule("    kind: threshold\n    source: hotline\n    window: 1h\n    aggregate: { tickets: count() }\n    alert: { title: t }\n"), 3, 5, "needs 'having'" },
        { "threshold: missing window", Rule("    kind: threshold\n    source: hotline\n    aggregate: { tickets: count() }\n    having: tickets >= 5\n    alert: { title: t }\n"), 3, 5, "needs a 'window'" },
        { "threshold: bad window duration", Threshold("window: 1 hour", "{ tickets: count() }", "tickets >= 5"), 6, 13, "window: '1 hour' is not a duration" },
        { "threshold: hop longer than the size", Threshold("window: { type: hopping, size: 10m, hop: 15m }", "{ tickets: count() }", "tickets >= 5"), 6, 46, "the hop must be at most the size" },
        { "threshold: hopping window without a hop", Threshold("window: { type: hopping, size: 1h }", "{ tickets: count() }", "tickets >= 5"), 6, 13, "a hopping window needs a 'hop'" },
        { "threshold: unknown window type", Threshold("window: { type: rolling, size: 1h }", "{ tickets: count() }", "tickets >= 5"), 6, 21, "unknown window type 'rolling'" },
        { "spike: season not a multiple of the bucket", Spike("bucket: 7m\n    season: 1d\n"), 7, 13, "the season must be a whole number of buckets" },
        { "spike: unknown method", Spike("bucket: 1h\n    method: zscore\n"), 7, 13, "unknown spike method 'zscore'; expected robust_z or ewma" },
        { "spike: history too short", Spike("bucket: 1h\n    history: 1\n"), 7, 14, "history must be a whole number ≥ 2" },
        { "spike: missing bucket", Spike("season: 1d\n"), 3, 5, "needs a 'bucket'" },
        { "absence: missing expect", Rule("    kind: absence\n    source: police_event\n    within: 24h\n    alert: { title: t }\n"), 3, 5, "needs 'expect'" },
        { "absence: expected step from an unknown source", Rule("    kind: absence\n    source: police_event\n    expect: { source: grid_reports }\n    within: 24h\n    alert: { title: t }\n"), 6, 23, "unknown source 'grid_reports'" },
        { "absence: bad within", Rule("    kind: absence\n    source: police_event\n    expect: { source: grid_report }\n    within: 24 hours\n    alert: { title: t }\n"), 7, 13, "within: '24 hours' is not a duration" },
        { "sequence: only one step", Rule("    kind: sequence\n    steps:\n      - { source: vehicle_gps }\n    within: 30m\n    alert: { title: t }\n"), 6, 7, "'steps' needs at least two items" },
        { "sequence: steps is not a list", Rule("    kind: sequence\n    steps: { source: vehicle_gps }\n    within: 30m\n    alert: { title: t }\n"), 5, 12, "needs 'steps': a list of at least two" },
        { "sequence: missing within", Rule("    kind: sequence\n    steps:\n      - { source: vehicle_gps }\n      - { source: vehicle_gps }\n    alert: { title: t }\n"), 3, 5, "needs 'within'" },
        { "correlate: min_sources above the sources listed", Rule("    kind: correlate\n    sources:\n      - { source: hotline }\n      - { source: video_alert }\n    within: 30m\n    min_sources: 3\n    alert: { title: t }\n"), 9, 18, "min_sources is 3 but only 2 sources are listed" },
        { "correlate: unknown key in a source item", Rule("    kind: correlate\n    sources:\n      - { source: hotline, wher: category == 'fire_hazard' }\n      - { source: video_alert }\n    within: 30m\n    alert: { title: t }\n"), 6, 28, "unknown key 'wher' in an item of 'sources'; did you mean 'where'?" },
        { "macro with an unknown field, reported where the macro is written", "pack: broken\nmacros:\n  confident: confidense >= 0.8\nrules:\n  - id: r1\n    kind: match\n    source: video_alert\n    where: confident\n    alert: { title: t }\n", 3, 14, "confidense" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Broken_pack_is_refused_with_the_error_at_its_position(string mistake, string yaml, int line, int column, string fragment)
    {
        var result = RuleSet.FromYaml([(File, yaml)]);

        Assert.Null(result.RuleSet);
        Assert.True(
            result.Errors.Any(e => e.File == File && e.Line == line && e.Column == column && e.Message.Contains(fragment, StringComparison.Ordinal)),
            $"{mistake}: expected {File}:{line}:{column} containing '{fragment}', got:\n{string.Join("\n", result.Errors)}");
    }

    [Fact]
    public void Unclosed_flow_sequence_before_the_next_key_is_refused_not_thrown()
    {
        var result = RuleSet.FromYaml([(File, "pack: broken\nrules:\n  - id: r1\n    kind: match\n    source: [hotline\n    alert: { title: t }\n")]);

        Assert.Contains(result.Errors, e => e.Line == 5 && e.Message.Contains("YAML syntax error", StringComparison.Ordinal));
    }

    [Fact]
    public void Tab_indentation_is_reported_at_the_tab()
    {
        var result = RuleSet.FromYaml([(File, "pack: broken\nrules:\n  - id: r1\n\tkind: match\n")]);

        Assert.Contains(result.Errors, e => e.Line == 4 && e.Column == 1 && e.Message.Contains("tab", StringComparison.Ordinal));
    }

    [Fact]
    public void There_are_at_least_thirty_broken_packs_and_each_is_different()
    {
        var yamls = Cases.Select(c => (string)c[1]).ToList();

        Assert.True(yamls.Count >= 30);
        Assert.Equal(yamls.Count, yamls.Distinct(StringComparer.Ordinal).Count());
    }

    private static string Rule(string body) => "pack: broken\nrules:\n  - id: r1\n" + body;

    private static string Threshold(string window, string aggregate, string having) =>
        Rule($"    kind: threshold\n    source: hotline\n    {window}\n    aggregate: {aggregate}\n    having: {having}\n    alert: {{ title: t }}\n");

    private static string Spike(string settings) =>
        Rule($"    kind: spike\n    source: hotline\n    {settings}    alert: {{ title: t }}\n");
}
