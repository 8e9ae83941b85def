namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// Per-key working state of one rule, bounded: entries not touched (in event time) for the rule's TTL are
/// dropped, and past the key limit the least recently touched go first. Both evictions are counted.
/// </summary>
internal sealed class KeyedState<T>(string ruleId, int maxKeys, long ttlMs)
    where T : class
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _nextTtlSweep = long.MinValue;

    public int Count => _entries.Count;

    public IEnumerable<KeyValuePair<string, T>> Items => _entries.Select(e => new KeyValuePair<string, T>(e.Key, e.Value.Value));

    public T? Get(string key) => _entries.TryGetValue(key, out var entry) ? entry.Value : null;

    public T GetOrAdd(string key, long eventTime, Func<T> create)
    {
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

    public void Remove(string key) => _entries.Remove(key);

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
            _entries.Remove(key);
            EngineMetrics.StateEvictions.WithLabels(ruleId, "ttl").Inc();
        }
    }

    private void EvictOldest()
    {
        var excess = Math.Max(1, maxKeys / 10);
        var oldest = _entries.OrderBy(e => e.Value.LastSeen).Take(excess).Select(e => e.Key).ToList();
        foreach (var key in oldest)
        {
            _entries.Remove(key);
        }

        EngineMetrics.StateEvictions.WithLabels(ruleId, "key_limit").Inc(oldest.Count);
    }

    private sealed class Entry(T value)
    {
        public T Value { get; } = value;

        public long LastSeen { get; set; } = long.MinValue;
    }
}
