using System.Globalization;

namespace CityStream.Engine.Internal.Codec;

/// <summary>The checks of a source's JSON Schema that both decoders apply to each value (range, length, enum).</summary>
internal static class FieldValidator
{
    /// <summary>Null when the value meets the field's range (and is whole for an integer field), else what is wrong with it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static string? CheckNumber(FieldDefinition field, double value) =>
        double.IsFinite(value) && value >= field.LowestAllowed && value <= field.HighestAllowed && (field.Type is not (FieldType.Integer or FieldType.Timestamp) || value == Math.Floor(value))
            ? null
            : DescribeNumberError(field, value);

    private static string? DescribeNumberError(FieldDefinition field, double value)
    {
        // JSON's 1e400 reads as infinity and an Arrow column may hold NaN: neither compares, sums or writes into an alert's JSON.
        if (!double.IsFinite(value))
        {
            return string.Create(CultureInfo.InvariantCulture, $"field '{field.Name}': {value} is not a finite number");
        }

        if (field.Minimum is { } min && value < min)
        {
            return string.Create(CultureInfo.InvariantCulture, $"field '{field.Name}': {value} is below the minimum {min}");
        }

        if (field.Maximum is { } max && value > max)
        {
            return string.Create(CultureInfo.InvariantCulture, $"field '{field.Name}': {value} is above the maximum {max}");
        }

        if (field.Type is FieldType.Integer or FieldType.Timestamp && value != Math.Floor(value))
        {
            return string.Create(CultureInfo.InvariantCulture, $"field '{field.Name}': {value} is not an integer");
        }

        return null;
    }

    public static string? CheckStringLength(FieldDefinition field, int length)
    {
        if (field.MinLength is { } min && length < min)
        {
            return $"field '{field.Name}': length {length} is below the minimum {min}";
        }

        if (field.MaxLength is { } max && length > max)
        {
            return $"field '{field.Name}': length {length} is above the maximum {max}";
        }

        return null;
    }

    /// <summary>
    /// <see cref="CheckStringLength"/> of a UTF-8 value, counting its characters only when its byte length does not settle it: a value
    /// of n bytes decodes to at most n and at least ⌈n/3⌉ UTF-16 characters (a replacement character stands for at most 3 bad bytes).
    /// </summary>
    public static string? CheckUtf8Length(FieldDefinition field, ReadOnlySpan<byte> utf8)
    {
        if ((field.MaxLength is not { } max || utf8.Length <= max) && (field.MinLength is not { } min || (utf8.Length + 2) / 3 >= min))
        {
            return null;
        }

        return CheckStringLength(field, System.Text.Encoding.UTF8.GetCharCount(utf8));
    }

    /// <summary>The canonical (interned) enum string equal to the UTF-8 value, or null when the value is not allowed.</summary>
    public static string? MatchEnum(FieldDefinition field, ReadOnlySpan<byte> utf8)
    {
        var values = field.EnumUtf8!;
        for (var i = 0; i < values.Length; i++)
        {
            if (utf8.SequenceEqual(values[i]))
            {
                return field.Enum![i];
            }
        }

        return null;
    }

    public static string EnumError(FieldDefinition field, string value) =>
        $"field '{field.Name}': '{value}' is not one of {string.Join(", ", field.Enum!)}";

    public static string? CheckRequired(SourceSchema schema, ulong present)
    {
        var missing = schema.RequiredMask & ~present;
        if (missing == 0)
        {
            return null;
        }

        var names = new List<string>();
        foreach (var field in schema.Fields)
        {
            if ((missing & (1UL << field.Index)) != 0)
            {
                names.Add(field.Name);
            }
        }

        return $"missing required field(s): {string.Join(", ", names)}";
    }
}
