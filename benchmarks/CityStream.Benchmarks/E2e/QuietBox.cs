using System.Globalization;

namespace CityStream.Benchmarks.E2e;

/// <summary>
/// Waits, before a measurement, until the machine is nearly idle: what the last one left behind (a JVM shutting down, the broker
/// compacting a peer's changelog, a collector) would otherwise run on the next one's cores. Reads <c>/proc/stat</c>; elsewhere it
/// does not wait.
/// </summary>
internal static class QuietBox
{
    /// <summary>Busy share of all cores, over <see cref="Sample"/>, below which the box counts as quiet.</summary>
    public const double QuietBelow = 0.15;

    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(500);

    /// <summary>Waits up to <paramref name="limit"/> for a quiet sample; returns the time waited and the last busy share (null: not measurable).</summary>
    public static async Task<(TimeSpan Waited, double? Busy)> WaitAsync(TimeSpan limit)
    {
        var started = DateTime.UtcNow;
        double? busy = null;
        while (DateTime.UtcNow - started < limit)
        {
            var before = Read();
            await Task.Delay(Sample).ConfigureAwait(false);
            var after = Read();
            if (before is null || after is null)
            {
                return (TimeSpan.Zero, null);
            }

            var total = after.Value.Total - before.Value.Total;
            busy = total <= 0 ? 0 : 1 - ((after.Value.Idle - before.Value.Idle) / (double)total);
            if (busy < QuietBelow)
            {
                break;
            }
        }

        return (DateTime.UtcNow - started, busy);
    }

    /// <summary>The first line of /proc/stat: all jiffies and the idle ones (idle + iowait).</summary>
    private static (long Total, long Idle)? Read()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long total = 0;
            for (var i = 1; i < parts.Length && i <= 8; i++)
            {
                total += long.Parse(parts[i], CultureInfo.InvariantCulture);
            }

            return (total, long.Parse(parts[4], CultureInfo.InvariantCulture) + long.Parse(parts[5], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
