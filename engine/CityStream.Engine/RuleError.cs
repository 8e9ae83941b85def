namespace CityStream.Engine;

/// <summary>One error in a rule pack, at its position in the file (1-based line and column).</summary>
/// <param name="File">The pack file (or test file) the error is in.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record RuleError(string File, int Line, int Column, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}
