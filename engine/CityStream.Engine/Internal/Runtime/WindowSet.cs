namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The open windows of one key: almost always one (tumbling) or a few (hopping), so the first sits inline and a
/// dictionary is made only for the rest — a dictionary per key was the largest part of a tracked key's state.
/// </summary>
internal sealed class WindowSet
{
    private long _firstStart;
    private WindowAggregates? _first;
    private Dictionary<long, WindowAggregates>? _more;

    /// <summary>The key's string as the state holds it: events kept as evidence share it instead of holding a copy each.</summary>
    public string? Key { get; set; }

    public int Count => (_first is null ? 0 : 1) + (_more?.Count ?? 0);

    public IEnumerable<KeyValuePair<long, WindowAggregates>> Items =>
        _first is null ? _more ?? [] : [new(_firstStart, _first), .. _more ?? []];

    public bool TryGetValue(long start, out WindowAggregates window)
    {
        if (_first is not null && _firstStart == start)
        {
            window = _first;
            return true;
        }

        if (_more is not null && _more.TryGetValue(start, out var found))
        {
            window = found;
            return true;
        }

        window = null!;
        return false;
    }

    public void Add(long start, WindowAggregates window)
    {
        if (_first is null)
        {
            _firstStart = start;
            _first = window;
        }
        else
        {
            (_more ??= [])[start] = window;
        }
    }

    public bool Remove(long start, out WindowAggregates window)
    {
        if (_first is not null && _firstStart == start)
        {
            window = _first;
            _first = null;
            return true;
        }

        if (_more is not null && _more.Remove(start, out var removed))
        {
            window = removed;
            return true;
        }

        window = null!;
        return false;
    }
}
