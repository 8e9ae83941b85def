using System.Linq.Expressions;
using System.Reflection;

namespace CityStream.Engine.Internal.Conditions;

/// <summary>
/// Compiles rule conditions — a CEL subset — into delegates, type-checked against a source schema.
/// <para>
/// The language: comparisons (<c>== != &lt; &lt;= &gt; &gt;=</c>), <c>&amp;&amp; || !</c>, <c>?:</c>, <c>in</c> with named lists
/// (<c>lists.NAME</c>) and list literals, arithmetic (<c>+ - * / %</c>; <c>/</c> always divides as numbers, so <c>7 / 2</c> is 3.5),
/// the string methods <c>startsWith</c>, <c>endsWith</c>, <c>contains</c> (ordinal) and <c>matches</c> (a regex literal,
/// compiled once, culture-invariant, 100 ms match timeout), <c>has(field)</c>, <c>null</c>, string literals in single or double
/// quotes with escapes (or raw, <c>r'\d+'</c>), integers, floats, <c>true</c>, <c>false</c>, <c>duration('15m')</c>,
/// <c>timestamp('2026-01-01T00:00:00Z')</c>, the event's fields by bare name and the pack's macros by bare name.
/// Integers and numbers mix freely; a timestamp compares with timestamps and timestamp ± duration; timestamp − timestamp is a duration.
/// </para>
/// <para>
/// A condition on a field the event does not carry is false (see <see cref="CompiledCondition"/>).
/// Every error is a <see cref="RuleError"/> at its line and column: the caller passes where the text starts, and the text is
/// taken to be on one line. Errors are collected rather than stopping at the first, except after a syntax error.
/// </para>
/// </summary>
internal static class ConditionCompiler
{
    private static readonly MethodInfo FromIntegerMethod = typeof(ValueText).GetMethod(nameof(ValueText.FromInteger))!;
    private static readonly MethodInfo FromNumberMethod = typeof(ValueText).GetMethod(nameof(ValueText.FromNumber))!;

    /// <summary>Compiles a boolean condition; on failure returns null and adds at least one error.</summary>
    public static CompiledCondition? CompilePredicate(string text, ConditionScope scope, int line, int column, ICollection<RuleError> errors)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(errors);
        var binder = new Binder(scope, new SourcePosition(line, column));
        var operand = binder.BindText(text);
        if (!operand.IsError && operand.Kind != ValueKind.Boolean)
        {
            binder.Report(binder.At(LeadingWhitespace(text)), $"condition must be a boolean but is {operand.Kind.Describe()}");
        }

        if (binder.Errors.Count > 0)
        {
            AddDistinct(binder.Errors, errors);
            return null;
        }

        var body = operand.AsCondition();
        var lambda = Expression.Lambda<Func<CityEvent, bool>>(body, $"condition: {text}", [binder.Event]);
        return new CompiledCondition(lambda.Compile(), text, [.. binder.FieldsRead], StringReads.Of(body));
    }

    /// <summary>Compiles an expression of any type but a duration or a list; on failure returns null and adds at least one error.</summary>
    public static CompiledValue? CompileValue(string text, ConditionScope scope, int line, int column, ICollection<RuleError> errors)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(errors);
        var binder = new Binder(scope, new SourcePosition(line, column));
        var operand = binder.BindText(text);
        if (operand.Kind is ValueKind.Duration or ValueKind.List)
        {
            binder.Report(binder.At(LeadingWhitespace(text)), $"a value cannot be a {operand.Kind.Describe()}; compare it or use it in 'in' instead");
        }

        if (binder.Errors.Count > 0)
        {
            AddDistinct(binder.Errors, errors);
            return null;
        }

        var lambda = Expression.Lambda<Func<CityEvent, string>>(AsText(operand), $"value: {text}", [binder.Event]);
        return new CompiledValue(operand.Kind.ToFieldType(), lambda.Compile(), text, [.. binder.FieldsRead]);
    }

    private static Expression AsText(Operand operand)
    {
        Expression empty = Expression.Constant(string.Empty);
        Expression text = operand.Kind switch
        {
            ValueKind.Null => empty,
            ValueKind.String => operand.Value!,
            ValueKind.Boolean => Expression.Condition(operand.Value!, Expression.Constant("true"), Expression.Constant("false")),
            ValueKind.Number => Expression.Call(FromNumberMethod, operand.Value!),
            _ => Expression.Call(FromIntegerMethod, operand.Value!),
        };
        return operand.Present is null || operand.Kind == ValueKind.Null ? text : Expression.Condition(operand.Present, text, empty);
    }

    private static int LeadingWhitespace(string text)
    {
        var i = 0;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    private static void AddDistinct(IReadOnlyList<RuleError> found, ICollection<RuleError> errors)
    {
        var seen = new HashSet<RuleError>();
        foreach (var error in found)
        {
            if (seen.Add(error))
            {
                errors.Add(error);
            }
        }
    }
}
