using CityStream.Connectors.Simulator;
using CityStream.Engine;

namespace CityStream.Engine.Tests.Simulator;

/// <summary>Small simulator runs shared by the simulator tests, and decoding helpers.</summary>
internal static class SimulatorTestRuns
{
    public static SimulatorOptions Small(int seed = 7, int batchSize = 0) => new()
    {
        Seed = seed,
        EventsPerDay = 20_000,
        Duration = TimeSpan.FromHours(1),
        BatchSize = batchSize,
    };

    public static SourceSchema SchemaOf(string topic) => SchemaRegistry.Default.ByTopic(topic) ?? throw new InvalidOperationException($"no source reads {topic}");

    public static DecodedBatch Decode(SimulatedRecord record)
    {
        var batch = new DecodedBatch();
        EventCodec.Decode(SchemaOf(record.Topic), record.Value, record.ContentType, new EventOrigin(record.Topic, -1, 0), batch);
        return batch;
    }

    /// <summary>Every valid event of a run with its send time, in send order.</summary>
    public static List<(CityEvent Event, long EmitMs)> Events(IEnumerable<SimulatedRecord> records)
    {
        var result = new List<(CityEvent, long)>();
        foreach (var record in records)
        {
            foreach (var evt in Decode(record).Events)
            {
                result.Add((evt, record.EmitTimeMs));
            }
        }

        return result;
    }

    public static string? Str(CityEvent evt, string field) => evt.GetString(evt.Schema.Field(field)!.Index);

    public static double Num(CityEvent evt, string field) => evt.GetNumber(evt.Schema.Field(field)!.Index);
}
