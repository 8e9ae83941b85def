namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// Per-key working state of one rule, bounded: entries not touched (in event time) for the rule's TTL are
/// dropped, and past the key limit the least recently touched go first. Both evictions are counted.
/// </summary>
internal sealed class KeyedState<T>(string ruleId, int maxKeys, long ttlMs)
    where T : class
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _dirty = [];
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    private bool _tracking;
    private long _nextTtlSweep = long.MinValue;

    public int Count => _entries.Count;

    public T? Get(string key) => _entries.TryGetValue(key, out var entry) ? entry.Value : null;

    /// <summary>Keys changed since the last <see cref="TakeDirty"/>: what the next checkpoint writes.</summary>
    public IEnumerable<string> TakeDirty()
    {
        if (!_tracking)
        {
            // Changes are tracked only once someone checkpoints; the first checkpoint writes everything.
            _tracking = true;
            _dirty.Clear();
            _removed.Clear();
            foreach (var entry in _entries.Values)
            {
                entry.Dirty = false;
            }

            return [.. _entries.Keys];
        }

        var dirty = new List<string>(_dirty.Count + _removed.Count);
        foreach (var key in _dirty)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.Dirty)
            {
                entry.Dirty = false;
                dirty.Add(key);
            }
        }

        foreach (var key in _removed)
        {
            if (!_entries.ContainsKey(key))
            {
                dirty.Add(key);
            }
        }

        _dirty.Clear();
        _removed.Clear();
        return dirty;
    }

    public void MarkDirty(string key)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            MarkDirty(key, entry);
        }
    }

    /// <summary>Puts a restored entry back without marking it changed.</summary>
    public void Restore(string key, T value, long lastSeen)
    {
        _tracking = true;
        _entries[key] = new Entry(value) { LastSeen = lastSeen };
    }

    public long LastSeen(string key) => _entries.TryGetValue(key, out var entry) ? entry.LastSeen : long.MinValue;

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

        MarkDirty(key, entry);
        return entry.Value;
    }

    private void MarkDirty(string key, Entry entry)
    {
        if (_tracking && !entry.Dirty)
        {
            entry.Dirty = true;
            _dirty.Add(key);
        }
    }

    public void Remove(string key)
    {
        if (_entries.Remove(key) && _tracking)
        {
            _removed.Add(key);
        }
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

        public bool Dirty { get; set; }
    }
}
