using System.Globalization;
using System.Text.Json;

namespace CityStream.Benchmarks.E2e;

/// <summary>One figure of the end-to-end run: how many events in how many seconds, plus what else was measured.</summary>
internal sealed record Measurement
{
    public required string Name { get; init; }

    public long Events { get; init; }

    public double Seconds { get; init; }

    public double? PeakRssMb { get; init; }

    public double? P50Ms { get; init; }

    public double? P99Ms { get; init; }

    /// <summary>Managed heap growth per tracked key (state measurement).</summary>
    public double? HeapBytesPerKey { get; init; }

    /// <summary>Bytes of a full runtime checkpoint per tracked key (state measurement).</summary>
    public double? CheckpointBytesPerKey { get; init; }

    public string Note { get; init; } = string.Empty;

    /// <summary>Why the figure is missing (skipped, failed, timed out), or null when it was measured.</summary>
    public string? Missing { get; init; }

    public double EventsPerSecond => Seconds > 0 ? Events / Seconds : 0;

    public static Measurement Skipped(string name, string why) => new() { Name = name, Missing = why };

    /// <summary>
    /// The run of median rate among <paramref name="runs"/> (the lower of the middle two for an even count), its note telling
    /// every run's rate: on this shared box a single pass moved by ±20 % from one to the next.
    /// </summary>
    public static Measurement Median(IReadOnlyList<Measurement> runs, string what)
    {
        var byRate = runs.OrderBy(r => r.EventsPerSecond).ToList();
        var median = byRate[(byRate.Count - 1) / 2];
        if (runs.Count == 1)
        {
            return median;
        }

        var rates = string.Join(", ", runs.Select(r => (r.EventsPerSecond / 1e6).ToString("0.00", CultureInfo.InvariantCulture)));
        return median with { Note = median.Note + $"; median of {runs.Count} {what} ({rates} M/s)" };
    }

    public string ToJson() => JsonSerializer.Serialize(this, MeasurementJson.Default.Measurement);

    public static Measurement? FromJson(string line) => JsonSerializer.Deserialize(line, MeasurementJson.Default.Measurement);

    public string Rate => Missing is null ? (EventsPerSecond / 1e6).ToString("0.000", CultureInfo.InvariantCulture) + " M/s" : "n/a";
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Measurement))]
internal sealed partial class MeasurementJson : System.Text.Json.Serialization.JsonSerializerContext;
