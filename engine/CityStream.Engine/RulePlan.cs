using System.Globalization;
using System.Text;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine;

/// <summary>The compiled plan of a rule, in words, for <c>citystream rules explain</c>.</summary>
public static class RulePlan
{
    /// <summary>The plan of the rule with that id, or null when no pack has it.</summary>
    public static string? Explain(RuleSet rules, string ruleId)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var rule = rules.Rules.FirstOrDefault(r => r.Id == ruleId);
        if (rule is null)
        {
            return null;
        }

        var text = new StringBuilder();
        void Line(string label, string value) => text.Append(CultureInfo.InvariantCulture, $"{label,-10}{value}\n");
        Line("rule", $"{rule.Id}  ({rule.File}:{rule.Line})");
        Line("pack", $"{rule.Pack} -> topic {Alert.TopicFor(rule.Pack)}");
        Line("kind", rule.Kind.ToString().ToLowerInvariant());
        foreach (var step in rule.Steps)
        {
            var label = rule.Steps.Count == 1 ? "source" : "step";
            Line(label, $"{(rule.Steps.Count == 1 ? string.Empty : step.Name + ": ")}{step.Source.Name} (topic {step.Source.Topic}, allowed lateness {Durations.Format(step.Source.AllowedLateness)}; later events go to city.dlq as 'late')");
            Line(string.Empty, $"filter {step.Where?.Text ?? "(every event)"}; key {step.Key.Text}");
        }

        Line("window", Window(rule));
        Line("dedup", $"{rule.Dedup.Text}; " + (rule.Suppress > TimeSpan.Zero
            ? "one alert per dedup key per " + Durations.Format(rule.Suppress) + " of event time"
            : Episode(rule.Kind)));
        Line("severity", rule.Severity ?? rule.SeverityExpression!.Text);
        Line("state", State(rule) + $"; at most {rule.MaxKeys.ToString("N0", CultureInfo.InvariantCulture)} keys (least recently seen evicted first), checkpointed per batch");
        Line("evidence", rule.MaxEvidence == 0
            ? "none (alert.evidence: 0)"
            : $"up to {rule.MaxEvidence} events (the first ones and the newest), showing " + string.Join(", ", rule.EvidenceFields.Select(f => f.Name)));
        text.Append(CultureInfo.InvariantCulture, $"{"route",-10}{rule.Route ?? "(none)"}");
        return text.ToString();
    }

    private static string Window(CompiledRule rule) => rule.Kind switch
    {
        RuleKind.Threshold => $"{rule.Threshold!.Window.ToString().ToLowerInvariant()} {Durations.Format(rule.Threshold.Size)}"
            + (rule.Threshold.Window == WindowType.Hopping ? $" every {Durations.Format(rule.Threshold.Hop)}" : string.Empty)
            + $" of event time; aggregates {string.Join(", ", rule.Threshold.Aggregates.Select(a => $"{a.Name} = {a.Function}({a.Field?.Name})"))}; fires when {rule.Threshold.Having.Text}",
        RuleKind.Spike => $"buckets of {Durations.Format(rule.Spike!.Bucket)} against the same bucket of the previous {rule.Spike.History} seasons of {Durations.Format(rule.Spike.Season)} ({rule.Spike.Method}); fires at score ≥ {rule.Spike.Threshold.ToString(CultureInfo.InvariantCulture)} and count ≥ {rule.Spike.MinCount}",
        RuleKind.Absence => $"'{rule.Steps[1].Name}' must follow within {Durations.Format(rule.Within!.Within)}; decided once stream time passes the deadline plus {Durations.Format(rule.Steps[1].Source.AllowedLateness)} lateness",
        RuleKind.Sequence => $"steps in order within {Durations.Format(rule.Within!.Within)} of the first, same key",
        RuleKind.Correlate => $"at least {rule.Within!.MinSources} of {rule.Steps.Count} inputs, same key, within {Durations.Format(rule.Within.Within)} of each other (one alert per key and {Durations.Format(rule.Within.Within)} bucket of the earliest event)",
        _ => "(none: each event on its own)",
    };

    private static string Episode(RuleKind kind) => kind switch
    {
        RuleKind.Match => "one alert per matching event",
        RuleKind.Threshold => "one alert per key and window",
        RuleKind.Spike => "one alert per key and bucket",
        RuleKind.Absence => "one alert per unanswered trigger event",
        RuleKind.Sequence => "one alert per completed sequence",
        _ => "one alert per key and 'within' bucket of the earliest event of the set",
    };

    private static string State(CompiledRule rule) => rule.Kind switch
    {
        RuleKind.Match => "the alert ids emitted, until their episode ends plus lateness",
        RuleKind.Threshold when rule.Threshold!.Window == WindowType.Sliding => "per key, the events of the last window (at most 10,000)",
        RuleKind.Threshold => "per key and open window, running aggregates and up to 10 evidence events; a window is dropped when stream time passes its end plus lateness",
        RuleKind.Spike => "per key, counts per bucket for the seasons of history",
        RuleKind.Absence => "per key, the open triggers and the recent expected events",
        RuleKind.Sequence => "per key, up to 16 partial matches",
        _ => "per key, the recent events of each input",
    };
}
