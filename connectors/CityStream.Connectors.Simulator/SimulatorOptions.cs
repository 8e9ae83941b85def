namespace CityStream.Connectors.Simulator;

/// <summary>What the synthetic city produces: volume, time span, seed and how messy the data is.</summary>
public sealed class SimulatorOptions
{
    /// <summary>Seed of every random choice; the same options always give the same bytes.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Background events per simulated day over all sources (labelled scenarios come on top and never fall below a few per run).</summary>
    public long EventsPerDay { get; set; } = 200_000;

    /// <summary>First simulated instant (event time).</summary>
    public DateTimeOffset Start { get; set; } = new(2026, 6, 1, 0, 0, 0, TimeSpan.FromHours(8));

    /// <summary>How much simulated time to produce.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Share of records that are malformed (truncated JSON, wrong type, out-of-range value, missing required field, unknown field, corrupted Arrow batch).</summary>
    public double MalformedRate { get; set; } = 0.001;

    /// <summary>Share of records re-sent with the same bytes.</summary>
    public double DuplicateRate { get; set; } = 0.002;

    /// <summary>Share of events delayed by up to <see cref="MaxDisorder"/>, so they arrive after later events.</summary>
    public double OutOfOrderRate { get; set; } = 0.01;

    /// <summary>Largest delay of an out-of-order event.</summary>
    public TimeSpan MaxDisorder { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Share of events whose event time lies far beyond their source's allowed lateness (they must be dead-lettered as late).</summary>
    public double LateRate { get; set; } = 0.0005;

    /// <summary>0: one JSON event per record. N &gt; 0: the high-volume sources (vehicle_gps, utility) are sent as Arrow batches of up to N events of one source; the others stay JSON.</summary>
    public int BatchSize { get; set; }
}
