namespace CityStream.Engine.Internal.Conditions;

/// <summary>
/// A compiled expression of any type, such as a severity (<c>confidence &gt; 0.9 ? 'high' : 'medium'</c>) or a key expression.
/// Its text form is invariant-culture: strings as they are, integers and timestamps (epoch milliseconds) as whole numbers,
/// numbers in round-trip form, booleans as <c>true</c>/<c>false</c>, and "" when the value is null or reads an absent field.
/// </summary>
internal sealed class CompiledValue
{
    internal CompiledValue(FieldType? resultType, Func<CityEvent, string> evaluateAsString, string text, IReadOnlyList<FieldDefinition> fieldsRead)
    {
        ResultType = resultType;
        EvaluateAsString = evaluateAsString;
        Text = text;
        FieldsRead = fieldsRead;
    }

    /// <summary>The value's type; null for the null literal.</summary>
    public FieldType? ResultType { get; }

    /// <summary>The value as invariant-culture text ("" for null or absent).</summary>
    public Func<CityEvent, string> EvaluateAsString { get; }

    /// <summary>The expression's source text.</summary>
    public string Text { get; }

    /// <summary>The distinct fields the expression reads (macros included), in order of first use.</summary>
    public IReadOnlyList<FieldDefinition> FieldsRead { get; }

    /// <inheritdoc />
    public override string ToString() => Text;
}
