namespace CityStream.Engine.Internal.Conditions;

/// <summary>The static type of a (sub)expression.</summary>
internal enum ValueKind
{
    /// <summary>A subexpression that already reported an error; operations on it report nothing more.</summary>
    Error,
    Boolean,
    String,
    Number,
    Integer,
    Timestamp,
    Duration,
    Null,
    List,
}

internal static class ValueKinds
{
    public static bool IsNumeric(this ValueKind kind) => kind is ValueKind.Number or ValueKind.Integer;

    public static string Describe(this ValueKind kind) => kind switch
    {
        ValueKind.Boolean => "boolean",
        ValueKind.String => "string",
        ValueKind.Number => "number",
        ValueKind.Integer => "integer",
        ValueKind.Timestamp => "timestamp",
        ValueKind.Duration => "duration",
        ValueKind.Null => "null",
        ValueKind.List => "list",
        _ => "erroneous value",
    };

    /// <summary>The CLR type of the expression that computes a value of this kind: numbers, times (epoch ms) and durations (ms) are doubles.</summary>
    public static Type ClrType(this ValueKind kind) => kind switch
    {
        ValueKind.Boolean => typeof(bool),
        ValueKind.String => typeof(string),
        _ => typeof(double),
    };

    public static ValueKind FromField(FieldType type) => type switch
    {
        FieldType.String => ValueKind.String,
        FieldType.Number => ValueKind.Number,
        FieldType.Integer => ValueKind.Integer,
        FieldType.Boolean => ValueKind.Boolean,
        _ => ValueKind.Timestamp,
    };

    public static FieldType? ToFieldType(this ValueKind kind) => kind switch
    {
        ValueKind.String => FieldType.String,
        ValueKind.Number => FieldType.Number,
        ValueKind.Integer => FieldType.Integer,
        ValueKind.Boolean => FieldType.Boolean,
        ValueKind.Timestamp => FieldType.Timestamp,
        _ => null,
    };
}
