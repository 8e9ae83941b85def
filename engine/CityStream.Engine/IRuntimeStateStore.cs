namespace CityStream.Engine;

/// <summary>
/// Where the rule runtime checkpoints its working state: the keys a batch changed are written before the
/// batch's input offsets are committed, and all of it is read back after a restart. The Kafka host backs it
/// with a Streamiz key-value store and its changelog topic; tests and the in-process host use
/// <see cref="MemoryStateStore"/>.
/// </summary>
public interface IRuntimeStateStore
{
    /// <summary>Writes one entry; a null value deletes it.</summary>
    void Put(string key, byte[]? value);

    /// <summary>Every entry, for a restore.</summary>
    IEnumerable<KeyValuePair<string, byte[]>> ReadAll();
}

/// <summary>An in-memory <see cref="IRuntimeStateStore"/>.</summary>
public sealed class MemoryStateStore : IRuntimeStateStore
{
    private readonly Dictionary<string, byte[]> _entries = new(StringComparer.Ordinal);

    /// <summary>Entries held.</summary>
    public int Count => _entries.Count;

    /// <summary>Bytes held in values.</summary>
    public long Bytes => _entries.Sum(e => (long)e.Value.Length + e.Key.Length);

    /// <inheritdoc />
    public void Put(string key, byte[]? value)
    {
        if (value is null)
        {
            _entries.Remove(key);
        }
        else
        {
            _entries[key] = value;
        }
    }

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<string, byte[]>> ReadAll() => _entries.ToList();
}
