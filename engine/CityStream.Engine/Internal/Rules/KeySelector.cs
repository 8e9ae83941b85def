using System.Buffers;
using System.Text.Unicode;
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

    /// <summary>
    /// The key as <see cref="Select(CityEvent)"/> gives it, as characters: written to <paramref name="buffer"/> when the key is one
    /// string field still held as valid UTF-8 bytes of the record that fit (no string made; <paramref name="made"/> is null), else the
    /// key's string (<paramref name="made"/>). A state that already tracks the key finds it by these characters, so only a new key makes
    /// its string: making one per event was 27 of the 135 B allocated per event by the in-process Arrow peers' rule, and ~20 of the
    /// JSON host's ~175 (benchmarks/RESULTS.md round 12).
    /// </summary>
    public ReadOnlySpan<char> Select(CityEvent evt, Span<char> buffer, out string? made)
    {
        // UTF-16 needs no more chars than UTF-8 has bytes, so bytes that fit the buffer fit as chars.
        if (_fields.Length == 1 && _fields[0] is { Type: FieldType.String } field
            && evt.TryGetUnreadStringBytes(field.Index, out var utf8) && utf8.Length <= buffer.Length
            && Utf8.ToUtf16(utf8, buffer, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done)
        {
            made = null;
            return buffer[..written];
        }

        made = Select(evt);
        return made;
    }

    private string Part(CityEvent evt, int i) => _fields[i] is { } field
        ? (field.Type == FieldType.String ? evt.GetString(field.Index) ?? string.Empty : evt.Format(field))
        : _expressions[i]!.EvaluateAsString(evt);
}
