using System.Diagnostics.Tracing;

namespace CityStream.Benchmarks.E2e;

/// <summary>
/// Where a child's allocations go, by type: the runtime's <c>GCAllocationTick</c> events (one per ~100 KB allocated, naming the type
/// that crossed the mark) summed per type, and the collections by generation and by what triggered them (<c>GCStart</c>'s reason).
/// Turned on by <c>CITYSTREAM_ALLOCATIONS=1</c>; printed to standard error when the child ends.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _largestByType = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Generation, string Reason), int> _collections = [];
    private readonly Lock _gate = new();

    public static AllocationSampler? StartIfAsked() =>
        Environment.GetEnvironmentVariable("CITYSTREAM_ALLOCATIONS") == "1" ? new AllocationSampler() : null;

    /// <summary>The types with the most sampled bytes, each with its share.</summary>
    public void Print(TextWriter output, int top = 25)
    {
        List<KeyValuePair<string, long>> rows;
        Dictionary<string, long> largestByType;
        lock (_gate)
        {
            rows = [.. _bytesByType];
            largestByType = new(_largestByType, StringComparer.Ordinal);
        }

        var total = rows.Sum(r => r.Value);
        output.WriteLine($"allocations sampled: {total / 1_000_000.0:F0} MB");
        foreach (var (type, bytes) in rows.OrderByDescending(r => r.Value).Take(top))
        {
            var largest = largestByType.GetValueOrDefault(type);
            output.WriteLine($"  {100.0 * bytes / total,5:F1} %  {bytes / 1_000_000.0,8:F0} MB  {type}" + (largest > 0 ? $" (largest sampled: {largest:N0} B)" : string.Empty));
        }

        List<KeyValuePair<(int Generation, string Reason), int>> collections;
        lock (_gate)
        {
            collections = [.. _collections];
        }

        output.WriteLine("collections by generation and trigger:");
        foreach (var ((generation, reason), count) in collections.OrderBy(r => r.Key.Generation).ThenByDescending(r => r.Value))
        {
            output.WriteLine($"  gen{generation}  {count,5}  {reason}");
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCStart", StringComparison.Ordinal) == true && eventData.Payload is { } start)
        {
            var startNames = eventData.PayloadNames!;
            var generation = Convert.ToInt32(start[startNames.IndexOf("Depth")], System.Globalization.CultureInfo.InvariantCulture);
            var reason = ReasonName(Convert.ToInt32(start[startNames.IndexOf("Reason")], System.Globalization.CultureInfo.InvariantCulture));
            var typeAt = startNames.IndexOf("Type");
            if (typeAt >= 0)
            {
                reason = KindName(Convert.ToInt32(start[typeAt], System.Globalization.CultureInfo.InvariantCulture)) + ", " + reason;
            }

            lock (_gate)
            {
                _collections[(generation, reason)] = _collections.GetValueOrDefault((generation, reason)) + 1;
            }

            return;
        }

        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.Payload is not { } payload)
        {
            return;
        }

        var names = eventData.PayloadNames!;
        var type = payload[names.IndexOf("TypeName")] as string ?? "?";
        if (Convert.ToInt32(payload[names.IndexOf("AllocationKind")], System.Globalization.CultureInfo.InvariantCulture) == 1)
        {
            type += " (large object heap)";
        }

        var amount = Convert.ToInt64(payload[names.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
        var sizeAt = names.IndexOf("ObjectSize");
        var size = sizeAt < 0 ? 0 : Convert.ToInt64(payload[sizeAt], System.Globalization.CultureInfo.InvariantCulture);
        lock (_gate)
        {
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
            _largestByType[type] = Math.Max(_largestByType.GetValueOrDefault(type), size);
        }
    }

    // The runtime's gc_reason values (src/coreclr/gc/gc.h); the rest are printed as numbers.
    private static string ReasonName(int reason) => reason switch
    {
        0 => "small object allocation budget",
        1 => "induced (GC.Collect)",
        2 => "low memory",
        4 => "large or pinned object allocation budget",
        5 => "out of space (small object heap)",
        6 => "out of space (large object heap)",
        7 => "induced, not forced",
        8 => "stress",
        9 => "low memory, blocking",
        10 => "induced, compacting",
        11 => "low memory, host",
        12 => "provisional mode",
        13 => "low memory, host, blocking",
        14 => "background GC tuning (small object heap)",
        15 => "background GC tuning (large object heap)",
        16 => "background GC stepping",
        17 => "induced, aggressive",
        _ => "reason " + reason.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    // GCStart's Type: 0 a blocking collection, 1 a background one, 2 a blocking one during a background one.
    private static string KindName(int type) => type switch
    {
        0 => "blocking",
        1 => "background",
        2 => "foreground",
        _ => "kind " + type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
