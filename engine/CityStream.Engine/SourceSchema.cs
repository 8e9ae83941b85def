using System.Collections.Frozen;

namespace CityStream.Engine;

/// <summary>
/// A source's schema, read from its JSON Schema in <c>schemas/</c>: the fields rules compile against
/// and the decoder validates, the Kafka topic, the key field and the allowed lateness.
/// </summary>
public sealed class SourceSchema
{
    /// <summary>Most fields a source may have (one presence bit each).</summary>
    public const int MaxFields = 64;

    private readonly FrozenDictionary<string, FieldDefinition> _byName;

    internal SourceSchema(string name, string topic, string keyField, TimeSpan allowedLateness, string title, IReadOnlyList<FieldDefinition> fields)
    {
        if (fields.Count > MaxFields)
        {
            throw new ArgumentException($"source '{name}' has {fields.Count} fields; at most {MaxFields} are supported", nameof(fields));
        }

        Name = name;
        JsonName = System.Text.Json.JsonEncodedText.Encode(name);
        Topic = topic;
        AllowedLateness = allowedLateness;
        Title = title;
        Fields = fields;
        _byName = fields.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);
        ByNameUtf16 = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
        IdField = Field("id") ?? throw new ArgumentException($"source '{name}' has no 'id' field", nameof(fields));
        TimeField = Field("ts") ?? throw new ArgumentException($"source '{name}' has no 'ts' field", nameof(fields));
        KeyField = Field(keyField) ?? throw new ArgumentException($"source '{name}' key '{keyField}' is not a field", nameof(keyField));
        LatField = Field("lat");
        LonField = Field("lon");
        GridField = Field("grid");
        DistrictField = Field("district");
        foreach (var field in fields)
        {
            field.Owner = this;
            if (field.Required)
            {
                RequiredMask |= 1UL << field.Index;
            }
        }
    }

    /// <summary>Source name used in rule packs (e.g. <c>vehicle_gps</c>).</summary>
    public string Name { get; }

    /// <summary>The name as a JSON string, escaped once (alert evidence writes it for every event).</summary>
    internal System.Text.Json.JsonEncodedText JsonName { get; }

    /// <summary>Human title from the schema.</summary>
    public string Title { get; }

    /// <summary>Kafka topic the source is read from (e.g. <c>city.vehicle-gps</c>).</summary>
    public string Topic { get; }

    /// <summary>How late (behind the partition's watermark) an event may arrive before it is dead-lettered as <c>late</c>.</summary>
    public TimeSpan AllowedLateness { get; }

    /// <summary>The fields, in slot order.</summary>
    public IReadOnlyList<FieldDefinition> Fields { get; }

    /// <summary>The <c>id</c> field.</summary>
    public FieldDefinition IdField { get; }

    /// <summary>The event-time field (<c>ts</c>).</summary>
    public FieldDefinition TimeField { get; }

    /// <summary>The field records of this source are keyed by on Kafka.</summary>
    public FieldDefinition KeyField { get; }

    /// <summary>Bit i set when field i is required.</summary>
    public ulong RequiredMask { get; }

    internal FrozenDictionary<string, FieldDefinition>.AlternateLookup<ReadOnlySpan<char>> ByNameUtf16 { get; }

    /// <summary>The fields an alert takes its location, grid and district from, when the source has them (looked up once, not per alert).</summary>
    internal FieldDefinition? LatField { get; }

    internal FieldDefinition? LonField { get; }

    internal FieldDefinition? GridField { get; }

    internal FieldDefinition? DistrictField { get; }

    /// <summary>
    /// The field last seen at each property position of a JSON event: a producer writes its fields in one order, so the decoder
    /// compares the property's UTF-8 bytes with this guess before it looks the name up. Shared by threads: a stale guess only
    /// costs the lookup.
    /// </summary>
    internal FieldDefinition?[] JsonOrderHints { get; } = new FieldDefinition?[64];

    /// <summary>The field of that name, or null.</summary>
    public FieldDefinition? Field(string name) => _byName.GetValueOrDefault(name);

    /// <inheritdoc />
    public override string ToString() => Name;
}
