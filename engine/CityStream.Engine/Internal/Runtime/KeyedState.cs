using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// Per-key working state of one rule, bounded: entries not touched (in event time) for the rule's TTL are
/// dropped, and past the key limit the least recently touched go first. Both evictions are counted.
/// </summary>
internal sealed class KeyedState<T>
    where T : class
{
    private readonly string _ruleId;
    private readonly int _maxKeys;
    private readonly long _ttlMs;
    private readonly Dictionary<string, Entry> _entries;

    // Finds a tracked key by its characters: an event's key need not be made a string to be looked up.
    private readonly Dictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _byChars;
    private readonly List<string> _dirty = [];

    // What TakeDirty gives, reused: a catching-up host checkpoints tens of thousands of keys per commit, and a list made per commit
    // was a large-object allocation each time.
    private readonly List<string> _taken = [];
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    private bool _tracking;
    private long _nextTtlSweep = long.MinValue;

    // Looked up once: prometheus-net's WithLabels builds a label sequence and takes a lock per call.
    private Prometheus.Counter.Child? _ttlEvictions;

    public KeyedState(string ruleId, int maxKeys, long ttlMs)
    {
        _entries = new(StringComparer.Ordinal);
        _byChars = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
        _ruleId = ruleId;
        _maxKeys = maxKeys;
        _ttlMs = ttlMs;
    }

    public int Count => _entries.Count;

    public T? Get(string key) => _entries.TryGetValue(key, out var entry) ? entry.Value : null;

    /// <summary>Puts another value in place of a key's (the entry stays as it was otherwise).</summary>
    public void Replace(string key, T value)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, key);
        if (!Unsafe.IsNullRef(ref entry))
        {
            entry.Value = value;
        }
    }

    /// <summary>Keys changed since the last <see cref="TakeDirty"/>: what the next checkpoint writes. The list is valid until the next call or <see cref="ForgetTaken"/>.</summary>
    public IReadOnlyList<string> TakeDirty()
    {
        _taken.Clear();
        if (!_tracking)
        {
            // Changes are tracked only once someone checkpoints; the first checkpoint writes everything.
            _tracking = true;
            _dirty.Clear();
            _removed.Clear();
            foreach (var key in _entries.Keys)
            {
                CollectionsMarshal.GetValueRefOrNullRef(_entries, key).Dirty = false;
                _taken.Add(key);
            }

            return _taken;
        }

        foreach (var key in _dirty)
        {
            ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, key);
            if (!Unsafe.IsNullRef(ref entry) && entry.Dirty)
            {
                entry.Dirty = false;
                _taken.Add(key);
            }
        }

        foreach (var key in _removed)
        {
            if (!_entries.ContainsKey(key))
            {
                _taken.Add(key);
            }
        }

        _dirty.Clear();
        _removed.Clear();
        return _taken;
    }

    /// <summary>Lets go of the keys the last <see cref="TakeDirty"/> gave (keeping the list's room for the next).</summary>
    public void ForgetTaken() => _taken.Clear();

    public void MarkDirty(string key)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, key);
        if (!Unsafe.IsNullRef(ref entry))
        {
            MarkDirty(key, ref entry);
        }
    }

    /// <summary>Puts a restored entry back without marking it changed.</summary>
    public void Restore(string key, T value, long lastSeen)
    {
        _tracking = true;
        _entries[key] = new Entry { Value = value, LastSeen = lastSeen };
    }

    public long LastSeen(string key) => _entries.TryGetValue(key, out var entry) ? entry.LastSeen : long.MinValue;

    /// <summary>The key's value, marked touched at <paramref name="eventTime"/> and changed; null when the key has none.</summary>
    public T? GetAndTouch(string key, long eventTime)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, key);
        if (Unsafe.IsNullRef(ref entry))
        {
            return null;
        }

        if (eventTime > entry.LastSeen)
        {
            entry.LastSeen = eventTime;
        }

        MarkDirty(key, ref entry);
        return entry.Value;
    }

    /// <summary>
    /// As <see cref="GetAndTouch(string, long)"/>, the key given by its characters; <paramref name="keyOf"/> gives a value's key string (kept
    /// in the value, so the entry need not hold it too), which the changed keys list.
    /// </summary>
    public T? GetAndTouch(ReadOnlySpan<char> key, long eventTime, Func<T, string> keyOf)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_byChars, key);
        if (Unsafe.IsNullRef(ref entry))
        {
            return null;
        }

        if (eventTime > entry.LastSeen)
        {
            entry.LastSeen = eventTime;
        }

        if (_tracking && !entry.Dirty)
        {
            // The key string only when the changed keys need it.
            MarkDirty(keyOf(entry.Value), ref entry);
        }

        return entry.Value;
    }

    /// <summary>Adds a key that has no value yet (see <see cref="GetAndTouch(string, long)"/>).</summary>
    public void Add(string key, long eventTime, T value)
    {
        var entry = new Entry { Value = value, LastSeen = eventTime };
        MarkDirty(key, ref entry);
        _entries.Add(key, entry);
        if (_entries.Count > _maxKeys)
        {
            EvictOldest();
        }
    }

    public T GetOrAdd(string key, long eventTime, Func<T> create) => GetOrAdd(key, eventTime, static create => create(), create);

    /// <summary>As <see cref="GetOrAdd(string, long, Func{T})"/>, <paramref name="create"/> given <paramref name="argument"/>: a static lambda, no closure per call.</summary>
    public T GetOrAdd<TArgument>(string key, long eventTime, Func<TArgument, T> create, TArgument argument)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, key, out var exists);
        if (!exists)
        {
            entry.Value = create(argument);
            entry.LastSeen = long.MinValue;
        }

        if (eventTime > entry.LastSeen)
        {
            entry.LastSeen = eventTime;
        }

        MarkDirty(key, ref entry);
        var value = entry.Value;
        if (!exists && _entries.Count > _maxKeys)
        {
            // After the entry is done with: evicting moves entries, and the new key, just touched, is not among the oldest.
            EvictOldest();
        }

        return value;
    }

    private void MarkDirty(string key, ref Entry entry)
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

        _nextTtlSweep = streamTime + Math.Max(1_000, _ttlMs / 10);
        List<string>? idle = null;
        foreach (var (key, entry) in _entries)
        {
            if (entry.LastSeen < streamTime - _ttlMs)
            {
                (idle ??= []).Add(key);
            }
        }

        foreach (var key in idle ?? [])
        {
            Remove(key);
            (_ttlEvictions ??= EngineMetrics.StateEvictions.WithLabels(_ruleId, "ttl")).Inc();
        }
    }

    private void EvictOldest()
    {
        var excess = Math.Max(1, _maxKeys / 10);
        var oldest = _entries.OrderBy(e => e.Value.LastSeen).Take(excess).Select(e => e.Key).ToList();
        foreach (var key in oldest)
        {
            Remove(key);
        }

        EngineMetrics.StateEvictions.WithLabels(_ruleId, "key_limit").Inc(oldest.Count);
    }

    // A struct in the dictionary's own entries: an object per key was 40 bytes of every tracked key's state.
    private struct Entry
    {
        // The range a time keeps once shifted: [-2^62, 2^62 - 1].
        private const long Never = long.MinValue >> 1;
        private const long Latest = long.MaxValue >> 1;

        public T Value;

        // The event time of the last touch shifted left a bit, the low bit saying whether the key changed since the last
        // checkpoint: a flag of its own padded every key's entry by 8 bytes.
        private long _seenAndDirty;

        public long LastSeen
        {
            readonly get => _seenAndDirty >> 1;
            set => _seenAndDirty = (Math.Clamp(value, Never, Latest) << 1) | (_seenAndDirty & 1);
        }

        public bool Dirty
        {
            readonly get => (_seenAndDirty & 1) != 0;
            set => _seenAndDirty = (_seenAndDirty & ~1L) | (value ? 1L : 0L);
        }
    }
}
