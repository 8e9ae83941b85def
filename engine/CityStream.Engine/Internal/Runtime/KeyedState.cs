namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// Per-key working state of one rule, bounded: entries not touched (in event time) for the rule's TTL are
/// dropped, and past the key limit the least recently touched go first. Both evictions are counted.
/// </summary>
internal sealed class KeyedState<T>(string ruleId, int maxKeys, long ttlMs)
    where T : class
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private long _nextTtlSweep = long.MinValue;

    public int Count => _entries.Count;

    public IEnumerable<KeyValuePair<string, T>> Items => _entries.Select(e => new KeyValuePair<string, T>(e.Key, e.Value.Value));

    public T? Get(string key) => _entries.TryGetValue(key, out var entry) ? entry.Value : null;

    /// <summary>Keys changed since the last <see cref="TakeDirty"/>: what the next checkpoint writes.</summary>
    public IEnumerable<string> TakeDirty()
    {
        var dirty = _dirty.ToList();
        _dirty.Clear();
        return dirty;
    }

    public void MarkDirty(string key) => _dirty.Add(key);

    /// <summary>Puts a restored entry back without marking it changed.</summary>
    public void Restore(string key, T value, long lastSeen) => _entries[key] = new Entry(value) { LastSeen = lastSeen };

    public long LastSeen(string key) => _entries.TryGetValue(key, out var entry) ? entry.LastSeen : long.MinValue;

    public T GetOrAdd(string key, long eventTime, Func<T> create)
    {
        _dirty.Add(key);
        if (!_entries.TryGetValue(key, out var entry))
        {
            entry = new Entry(create());
            _entries[key] = entry;
            if (_entries.Count > maxKeys)
            {
                EvictOldest();
            }
        }

        if (eventTime > entry.LastSeen)
        {
            entry.LastSeen = eventTime;
        }

        return entry.Value;
    }

    public void Remove(string key)
    {
        _entries.Remove(key);
        _dirty.Add(key);
    }

    /// <summary>Drops keys idle for longer than the TTL; sweeps at most once per tenth of the TTL of event time.</summary>
    public void Expire(long streamTime)
    {
        if (streamTime < _nextTtlSweep)
        {
            return;
        }

        _nextTtlSweep = streamTime + Math.Max(1_000, ttlMs / 10);
        List<string>? idle = null;
        foreach (var (key, entry) in _entries)
        {
            if (entry.LastSeen < streamTime - ttlMs)
            {
                (idle ??= []).Add(key);
            }
        }

        foreach (var key in idle ?? [])
        {
            Remove(key);
            EngineMetrics.StateEvictions.WithLabels(ruleId, "ttl").Inc();
        }
    }

    private void EvictOldest()
    {
        var excess = Math.Max(1, maxKeys / 10);
        var oldest = _entries.OrderBy(e => e.Value.LastSeen).Take(excess).Select(e => e.Key).ToList();
        foreach (var key in oldest)
        {
            Remove(key);
        }

        EngineMetrics.StateEvictions.WithLabels(ruleId, "key_limit").Inc(oldest.Count);
    }

    private sealed class Entry(T value)
    {
        public T Value { get; } = value;

        public long LastSeen { get; set; } = long.MinValue;
    }
}
