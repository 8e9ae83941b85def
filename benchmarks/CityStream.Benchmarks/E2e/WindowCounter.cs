using System.Runtime.InteropServices;
using CityStream.Engine;
using CityStream.Engine.Internal.Runtime;

namespace CityStream.Benchmarks.E2e;

/// <summary>
/// HAND-WRITTEN stand-in for the peers' rule as a CityStream <c>threshold</c> rule (per key, tumbling event-time window count,
/// alert when it reaches the threshold), used until the engine has the <c>threshold</c> kind. It runs on CityStream's decoded
/// events and gives each alert CityStream's deterministic id (rule, key, window), as the real operator will; it does not go
/// through <see cref="RuleRuntime"/> (no watermark map, no metrics, no <see cref="Alert"/> record).
/// </summary>
internal sealed class WindowCounter(SourceSchema schema, long windowMs, int threshold)
{
    private const string RuleId = "bench.peer-window-count";

    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly int _key = schema.KeyField.Index;

    public long Alerts { get; private set; }

    public int Keys => _windows.Count;

    public void OnEvent(CityEvent evt)
    {
        var ts = evt.Timestamp;
        var start = ts - (ts % windowMs);
        var key = evt.GetString(_key) ?? string.Empty;
        ref var window = ref CollectionsMarshal.GetValueRefOrAddDefault(_windows, key, out var exists);
        if (!exists || window.Start != start)
        {
            if (exists && start < window.Start)
            {
                return; // an event of a window already closed for this key: late for a tumbling count
            }

            window.Start = start;
            window.Count = 0;
        }

        if (++window.Count == threshold)
        {
            _ = AlertIds.For(RuleId, key, start.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Alerts++;
        }
    }

    private struct Window
    {
        public long Start;
        public int Count;
    }
}
