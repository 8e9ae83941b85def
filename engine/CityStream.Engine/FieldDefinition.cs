namespace CityStream.Engine;

/// <summary>One field of a <see cref="SourceSchema"/>, with the constraints the decoder checks.</summary>
public sealed class FieldDefinition
{
    private IReadOnlyList<string>? _enum;

    internal FieldDefinition(string name, int index, FieldType type, string description)
    {
        Name = name;
        Utf8Name = System.Text.Encoding.UTF8.GetBytes(name);
        JsonName = System.Text.Json.JsonEncodedText.Encode(name);
        Index = index;
        Type = type;
        Description = description;
    }

    /// <summary>The field's name in JSON and Arrow.</summary>
    public string Name { get; }

    /// <summary>Position of the field in its schema (0-based); the slot of its value in a <see cref="CityEvent"/>.</summary>
    public int Index { get; }

    /// <summary>The field's type.</summary>
    public FieldType Type { get; }

    /// <summary>What the field means, from the schema's <c>description</c>.</summary>
    public string Description { get; }

    /// <summary>The name as UTF-8, to compare with a JSON property name without decoding it.</summary>
    internal byte[] Utf8Name { get; }

    /// <summary>The name as a JSON property name, escaped once (alert evidence writes it for every event).</summary>
    internal System.Text.Json.JsonEncodedText JsonName { get; }

    /// <summary>The schema the field belongs to.</summary>
    internal SourceSchema? Owner { get; set; }

    /// <summary>Whether an event must carry the field.</summary>
    public bool Required { get; internal set; }

    /// <summary>The allowed values of a string field, or null if any is allowed.</summary>
    public IReadOnlyList<string>? Enum
    {
        get => _enum;
        internal set
        {
            _enum = value;
            EnumUtf8 = value is null ? null : [.. value.Select(System.Text.Encoding.UTF8.GetBytes)];
        }
    }

    /// <summary>The enum values as UTF-8, so decoders match and intern them without allocating.</summary>
    internal byte[][]? EnumUtf8 { get; private set; }

    /// <summary>Smallest allowed value of a numeric field, if any.</summary>
    public double? Minimum
    {
        get => double.IsNegativeInfinity(LowestAllowed) ? null : LowestAllowed;
        internal set => LowestAllowed = value ?? double.NegativeInfinity;
    }

    /// <summary>Largest allowed value of a numeric field, if any.</summary>
    public double? Maximum
    {
        get => double.IsPositiveInfinity(HighestAllowed) ? null : HighestAllowed;
        internal set => HighestAllowed = value ?? double.PositiveInfinity;
    }

    /// <summary><see cref="Minimum"/>, or negative infinity: the decoders' range check is then one comparison each way.</summary>
    internal double LowestAllowed { get; private set; } = double.NegativeInfinity;

    /// <summary><see cref="Maximum"/>, or positive infinity.</summary>
    internal double HighestAllowed { get; private set; } = double.PositiveInfinity;

    /// <summary>Smallest allowed length of a string field, if any.</summary>
    public int? MinLength { get; internal set; }

    /// <summary>Largest allowed length of a string field, if any.</summary>
    public int? MaxLength { get; internal set; }

    /// <summary>Whether values of this type are stored as numbers (everything but strings).</summary>
    public bool IsNumeric => Type != FieldType.String;

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Type.ToString().ToLowerInvariant()}";
}
