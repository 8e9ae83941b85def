using CityStream.Engine;
using CityStream.Engine.RuleTests;

namespace CityStream.IntegrationTests.ShippedRules;

/// <summary>The packs in rules/ compile, and their rule tests (rules/*.test.yaml) pass — what `citystream rules check` and `rules test` do.</summary>
public sealed class ShippedRuleTests
{
    private static readonly Lazy<RuleTestReport> Report = new(() => RuleTestRunner.RunPath(RepositoryRoot.Rules));

    [Fact]
    public void Shipped_packs_compile_without_errors()
    {
        var result = RuleSet.Load(RepositoryRoot.Rules);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.True(result.RuleSet!.Packs.Count >= 3);
    }

    [Fact]
    public void Every_shipped_rule_test_passes()
    {
        var report = Report.Value;

        Assert.True(report.Passed, report.ToString());
        Assert.True(report.Results.Count >= 30, $"only {report.Results.Count} rule tests ran");
    }

    [Fact]
    public void Every_shipped_pack_has_a_test_file_next_to_it()
    {
        var packs = Directory.EnumerateFiles(RepositoryRoot.Rules, "*.yaml").Where(f => !f.EndsWith(".test.yaml", StringComparison.Ordinal));

        foreach (var pack in packs)
        {
            Assert.True(File.Exists(Path.ChangeExtension(pack, ".test.yaml")), $"{pack} has no .test.yaml");
        }
    }

    [Fact]
    public void Every_enabled_shipped_rule_raises_an_alert_in_some_passing_test()
    {
        var rules = RuleSet.Load(RepositoryRoot.Rules).RuleSet!.Packs.SelectMany(p => p.RuleIds).ToList();
        var alerted = Report.Value.Results.Where(r => r.Passed).SelectMany(r => r.Alerts).Select(a => a.Rule).ToHashSet(StringComparer.Ordinal);

        var silent = rules.Where(id => !alerted.Contains(id)).ToList();
        Assert.True(silent.Count == 0, "rules no test makes alert: " + string.Join(", ", silent));
    }

    [Fact]
    public void Shipped_tests_cover_every_supported_kind_and_a_restart_and_a_late_event()
    {
        var texts = Directory.EnumerateFiles(RepositoryRoot.Rules, "*.yaml").Select(File.ReadAllText).ToList();
        var all = string.Join("\n", texts);

        foreach (var kind in (string[])["match", "threshold", "spike", "absence", "sequence", "correlate"])
        {
            Assert.Contains($"kind: {kind}", all, StringComparison.Ordinal);
        }

        Assert.Contains("restart: true", all, StringComparison.Ordinal);
        Assert.Contains("reason: late", all, StringComparison.Ordinal);
    }
}
