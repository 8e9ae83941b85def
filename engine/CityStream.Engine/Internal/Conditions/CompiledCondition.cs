namespace CityStream.Engine.Internal.Conditions;

/// <summary>
/// A compiled predicate over events of one source. Evaluation never throws and does not allocate for
/// comparisons, <c>in</c>, <c>&amp;&amp;</c>/<c>||</c>/<c>!</c>, <c>has</c> and the string methods.
/// <para>
/// A condition on a field the event does not carry is false: every comparison, <c>in</c> test and string method that reads an
/// absent field is false (so <c>!(confidence &gt; 0.8)</c> is true when <c>confidence</c> is absent), a boolean field that is absent
/// reads as false, and <c>field == null</c> / <c>field != null</c> test whether the event carries the field.
/// </para>
/// </summary>
internal sealed class CompiledCondition
{
    internal CompiledCondition(Func<CityEvent, bool> evaluate, string text, IReadOnlyList<FieldDefinition> fieldsRead, ulong stringsRead)
    {
        Evaluate = evaluate;
        Text = text;
        FieldsRead = fieldsRead;
        StringsRead = stringsRead;
    }

    /// <summary>True when the event meets the condition.</summary>
    public Func<CityEvent, bool> Evaluate { get; }

    /// <summary>The condition's source text.</summary>
    public string Text { get; }

    /// <summary>The distinct fields the condition reads (macros included), in order of first use, for alert evidence.</summary>
    public IReadOnlyList<FieldDefinition> FieldsRead { get; }

    /// <summary>The string fields whose values the condition reads (bit = field index); not those it only tests with <c>has</c>.</summary>
    public ulong StringsRead { get; }

    /// <inheritdoc />
    public override string ToString() => Text;
}
