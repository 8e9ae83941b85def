using CityStream.Engine.Internal.Conditions;

namespace CityStream.Engine.Internal.Rules;

/// <summary>A rule's key (or dedup key): one field, an expression, or several joined by '|'.</summary>
internal sealed class KeySelector
{
    private readonly FieldDefinition?[] _fields;
    private readonly CompiledValue?[] _expressions;

    public KeySelector(IReadOnlyList<(FieldDefinition? Field, CompiledValue? Expression, string Text)> parts)
    {
        _fields = [.. parts.Select(p => p.Field)];
        _expressions = [.. parts.Select(p => p.Expression)];
        Text = string.Join(", ", parts.Select(p => p.Text));
        Fields = [.. parts.SelectMany(p => p.Field is { } f ? [f] : p.Expression?.FieldsRead ?? []).Distinct()];
    }

    public string Text { get; }

    public IReadOnlyList<FieldDefinition> Fields { get; }

    public string Select(CityEvent evt)
    {
        if (_fields.Length == 1)
        {
            return Part(evt, 0);
        }

        var parts = new string[_fields.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = Part(evt, i);
        }

        return string.Join('|', parts);
    }

    private string Part(CityEvent evt, int i) => _fields[i] is { } field
        ? (field.Type == FieldType.String ? evt.GetString(field.Index) ?? string.Empty : evt.Format(field))
        : _expressions[i]!.EvaluateAsString(evt);
}
