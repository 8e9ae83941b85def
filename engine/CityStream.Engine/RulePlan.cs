using System.Globalization;
using System.Text;

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
        text.AppendLine(CultureInfo.InvariantCulture, $"rule      {rule.Id}  ({rule.File}:{rule.Line})");
        text.AppendLine(CultureInfo.InvariantCulture, $"pack      {rule.Pack} -> topic {Alert.TopicFor(rule.Pack)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"kind      {rule.Kind.ToString().ToLowerInvariant()}");
        text.AppendLine(CultureInfo.InvariantCulture, $"source    {rule.Source.Name} (topic {rule.Source.Topic}, keyed by {rule.Source.KeyField.Name}, allowed lateness {Durations.Format(rule.Source.AllowedLateness)}; later events go to city.dlq as 'late')");
        text.AppendLine(CultureInfo.InvariantCulture, $"filter    {rule.Where?.Text ?? "(every event)"}");
        text.AppendLine(CultureInfo.InvariantCulture, $"key       {rule.Key.Text}");
        text.AppendLine("dedup     " + rule.Dedup.Text + "; " + (rule.Suppress > TimeSpan.Zero
            ? "one alert per dedup key per " + Durations.Format(rule.Suppress) + " of event time"
            : "one alert per matching event"));
        text.AppendLine(CultureInfo.InvariantCulture, $"severity  {rule.Severity ?? rule.SeverityExpression!.Text}");
        text.AppendLine(CultureInfo.InvariantCulture, $"state     emitted alert ids until their episode ends + lateness; at most {rule.MaxKeys:N0} keys (oldest evicted first)");
        text.AppendLine(CultureInfo.InvariantCulture, $"evidence  {string.Join(", ", rule.EvidenceFields.Select(f => f.Name))}");
        text.Append(CultureInfo.InvariantCulture, $"route     {rule.Route ?? "(none)"}");
        return text.ToString();
    }
}
