using System.Text.Json;
using CityStream.Engine.Internal.Codec;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>Writes events into checkpointed state and reads them back: the source, the origin and the event's own JSON.</summary>
internal static class EventSnapshot
{
    public static void Write(Utf8JsonWriter writer, CityEvent evt)
    {
        writer.WriteStartObject();
        writer.WriteString("s", evt.Schema.Name);
        writer.WriteString("t", evt.Origin.Topic);
        writer.WriteNumber("p", evt.Origin.Partition);
        writer.WriteNumber("o", evt.Origin.Offset);
        writer.WriteNumber("r", evt.Origin.Row);
        writer.WritePropertyName("e");
        JsonEventReader.Write(evt, writer);
        writer.WriteEndObject();
    }

    public static CityEvent Read(JsonElement element, Func<string, SourceSchema?> sources)
    {
        var schema = sources(element.GetProperty("s").GetString()!)
            ?? throw new InvalidDataException($"checkpoint names unknown source '{element.GetProperty("s").GetString()}'");
        var json = JsonSerializer.SerializeToUtf8Bytes(element.GetProperty("e"));
        var evt = JsonEventReader.Read(schema, json, out _, out var detail, requireAll: false)
            ?? throw new InvalidDataException("checkpointed event no longer matches its schema: " + detail);
        evt.Origin = new EventOrigin(element.GetProperty("t").GetString()!, element.GetProperty("p").GetInt32(), element.GetProperty("o").GetInt64(), element.GetProperty("r").GetInt32());
        return evt;
    }

    public static void WriteList(Utf8JsonWriter writer, string? name, IEnumerable<CityEvent> events)
    {
        if (name is null)
        {
            writer.WriteStartArray();
        }
        else
        {
            writer.WriteStartArray(name);
        }

        foreach (var evt in events)
        {
            Write(writer, evt);
        }

        writer.WriteEndArray();
    }

    public static List<CityEvent> ReadList(JsonElement array, Func<string, SourceSchema?> sources)
    {
        var list = new List<CityEvent>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            list.Add(Read(item, sources));
        }

        return list;
    }
}
