using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CityStream.Engine;

namespace CityStream.Connectors.Simulator.Internal;

/// <summary>The ways a record goes bad in the real world, each of which the decoder must dead-letter.</summary>
internal static class Malformer
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A broken JSON value for the event: truncated, a wrong type, a value out of range, a required field missing or an unknown field.</summary>
    public static byte[] BreakJson(CityEvent evt, Random random)
    {
        var schema = evt.Schema;
        switch (random.Next(5))
        {
            case 0:
                var json = EventCodec.ToJson(evt);
                return json[..random.Next(1, json.Length - 1)];
            case 1:
                return Write(evt, wrongType: schema.TimeField, missing: null, extra: false);
            case 2:
                PutOutOfRange(evt, random);
                return EventCodec.ToJson(evt);
            case 3:
                return Write(evt, wrongType: null, missing: PickRequired(schema, random), extra: false);
            default:
                return Write(evt, wrongType: null, missing: null, extra: true);
        }
    }

    /// <summary>Sets a numeric field of the event beyond its schema's range (the Arrow writer does not check, so a batch row can carry it too).</summary>
    public static void PutOutOfRange(CityEvent evt, Random random)
    {
        var schema = evt.Schema;
        var candidates = new List<FieldDefinition>();
        foreach (var field in schema.Fields)
        {
            if (field.IsNumeric && field.Type != FieldType.Boolean && (field.Maximum is not null || field.Minimum is not null))
            {
                candidates.Add(field);
            }
        }

        var chosen = candidates[random.Next(candidates.Count)];
        var value = chosen.Maximum is { } max ? max + 1 + Math.Round(random.NextDouble() * 100) : chosen.Minimum!.Value - 1 - random.Next(100);
        evt.SetNumber(chosen.Index, value);
    }

    /// <summary>An Arrow IPC stream cut short inside its record batch: unreadable as a whole.</summary>
    public static byte[] TruncateArrow(byte[] batch, Random random)
    {
        var keep = (int)(batch.Length * random.Uniform(0.35, 0.75));
        return batch[..keep];
    }

    private static FieldDefinition PickRequired(SourceSchema schema, Random random)
    {
        var required = new List<FieldDefinition>();
        foreach (var field in schema.Fields)
        {
            if (field.Required)
            {
                required.Add(field);
            }
        }

        return required[random.Next(required.Count)];
    }

    /// <summary>The codec's own JSON of the event, broken in one way: so valid and malformed records share one writer.</summary>
    private static byte[] Write(CityEvent evt, FieldDefinition? wrongType, FieldDefinition? missing, bool extra)
    {
        var json = JsonNode.Parse(EventCodec.ToJson(evt))!.AsObject();
        if (missing is not null)
        {
            json.Remove(missing.Name);
        }

        if (wrongType is not null && json.ContainsKey(wrongType.Name))
        {
            json[wrongType.Name] = evt.Format(wrongType);
        }

        if (extra)
        {
            json["remark"] = string.Create(CultureInfo.InvariantCulture, $"备注{evt.Id.Length}");
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
