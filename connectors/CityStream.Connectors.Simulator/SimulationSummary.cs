namespace CityStream.Connectors.Simulator;

/// <summary>What a simulator output wrote.</summary>
/// <param name="Records">Records written (duplicates and malformed ones included).</param>
/// <param name="Events">Events the records carried (sum of <see cref="SimulatedRecord.EventCount"/>).</param>
/// <param name="Malformed">Records flagged malformed.</param>
/// <param name="EventsPerTopic">Events per source topic, ordinal order of topic names.</param>
public sealed record SimulationSummary(long Records, long Events, long Malformed, IReadOnlyDictionary<string, long> EventsPerTopic);
