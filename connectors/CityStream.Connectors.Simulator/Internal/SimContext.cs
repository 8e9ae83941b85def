namespace CityStream.Connectors.Simulator.Internal;

/// <summary>What every generator of a run shares.</summary>
internal sealed class SimContext(SimulatorOptions options, Volumes volumes, CityWorld world, LabelSink labels)
{
    public SimulatorOptions Options { get; } = options;

    public Volumes Volumes { get; } = volumes;

    public CityWorld World { get; } = world;

    public LabelSink Labels { get; } = labels;

    public int Seed => Options.Seed;

    public long StartMs { get; } = options.Start.ToUnixTimeMilliseconds();

    public long EndMs { get; } = options.Start.ToUnixTimeMilliseconds() + (long)Math.Max(60_000, options.Duration.TotalMilliseconds);

    public long DurationMs => EndMs - StartMs;

    /// <summary>
    /// Start times of a scenario's instances: the first two within the first minutes (the live demo must show alerts
    /// at once), the rest spread over the run, leaving room for an instance to finish.
    /// </summary>
    public long[] ScheduleStarts(string scenario, int count, TimeSpan instanceLength)
    {
        var random = SimRandom.Create(Seed, "schedule/" + scenario);
        var starts = new long[count];
        var room = Math.Max(0, DurationMs - (long)instanceLength.TotalMilliseconds);
        for (var i = 0; i < count; i++)
        {
            starts[i] = i switch
            {
                0 => StartMs + random.Next(5_000, 60_000),
                1 => StartMs + random.Next(60_000, 180_000),
                _ => StartMs + (long)(random.NextDouble() * room),
            };
        }

        Array.Sort(starts);
        return starts;
    }
}
