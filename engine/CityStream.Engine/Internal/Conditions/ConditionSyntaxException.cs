namespace CityStream.Engine.Internal.Conditions;

/// <summary>A syntax error at an offset of the expression text; caught by the compiler and turned into a <see cref="RuleError"/>.</summary>
internal sealed class ConditionSyntaxException : Exception
{
    public ConditionSyntaxException()
    {
    }

    public ConditionSyntaxException(string message)
        : base(message)
    {
    }

    public ConditionSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ConditionSyntaxException(int offset, string message)
        : base(message)
    {
        Offset = offset;
    }

    /// <summary>0-based offset of the error in the expression text.</summary>
    public int Offset { get; }
}
