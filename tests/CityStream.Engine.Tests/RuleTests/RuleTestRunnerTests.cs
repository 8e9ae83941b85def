using CityStream.Engine.RuleTests;

namespace CityStream.Engine.Tests.RuleTests;

public sealed class RuleTestRunnerTests
{
    [Fact]
    public void Expected_alerts_and_dead_letters_pass()
    {
        var report = RuleTestKit.Run("""
            start: 2026-06-01T08:00:00+08:00
            tests:
              - name: burst and a late ticket
                input:
                  - { at: +0m, source: hotline, event: { id: a, category: gas_smell, caller_id: c1, grid: G1 } }
                  - { at: +5m, source: hotline, event: { id: b, category: gas_smell, caller_id: c2, grid: G1 } }
                  - { at: +30m, source: hotline, event: { id: c, category: gas_smell, caller_id: c1, grid: G1 } }
                  - { at: +2m, source: hotline, event: { id: late, category: gas_smell, caller_id: c3, grid: G1 } }
                expect:
                  - { rule: gas.smell, key: G1, severity: high, title: "燃气 G1", evidence: [a] }
                  - { rule: gas.burst, key: G1, severity: critical, title: "燃气集中 G1 3", evidence: [a, b, c] }
                expect_dead_letters:
                  - { reason: late, event: late }
            """);

        Assert.True(report.Passed, report.ToString());
        Assert.Equal(2, Assert.Single(report.Results).Alerts.Count);
    }

    [Fact]
    public void Missing_alert_is_reported_at_the_test_with_the_expectation_line()
    {
        var report = RuleTestKit.Run(RuleTestKit.Burst("[{ rule: gas.burst, key: G2 }]"));

        var result = Assert.Single(report.Results);
        Assert.False(report.Passed);
        Assert.Equal(3, result.Line);
        Assert.Equal(5, result.Column);
        Assert.Contains("missing alert (line 10): gas.burst key=G2 (the rule alerted for key G1)", result.Differences);
        Assert.StartsWith("rules/gas.test.yaml:3:5: FAIL burst", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Unexpected_alert_is_reported_with_its_key_severity_title_evidence_and_time()
    {
        var report = RuleTestKit.Run(RuleTestKit.Burst("[]"));

        var difference = Assert.Single(Assert.Single(report.Results).Differences);
        Assert.Equal("unexpected alert: gas.burst key=G1 severity=critical title=\"燃气集中 G1 3\" evidence=[a, b, c] at +9m (2026-06-01 08:09:00 +08:00)", difference);
    }

    [Fact]
    public void Field_differences_name_the_field_with_actual_and_expected_values()
    {
        var report = RuleTestKit.Run(RuleTestKit.Burst("[{ rule: gas.burst, key: G1, severity: low, title: \"x\", evidence: [a, b] }]"));

        var differences = Assert.Single(report.Results).Differences;
        Assert.Contains("alert gas.burst key=G1 (line 10): severity is critical, expected low", differences);
        Assert.Contains("alert gas.burst key=G1 (line 10): title is \"燃气集中 G1 3\", expected \"x\"", differences);
        Assert.Contains("alert gas.burst key=G1 (line 10): evidence is [a, b, c], expected [a, b]", differences);
    }

    [Fact]
    public void Count_difference_is_reported()
    {
        var report = RuleTestKit.Run(RuleTestKit.Burst("[{ rule: gas.burst, key: G1, count: 2 }]"));

        Assert.Contains("missing alert (line 10): gas.burst key=G1: expected 2, got 1", Assert.Single(report.Results).Differences);
    }

    [Fact]
    public void Unexpected_dead_letter_is_reported_with_the_decoder_detail()
    {
        var report = RuleTestKit.Run(RuleTestKit.Burst("[{ rule: gas.burst, key: G1 }]", "      - { at: +6m, source: hotline, event: { id: bad, category: gas_leak } }"));

        var difference = Assert.Single(Assert.Single(report.Results).Differences);
        Assert.StartsWith("unexpected dead letter: schema_violation for event bad: ", difference, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_dead_letter_says_what_happened_to_the_event_instead()
    {
        var report = RuleTestKit.Run("""
            start: 2026-06-01T08:00:00+08:00
            tests:
              - name: bad category
                input:
                  - { at: +0m, source: hotline, event: { id: bad, category: gas_leak } }
                expect: []
                expect_dead_letters: [{ reason: late, event: bad }]
            """);

        var difference = Assert.Single(Assert.Single(report.Results).Differences);
        Assert.StartsWith("missing dead letter (line 7): late for event bad (it was dead-lettered as schema_violation:", difference, StringComparison.Ordinal);
    }

    [Fact]
    public void Absence_fires_when_the_test_advances_the_clock_and_not_before()
    {
        const string Test = """
            start: 2026-06-01T08:00:00+08:00
            tests:
              - name: unreported
                rules: [gas.unreported]
                input:
                  - { at: +0m, source: police_event, event: { id: p1, event_class: mass_incident, major: true } }
                ADVANCE
                expect: [{ rule: gas.unreported, key: p1 }]
            """;

        Assert.True(RuleTestKit.Run(Test.Replace("ADVANCE", "advance_to: +26h", StringComparison.Ordinal)).Passed);
        Assert.False(RuleTestKit.Run(Test.Replace("ADVANCE", "advance_to: +2h", StringComparison.Ordinal)).Passed);
    }

    [Fact]
    public void Restart_restores_the_state_checkpointed_before_it()
    {
        var report = RuleTestKit.Run(RuleTestKit.Burst("[{ rule: gas.burst, key: G1, evidence: [a, b, c] }]", "      - restart: true"));

        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void Ids_are_generated_from_the_input_position_when_absent()
    {
        var report = RuleTestKit.Run("""
            start: 2026-06-01T08:00:00+08:00
            tests:
              - name: generated ids
                rules: [gas.smell]
                input:
                  - { at: +0m, source: hotline, event: { category: noise, grid: G1 } }
                  - { at: +1m, source: hotline, event: { category: gas_smell, grid: G1 } }
                expect: [{ rule: gas.smell, key: G1, evidence: [e2] }]
            """);

        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void Alerts_emit_at_the_virtual_time_of_the_input()
    {
        var report = RuleTestKit.Run(RuleTestKit.Burst("[{ rule: gas.burst, key: G1 }]"));

        var alert = Assert.Single(Assert.Single(report.Results).Alerts, a => a.Rule == "gas.burst");
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 8, 9, 0, TimeSpan.FromHours(8)).ToUnixTimeMilliseconds(), alert.EmitTime);
    }

    [Fact]
    public void Report_summarises_passed_failed_and_errors()
    {
        var report = RuleTestKit.Run(RuleTestKit.Burst("[]"));

        Assert.EndsWith("0 passed, 1 failed, 0 error(s)", report.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, report.Failed);
    }
}
