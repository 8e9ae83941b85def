using System.Globalization;
using System.Text;

namespace CityStream.Engine.RuleTests;

/// <summary>
/// The outcome of running rule test files: errors in the test files or the packs they load (each with its
/// file:line:col; a file with errors runs none of its tests) and the result of every test that ran.
/// </summary>
public sealed class RuleTestReport
{
    internal RuleTestReport(IReadOnlyList<RuleError> errors, IReadOnlyList<RuleTestResult> results)
    {
        Errors = errors;
        Results = results;
    }

    /// <summary>Errors in test files and packs.</summary>
    public IReadOnlyList<RuleError> Errors { get; }

    /// <summary>Every test that ran, in file order.</summary>
    public IReadOnlyList<RuleTestResult> Results { get; }

    /// <summary>Tests that failed.</summary>
    public int Failed => Results.Count(r => !r.Passed);

    /// <summary>True when there were no errors, at least one test ran, and every test passed.</summary>
    public bool Passed => Errors.Count == 0 && Results.Count > 0 && Failed == 0;

    /// <summary>The report for a terminal: errors, failed tests with their differences, and a summary line.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var error in Errors)
        {
            text.AppendLine(error.ToString());
        }

        foreach (var result in Results.Where(r => !r.Passed))
        {
            text.AppendLine(result.ToString());
        }

        text.Append(CultureInfo.InvariantCulture, $"{Results.Count - Failed} passed, {Failed} failed, {Errors.Count} error(s)");
        return text.ToString();
    }
}
