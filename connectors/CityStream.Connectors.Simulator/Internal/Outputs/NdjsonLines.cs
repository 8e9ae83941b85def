using CityStream.Engine;

namespace CityStream.Connectors.Simulator.Internal.Outputs;

/// <summary>A record as NDJSON lines: a JSON record as it is; an Arrow batch as one line per valid event, plus the line that stands for its broken part.</summary>
internal static class NdjsonLines
{
    public static void Write(Emission emission, Stream output)
    {
        var record = emission.Record;
        if (record.ContentType == ContentTypes.Json)
        {
            output.Write(record.Value);
            output.WriteByte((byte)'\n');
            return;
        }

        foreach (var evt in emission.ValidEvents)
        {
            output.Write(EventCodec.ToJson(evt));
            output.WriteByte((byte)'\n');
        }

        if (emission.BrokenLine is { } broken)
        {
            output.Write(broken);
            output.WriteByte((byte)'\n');
        }
    }
}
