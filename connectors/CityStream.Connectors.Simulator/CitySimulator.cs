using CityStream.Connectors.Simulator.Internal;
using CityStream.Connectors.Simulator.Internal.Generators;

namespace CityStream.Connectors.Simulator;

/// <summary>
/// The synthetic city (a Nantong-like prefecture): all six live sources — vehicle GPS, household utilities, 12345
/// hotline, video AI alerts, grid-worker reports and police events — with realistic mess (GPS noise and gaps,
/// duplicates, disorder, late and malformed records) and ground-truth labels for the scenarios the rule packs look for.
/// Deterministic: the same options always give the same records, byte for byte.
/// </summary>
public sealed class CitySimulator
{
    private readonly SimulatorOptions _options;
    private readonly Volumes _volumes;
    private readonly CityWorld _world;
    private readonly LabelSink _labels = new();

    /// <summary>Builds the city (reference layers) for the options; nothing is generated until <see cref="Generate"/> runs.</summary>
    public CitySimulator(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckRate(options.MalformedRate, nameof(options.MalformedRate));
        CheckRate(options.DuplicateRate, nameof(options.DuplicateRate));
        CheckRate(options.OutOfOrderRate, nameof(options.OutOfOrderRate));
        CheckRate(options.LateRate, nameof(options.LateRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.EventsPerDay, nameof(options.EventsPerDay));
        ArgumentOutOfRangeException.ThrowIfNegative(options.BatchSize, nameof(options.BatchSize));
        if (options.Duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Duration, "Duration must be positive");
        }

        if (options.MaxDisorder < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxDisorder, "MaxDisorder must not be negative");
        }

        _options = new SimulatorOptions
        {
            Seed = options.Seed,
            EventsPerDay = options.EventsPerDay,
            Start = options.Start,
            Duration = options.Duration,
            MalformedRate = options.MalformedRate,
            DuplicateRate = options.DuplicateRate,
            OutOfOrderRate = options.OutOfOrderRate,
            MaxDisorder = options.MaxDisorder,
            LateRate = options.LateRate,
            BatchSize = options.BatchSize,
        };
        _volumes = new Volumes(_options);
        _world = CityWorld.Build(_options.Seed, _volumes);
    }

    /// <summary>The ground truth of the run so far: filled as <see cref="Generate"/> runs (a scenario's label appears before its events are sent), reset when it starts again.</summary>
    public IReadOnlyList<GroundTruthLabel> Labels => _labels.Labels;

    /// <summary>The reference layers: districts, grid cells, approved zones, flagged enterprises, households.</summary>
    public ReferenceData Reference => _world.Reference;

    /// <summary>
    /// The records of the run, lazily and in send order (<see cref="SimulatedRecord.EmitTimeMs"/> non-decreasing);
    /// memory stays bounded by what is in flight. Event times in the payloads may lag the send time (disorder,
    /// grid reports filed hours later, late events). Enumerate once at a time; each enumeration starts the run afresh.
    /// </summary>
    public IEnumerable<SimulatedRecord> Generate()
    {
        foreach (var emission in Emit())
        {
            yield return emission.Record;
        }
    }

    /// <summary>Events per batch in Arrow files: the record batch size, or 1,000 when records are JSON.</summary>
    internal int BatchSizeForFiles => _options.BatchSize > 0 ? _options.BatchSize : 1_000;

    /// <summary>The records with the valid events they carry (for the file writers).</summary>
    internal IEnumerable<Emission> Emit()
    {
        _labels.Clear();
        var context = new SimContext(_options, _volumes, _world, _labels);
        IEnumerable<SimEvent>[] background =
        [
            FleetGenerator.Run(context),
            UtilityGenerator.Run(context),
            HotlineGenerator.Run(context),
            VideoGenerator.Run(context),
            PoliceGenerator.Run(context),
            GridReportGenerator.Run(context),
        ];
        ScheduledStream[] scenarios =
        [
            .. HazmatStopScenario.Schedule(context),
            .. HotlineGenerator.ScheduleBursts(context),
            .. VideoGenerator.ScheduleSmoke(context),
            .. PoliceGenerator.ScheduleMajor(context),
        ];
        var sent = DisorderStage.Apply(TimeMerge.Merge(background, scenarios), context);
        foreach (var emission in new RecordAssembler(context).Assemble(sent))
        {
            yield return emission;
        }
    }

    private static void CheckRate(double rate, string name)
    {
        if (!(rate >= 0 && rate <= 1))
        {
            throw new ArgumentOutOfRangeException(name, rate, "a rate must be between 0 and 1");
        }
    }
}
