using System.Text.Json;
using CityStream.Engine.Internal.Codec;

namespace CityStream.Engine.Internal.Runtime;

/// <summary>
/// Writes events into checkpointed state and reads them back: the source, the origin and the event's own JSON. The source is left
/// out when it is the rule's only one (<c>implied</c>) and the row when it is 0: a checkpoint writes every event a window keeps.
/// </summary>
internal static class EventSnapshot
{
    public static void Write(Utf8JsonWriter writer, CityEvent evt, SourceSchema? implied = null)
    {
        writer.WriteStartObject();
        if (!ReferenceEquals(evt.Schema, implied))
        {
            writer.WriteString("s", evt.Schema.Name);
        }

        writer.WriteString("t", evt.Origin.Topic);
        writer.WriteNumber("p", evt.Origin.Partition);
        writer.WriteNumber("o", evt.Origin.Offset);
        if (evt.Origin.Row != 0)
        {
            writer.WriteNumber("r", evt.Origin.Row);
        }

        writer.WritePropertyName("e");
        JsonEventReader.Write(evt, writer);
        writer.WriteEndObject();
    }

    public static CityEvent Read(JsonElement element, Func<string, SourceSchema?> sources)
    {
        // No "s": the rule's only source (sources("") gives it).
        var name = element.TryGetProperty("s", out var s) ? s.GetString()! : string.Empty;
        var schema = sources(name)
            ?? throw new InvalidDataException(name.Length == 0 ? "checkpointed event names no source, and its rule has several" : $"checkpoint names unknown source '{name}'");
        var json = JsonSerializer.SerializeToUtf8Bytes(element.GetProperty("e"));
        var evt = JsonEventReader.Read(schema, json, out _, out var detail, out _, requireAll: false)
            ?? throw new InvalidDataException("checkpointed event no longer matches its schema: " + detail);
        evt.Origin = new EventOrigin(element.GetProperty("t").GetString()!, element.GetProperty("p").GetInt32(), element.GetProperty("o").GetInt64(), element.TryGetProperty("r", out var row) ? row.GetInt32() : 0);
        return evt;
    }

    public static void WriteList(Utf8JsonWriter writer, string? name, IEnumerable<CityEvent> events, SourceSchema? implied = null)
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
            Write(writer, evt, implied);
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
