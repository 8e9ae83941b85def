namespace CityStream.Connectors.Simulator.Internal;

/// <summary>How the run's background volume splits over the sources, and how many instances of each labelled scenario it gets.</summary>
internal sealed class Volumes
{
    public const double GpsShare = 0.50;
    public const double UtilityShare = 0.38;
    public const double HotlineShare = 0.05;
    public const double VideoShare = 0.035;
    public const double GridReportShare = 0.02;
    public const double PoliceShare = 0.015;
    public const int MeterReadingsPerDwellingPerDay = 96 * 3;
    public const int MinScenarioInstances = 4;
    public const int MaxScenarioInstances = 5_000;
    private const double DefaultEventsPerDay = 200_000;

    public Volumes(SimulatorOptions options)
    {
        EventsPerDay = Math.Max(1_000, options.EventsPerDay);
        Days = Math.Max(1.0 / 1440, options.Duration.TotalDays);
    }

    public double EventsPerDay { get; }

    public double Days { get; }

    public double PerDay(double share) => EventsPerDay * share;

    /// <summary>Mean gap in ms between background events of a source.</summary>
    public double MeanGapMs(double share) => 86_400_000.0 / PerDay(share);

    public int Vehicles => Math.Max(4, (int)Math.Round(PerDay(GpsShare) / 2_880));

    public int Households => (int)Math.Clamp(Math.Round(PerDay(UtilityShare) / MeterReadingsPerDwellingPerDay), 20, 200_000);

    public int Cameras => (int)Math.Clamp(PerDay(VideoShare) / 10, 60, 20_000);

    /// <summary>Instances of a scenario: its rate per default day, scaled by volume and duration, never fewer than a handful.</summary>
    public int ScenarioInstances(double perDefaultDay) =>
        (int)Math.Clamp(Math.Round(perDefaultDay * (EventsPerDay / DefaultEventsPerDay) * Days), MinScenarioInstances, MaxScenarioInstances);
}
