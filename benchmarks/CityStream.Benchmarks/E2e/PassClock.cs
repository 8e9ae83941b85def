using System.Diagnostics;
using System.Globalization;

namespace CityStream.Benchmarks.E2e;

/// <summary>A stopwatch that also counts what the timed pass allocated and the collections it caused (all threads).</summary>
internal sealed class PassClock
{
    private readonly Stopwatch _watch;
    private readonly long _allocated;
    private readonly int _gen0;
    private readonly int _gen1;
    private readonly int _gen2;
    private readonly TimeSpan _paused;

    private PassClock()
    {
        // As BenchmarkDotNet does before each iteration: the setup's garbage (the inputs made for this pass, the previous pass)
        // is collected now, not in the timed pass, which then pays only for its own.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        _allocated = GC.GetTotalAllocatedBytes(precise: false);
        _gen0 = GC.CollectionCount(0);
        _gen1 = GC.CollectionCount(1);
        _gen2 = GC.CollectionCount(2);
        _paused = GC.GetTotalPauseDuration();
        _watch = Stopwatch.StartNew();
    }

    public TimeSpan Elapsed => _watch.Elapsed;

    public static PassClock StartNew() => new();

    /// <summary>"N B/event allocated, GCs a/b/c (gen0/1/2), paused P ms" since the start.</summary>
    public string Allocations(long events)
    {
        var bytes = GC.GetTotalAllocatedBytes(precise: false) - _allocated;
        return string.Create(CultureInfo.InvariantCulture,
            $"{(events > 0 ? bytes / events : 0)} B/event allocated, GCs {GC.CollectionCount(0) - _gen0}/{GC.CollectionCount(1) - _gen1}/{GC.CollectionCount(2) - _gen2} (gen0/1/2) pausing {(GC.GetTotalPauseDuration() - _paused).TotalMilliseconds:F0} ms");
    }
}
