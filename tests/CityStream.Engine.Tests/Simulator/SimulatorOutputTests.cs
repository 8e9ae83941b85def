using System.Text;
using CityStream.Connectors.Simulator;
using CityStream.Connectors.Simulator.Internal.Outputs;
using static CityStream.Engine.Tests.Simulator.SimulatorTestRuns;

namespace CityStream.Engine.Tests.Simulator;

public sealed class SimulatorOutputTests
{
    [Fact]
    public void Ndjson_lines_expand_arrow_batches_into_one_event_per_line_and_keep_malformed_lines_bad()
    {
        var options = Small(batchSize: 30);
        options.MalformedRate = 0.05;
        var sim = new CitySimulator(options);
        var schema = SchemaRegistry.Default.BySource("vehicle_gps")!;
        var expectedEvents = 0;
        var expectedBad = 0;
        using var stream = new MemoryStream();
        foreach (var emission in sim.Emit().Where(e => e.Record.Topic == schema.Topic))
        {
            var decoded = Decode(emission.Record);
            expectedEvents += decoded.Events.Count;
            expectedBad += emission.Record.Malformed ? 1 : 0;
            NdjsonLines.Write(emission, stream);
        }

        var lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var good = 0;
        var bad = 0;
        foreach (var line in lines)
        {
            var batch = new DecodedBatch();
            EventCodec.Decode(schema, Encoding.UTF8.GetBytes(line), ContentTypes.Json, default, batch);
            good += batch.Events.Count;
            bad += batch.DeadLetters.Count;
        }

        Assert.True(expectedBad > 0);
        Assert.Equal(expectedEvents, good);
        Assert.Equal(expectedBad, bad);
    }
}
