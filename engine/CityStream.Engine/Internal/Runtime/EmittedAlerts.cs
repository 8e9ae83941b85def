namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The alert ids a rule has emitted and until when (event time) they stay: a match of the same
/// dedup key and episode within that time is suppressed rather than emitted again. Bounded: entries
/// expire by event time, and past the key limit the oldest go first; both evictions are counted.
/// </summary>
internal sealed class EmittedAlerts(string ruleId, int maxKeys)
{
    private readonly Dictionary<string, long> _expiry = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, long> _byExpiry = new();
    private readonly Dictionary<string, long?> _changed = new(StringComparer.Ordinal);
    private bool _tracking;

    // Looked up once: prometheus-net's WithLabels builds a label sequence and takes a lock per call, and ids expire every tick.
    private Prometheus.Counter.Child? _ttlEvictions;
    private Prometheus.Counter.Child? _limitEvictions;

    public int Count => _expiry.Count;

    /// <summary>Records an alert id; false when it was already emitted (a suppressed duplicate).</summary>
    public bool TryAdd(string alertId, long expiresAtEventTime)
    {
        if (_expiry.ContainsKey(alertId))
        {
            return false;
        }

        _expiry[alertId] = expiresAtEventTime;
        _byExpiry.Enqueue(alertId, expiresAtEventTime);
        Changed(alertId, expiresAtEventTime);
        while (_expiry.Count > maxKeys && _byExpiry.TryDequeue(out var oldest, out _))
        {
            if (_expiry.Remove(oldest))
            {
                Changed(oldest, null);
                (_limitEvictions ??= EngineMetrics.StateEvictions.WithLabels(ruleId, "key_limit")).Inc();
            }
        }

        return true;
    }

    /// <summary>Ids added (with their expiry) or dropped (null) since the last call: what the next checkpoint writes.</summary>
    public List<KeyValuePair<string, long?>> TakeChanged()
    {
        if (!_tracking)
        {
            // Changes are tracked only once someone checkpoints; the first checkpoint writes every id.
            _tracking = true;
            return [.. _expiry.Select(e => new KeyValuePair<string, long?>(e.Key, e.Value))];
        }

        var changed = _changed.ToList();
        _changed.Clear();
        return changed;
    }

    /// <summary>Puts a checkpointed id back.</summary>
    public void Restore(string alertId, long expiresAtEventTime)
    {
        _tracking = true;
        if (_expiry.TryAdd(alertId, expiresAtEventTime))
        {
            _byExpiry.Enqueue(alertId, expiresAtEventTime);
        }
    }

    private void Changed(string alertId, long? expiry)
    {
        if (_tracking)
        {
            _changed[alertId] = expiry;
        }
    }

    /// <summary>Drops entries whose time has passed the watermark.</summary>
    public void Expire(long watermark)
    {
        while (_byExpiry.TryPeek(out var id, out var expiry) && expiry < watermark)
        {
            _byExpiry.Dequeue();
            if (_expiry.Remove(id))
            {
                Changed(id, null);
                (_ttlEvictions ??= EngineMetrics.StateEvictions.WithLabels(ruleId, "ttl")).Inc();
            }
        }
    }
}
