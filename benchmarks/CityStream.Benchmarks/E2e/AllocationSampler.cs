using System.Diagnostics.Tracing;

namespace CityStream.Benchmarks.E2e;

/// <summary>
/// Where a child's allocations go, by type: the runtime's <c>GCAllocationTick</c> events (one per ~100 KB allocated, naming the type
/// that crossed the mark) summed per type. Turned on by <c>CITYSTREAM_ALLOCATIONS=1</c>; printed to standard error when the child ends.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public static AllocationSampler? StartIfAsked() =>
        Environment.GetEnvironmentVariable("CITYSTREAM_ALLOCATIONS") == "1" ? new AllocationSampler() : null;

    /// <summary>The types with the most sampled bytes, each with its share.</summary>
    public void Print(TextWriter output, int top = 25)
    {
        List<KeyValuePair<string, long>> rows;
        lock (_gate)
        {
            rows = [.. _bytesByType];
        }

        var total = rows.Sum(r => r.Value);
        output.WriteLine($"allocations sampled: {total / 1_000_000.0:F0} MB");
        foreach (var (type, bytes) in rows.OrderByDescending(r => r.Value).Take(top))
        {
            output.WriteLine($"  {100.0 * bytes / total,5:F1} %  {bytes / 1_000_000.0,8:F0} MB  {type}");
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
        lock (_gate)
        {
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
        }
    }
}
