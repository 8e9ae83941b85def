namespace CityStream.Connectors.Simulator.Internal.Outputs;

/// <summary>Counts what an output wrote.</summary>
internal sealed class SummaryCounter
{
    private readonly SortedDictionary<string, long> _perTopic = new(StringComparer.Ordinal);
    private long _records;
    private long _events;
    private long _malformed;

    public void Add(SimulatedRecord record)
    {
        _records++;
        _events += record.EventCount;
        _malformed += record.Malformed ? 1 : 0;
        _perTopic[record.Topic] = _perTopic.GetValueOrDefault(record.Topic) + record.EventCount;
    }

    public SimulationSummary ToSummary() => new(_records, _events, _malformed, new Dictionary<string, long>(_perTopic, StringComparer.Ordinal));
}
