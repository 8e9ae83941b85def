using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The values of the fields a rule read, as a read-only dictionary over the event itself: values are read
/// when the alert is serialised or inspected, not copied (and boxed) for every alert.
/// </summary>
internal sealed class EvidenceFieldValues(CityEvent evt, IReadOnlyList<FieldDefinition> fields) : IReadOnlyDictionary<string, object?>
{
    public int Count
    {
        get
        {
            var count = 0;
            foreach (var candidate in fields)
            {
                if (Applies(candidate))
                {
                    count++;
                }
            }

            return count;
        }
    }

    public IEnumerable<string> Keys => this.Select(kv => kv.Key);

    public IEnumerable<object?> Values => this.Select(kv => kv.Value);

    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        foreach (var field in fields)
        {
            if (field.Name == key && Applies(field))
            {
                value = evt.GetValue(field);
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        foreach (var field in fields)
        {
            if (Applies(field))
            {
                yield return new KeyValuePair<string, object?>(field.Name, evt.GetValue(field));
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private bool Applies(FieldDefinition field) => ReferenceEquals(field.Owner, evt.Schema);
}
