using CityStream.Engine.RuleTests;

namespace CityStream.Engine.Tests.RuleTests;

/// <summary>A small pack and helpers to run rule test files from strings (no file I/O).</summary>
internal static class RuleTestKit
{
    public const string Pack = """
        pack: gas
        rules:
          - id: gas.smell
            kind: match
            source: hotline
            where: category == 'gas_smell'
            key: grid
            severity: high
            alert: { title: "燃气 {grid}", suppress: 1h }
          - id: gas.burst
            kind: threshold
            source: hotline
            where: category == 'gas_smell'
            key: grid
            window: 1h
            aggregate: { tickets: count(), callers: distinct(caller_id) }
            having: tickets >= 3 && callers >= 2
            severity: critical
            alert: { title: "燃气集中 {grid} {tickets}" }
          - id: gas.unreported
            kind: absence
            source: police_event
            where: major == true
            key: id
            expect: { source: grid_report, key: related_event_id }
            within: 1h
            alert: { title: "未上报 {id}" }
        """;

    public static RuleTestReport Run(string testYaml, string file = "rules/gas.test.yaml") =>
        RuleTestRunner.Run(file, testYaml, path => path == Path.Combine("rules", "gas.yaml") ? Pack : null);

    public static string Burst(string expect, string extraInput = "") => $$"""
        start: 2026-06-01T08:00:00+08:00
        tests:
          - name: burst
            rules: [gas.burst]
            input:
              - { at: +0m, source: hotline, event: { id: a, category: gas_smell, caller_id: c1, grid: G1 } }
              - { at: +5m, source: hotline, event: { id: b, category: gas_smell, caller_id: c2, grid: G1 } }
        {{extraInput}}
              - { at: +9m, source: hotline, event: { id: c, category: gas_smell, caller_id: c1, grid: G1 } }
            expect: {{expect}}
        """;
}
