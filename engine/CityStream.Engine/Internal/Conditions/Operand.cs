using System.Globalization;
using System.Linq.Expressions;

namespace CityStream.Engine.Internal.Conditions;

/// <summary>Where a piece of text is in the pack file (1-based).</summary>
internal readonly record struct SourcePosition(int Line, int Column);

/// <summary>
/// A bound, type-checked subexpression: the expression computing its value and the expression telling
/// whether that value exists (null when it always does; a field the event lacks makes it false).
/// </summary>
internal sealed record Operand(ValueKind Kind, SourcePosition Position)
{
    /// <summary>Computes the value (of <see cref="ValueKinds.ClrType"/>); meaningful only when <see cref="Present"/> holds.</summary>
    public Expression? Value { get; init; }

    /// <summary>Whether the value exists; null when it always does.</summary>
    public Expression? Present { get; init; }

    /// <summary>The field, when the operand is a bare field reference (for enum checks and messages).</summary>
    public FieldDefinition? Field { get; init; }

    /// <summary>Whether the operand is a literal known at compile time.</summary>
    public bool IsConstant { get; init; }

    /// <summary>The literal's value (string, long, double, bool), when <see cref="IsConstant"/>.</summary>
    public object? ConstantValue { get; init; }

    /// <summary>The items of a list (lists are only allowed on the right of <c>in</c>).</summary>
    public IReadOnlyList<Operand>? Items { get; init; }

    /// <summary>The list's name, for a named list.</summary>
    public string? ListName { get; init; }

    public bool IsError => Kind == ValueKind.Error;

    public static Operand Error(SourcePosition position) => new(ValueKind.Error, position);

    public static Operand Constant(object? value, SourcePosition position) => value switch
    {
        null => new Operand(ValueKind.Null, position) { IsConstant = true },
        string s => new Operand(ValueKind.String, position) { Value = Expression.Constant(s), IsConstant = true, ConstantValue = s },
        bool b => new Operand(ValueKind.Boolean, position) { Value = Expression.Constant(b), IsConstant = true, ConstantValue = b },
        long l => new Operand(ValueKind.Integer, position) { Value = Expression.Constant((double)l), IsConstant = true, ConstantValue = l },
        int i => Constant((long)i, position),
        double d => new Operand(ValueKind.Number, position) { Value = Expression.Constant(d), IsConstant = true, ConstantValue = d },
        _ => throw new ArgumentException($"unsupported literal type {value.GetType().Name}", nameof(value)),
    };

    /// <summary>How the operand is named in messages, e.g. <c>string field 'alert_type'</c> or <c>integer 5</c>.</summary>
    public string Describe() => this switch
    {
        { Field: { } f } => $"{Kind.Describe()} field '{f.Name}'",
        { IsConstant: true, ConstantValue: string s } => $"string '{s}'",
        { IsConstant: true, ConstantValue: IFormattable v } => $"{Kind.Describe()} {v.ToString(null, CultureInfo.InvariantCulture)}",
        { IsConstant: true, ConstantValue: bool b } => b ? "true" : "false",
        { ListName: { } name } => $"list '{name}'",
        _ => Kind.Describe(),
    };

    /// <summary>The operand as a condition: false when its value is absent.</summary>
    public Expression AsCondition() => Present is null ? Value! : Expression.AndAlso(Present, Value!);

    /// <summary>Both presence tests (null when both values always exist).</summary>
    public static Expression? BothPresent(Expression? first, Expression? second) =>
        first is null ? second : second is null ? first : Expression.AndAlso(first, second);

    /// <summary>A test guarded by presence: false when any of the values it reads is absent.</summary>
    public static Expression Guarded(Expression? present, Expression test) => present is null ? test : Expression.AndAlso(present, test);
}
