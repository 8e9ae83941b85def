namespace CityStream.Connectors.Simulator.Internal;

/// <summary>
/// Merges generators (each in non-decreasing <see cref="SimEvent.OrderMs"/>) into one stream in that order,
/// opening scheduled streams only when their start comes, so a run's memory stays bounded by what is active.
/// Ties break on the stream's position, so the order is deterministic.
/// </summary>
internal static class TimeMerge
{
    public static IEnumerable<SimEvent> Merge(IReadOnlyList<IEnumerable<SimEvent>> always, IReadOnlyList<ScheduledStream> scheduled)
    {
        var pending = scheduled.Select((s, i) => (s, i)).OrderBy(p => p.s.StartMs).ThenBy(p => p.i).Select(p => p.s).ToArray();
        var active = new PriorityQueue<(IEnumerator<SimEvent> Stream, int Id), (long OrderMs, int Id)>();
        var nextId = 0;
        try
        {
            foreach (var stream in always)
            {
                Open(active, stream.GetEnumerator(), nextId++);
            }

            var nextPending = 0;
            while (true)
            {
                var headMs = active.TryPeek(out _, out var head) ? head.OrderMs : long.MaxValue;
                while (nextPending < pending.Length && pending[nextPending].StartMs <= headMs)
                {
                    Open(active, pending[nextPending++].Open().GetEnumerator(), nextId++);
                    headMs = active.TryPeek(out _, out head) ? head.OrderMs : long.MaxValue;
                }

                if (!active.TryDequeue(out var current, out _))
                {
                    yield break;
                }

                yield return current.Stream.Current;
                if (current.Stream.MoveNext())
                {
                    active.Enqueue(current, (current.Stream.Current.OrderMs, current.Id));
                }
                else
                {
                    current.Stream.Dispose();
                }
            }
        }
        finally
        {
            while (active.TryDequeue(out var left, out _))
            {
                left.Stream.Dispose();
            }
        }
    }

    private static void Open(PriorityQueue<(IEnumerator<SimEvent> Stream, int Id), (long OrderMs, int Id)> active, IEnumerator<SimEvent> stream, int id)
    {
        if (stream.MoveNext())
        {
            active.Enqueue((stream, id), (stream.Current.OrderMs, id));
        }
        else
        {
            stream.Dispose();
        }
    }
}
