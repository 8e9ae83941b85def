using System.Text;

namespace CityStream.Engine.RuleTests;

/// <summary>The outcome of one test of a rule test file.</summary>
public sealed class RuleTestResult
{
    internal RuleTestResult(string file, int line, int column, string name, IReadOnlyList<string> differences, IReadOnlyList<Alert> alerts, IReadOnlyList<DeadLetter> deadLetters)
    {
        File = file;
        Line = line;
        Column = column;
        Name = name;
        Differences = differences;
        Alerts = alerts;
        DeadLetters = deadLetters;
    }

    /// <summary>The test file.</summary>
    public string File { get; }

    /// <summary>Line of the test in the file (1-based).</summary>
    public int Line { get; }

    /// <summary>Column of the test in the file (1-based).</summary>
    public int Column { get; }

    /// <summary>The test's name.</summary>
    public string Name { get; }

    /// <summary>Whether the alerts and dead letters were exactly the expected ones.</summary>
    public bool Passed => Differences.Count == 0;

    /// <summary>What differed, one line each: missing alerts, unexpected alerts, field differences, dead letters.</summary>
    public IReadOnlyList<string> Differences { get; }

    /// <summary>Every alert the test gave (before the test's <c>rules</c> filter).</summary>
    public IReadOnlyList<Alert> Alerts { get; }

    /// <summary>Every dead letter the test gave.</summary>
    public IReadOnlyList<DeadLetter> DeadLetters { get; }

    /// <summary><c>file:line:col: PASS|FAIL name</c>, then the differences indented.</summary>
    public override string ToString()
    {
        var text = new StringBuilder($"{File}:{Line}:{Column}: {(Passed ? "PASS" : "FAIL")} {Name}");
        foreach (var difference in Differences)
        {
            text.Append('\n').Append("    ").Append(difference);
        }

        return text.ToString();
    }
}
