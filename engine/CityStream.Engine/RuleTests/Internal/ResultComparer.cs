using System.Globalization;

namespace CityStream.Engine.RuleTests.Internal;

/// <summary>Compares what a test gave with what it expected, as lines a rule author can act on.</summary>
internal static class ResultComparer
{
    public static List<string> Compare(TestCaseModel test, IReadOnlyList<Alert> alerts, IReadOnlyList<(DeadLetter Letter, string EventId)> deadLetters)
    {
        var differences = new List<string>();
        var remaining = alerts.Where(a => test.Rules is null || test.Rules.Contains(a.Rule)).ToList();
        foreach (var expected in test.Expect)
        {
            var matching = remaining.Where(a => a.Rule == expected.Rule && a.Key == expected.Key).Take(expected.Count).ToList();
            if (matching.Count < expected.Count)
            {
                var others = remaining.Where(a => a.Rule == expected.Rule).Select(a => a.Key).Distinct().ToList();
                differences.Add($"missing alert (line {expected.Line}): {expected.Rule} key={expected.Key}"
                    + (expected.Count == 1 ? string.Empty : $": expected {expected.Count}, got {matching.Count}")
                    + (matching.Count == 0 && others.Count > 0 ? $" (the rule alerted for key {string.Join(", ", others)})" : string.Empty));
            }

            foreach (var alert in matching)
            {
                remaining.Remove(alert);
                CompareFields(expected, alert, differences);
            }
        }

        foreach (var alert in remaining)
        {
            differences.Add($"unexpected alert: {alert.Rule} key={alert.Key} severity={alert.Severity} title=\"{alert.Title}\" evidence=[{string.Join(", ", alert.Evidence.Select(e => e.EventId))}] at {Time(alert.LastEventTime, test.StartMs)}");
        }

        var unexpectedLetters = deadLetters.Select(d => (d.Letter.Reason, d.EventId, d.Letter.Detail)).ToList();
        foreach (var expected in test.ExpectDeadLetters)
        {
            var index = unexpectedLetters.FindIndex(d => d.Reason == expected.Reason && d.EventId == expected.EventId);
            if (index < 0)
            {
                var actual = unexpectedLetters.FindIndex(d => d.EventId == expected.EventId);
                differences.Add($"missing dead letter (line {expected.Line}): {expected.Reason} for event {expected.EventId}"
                    + (actual < 0 ? string.Empty : $" (it was dead-lettered as {unexpectedLetters[actual].Reason}: {unexpectedLetters[actual].Detail})"));
                if (actual >= 0)
                {
                    unexpectedLetters.RemoveAt(actual);
                }

                continue;
            }

            unexpectedLetters.RemoveAt(index);
        }

        foreach (var (reason, eventId, detail) in unexpectedLetters)
        {
            differences.Add($"unexpected dead letter: {reason} for event {eventId}: {detail}");
        }

        return differences;
    }

    private static void CompareFields(ExpectedAlert expected, Alert alert, List<string> differences)
    {
        var what = $"alert {expected.Rule} key={expected.Key} (line {expected.Line})";
        if (expected.Severity is { } severity && severity != alert.Severity)
        {
            differences.Add($"{what}: severity is {alert.Severity}, expected {severity}");
        }

        if (expected.Title is { } title && title != alert.Title)
        {
            differences.Add($"{what}: title is \"{alert.Title}\", expected \"{title}\"");
        }

        if (expected.Message is { } message && message != alert.Message)
        {
            differences.Add($"{what}: message is \"{alert.Message}\", expected \"{message}\"");
        }

        if (expected.Evidence is { } evidence)
        {
            var actual = alert.Evidence.Select(e => e.EventId).ToList();
            var missing = evidence.Except(actual, StringComparer.Ordinal).ToList();
            var extra = actual.Except(evidence, StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || extra.Count > 0)
            {
                differences.Add($"{what}: evidence is [{string.Join(", ", actual)}], expected [{string.Join(", ", evidence)}]");
            }
        }
    }

    private static string Time(long ms, long startMs) =>
        TestTimes.Format(ms, startMs) + " (" + DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture) + ")";
}
