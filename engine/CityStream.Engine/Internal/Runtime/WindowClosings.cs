namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// The keys whose windows close at each end time, in order of end: windows of a rule share their ends (every key's window
/// of a minute closes at the minute's end), so a list of keys per end is a reference per window where a queue entry per
/// window was three words and the queue's slack.
/// </summary>
internal sealed class WindowClosings
{
    private const int MaxPooledLists = 4;

    private readonly Dictionary<long, List<string>> _keysByEnd = [];
    private readonly PriorityQueue<long, long> _ends = new();
    private readonly Stack<List<string>> _pool = new();

    public void Add(long end, string key)
    {
        if (!_keysByEnd.TryGetValue(end, out var keys))
        {
            keys = _pool.TryPop(out var reused) ? reused : [];
            _keysByEnd.Add(end, keys);
            _ends.Enqueue(end, end);
        }

        keys.Add(key);
    }

    /// <summary>The keys of the earliest end at or before <paramref name="closed"/>, taken out; give the list back with <see cref="Return"/>.</summary>
    public bool TryTakeDue(long closed, out long end, out List<string> keys)
    {
        if (_ends.TryPeek(out end, out _) && end <= closed)
        {
            _ends.Dequeue();
            _keysByEnd.Remove(end, out keys!);
            return true;
        }

        keys = null!;
        return false;
    }

    public void Return(List<string> keys)
    {
        keys.Clear();
        if (_pool.Count < MaxPooledLists)
        {
            _pool.Push(keys);
        }
    }
}
