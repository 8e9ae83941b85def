using System.Buffers;
using System.Text.Json;

namespace CityStream.Engine.Internal;

/// <summary>
/// Writes an alert as the JSON of <c>schemas/alert.schema.json</c>, byte for byte what the source-generated serializer of
/// <see cref="AlertJson"/> writes (a test holds them equal), with a reused buffer and writer per thread.
/// </summary>
/// <remarks>
/// Written by hand because every alert goes through it once per sink and the generated serializer took ~6.6 µs for a one-event
/// alert (the evidence's field values are a dictionary of <c>object</c>, resolved per value): with a rule that fires every few events
/// that made the Kafka warning topic the bottleneck of the whole host.
/// </remarks>
internal static class AlertJsonWriter
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static byte[] ToUtf8Bytes(Alert alert)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        Write(writer, alert);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write(Utf8JsonWriter writer, Alert alert)
    {
        writer.WriteStartObject();
        writer.WriteString("id", alert.Id);
        writer.WriteString("rule", alert.Rule);
        writer.WriteString("pack", alert.Pack);
        writer.WriteString("severity", alert.Severity);
        writer.WriteString("title", alert.Title);
        writer.WriteString("message", alert.Message);
        writer.WriteString("key", alert.Key);
        writer.WriteNumber("first_event_time", alert.FirstEventTime);
        writer.WriteNumber("last_event_time", alert.LastEventTime);
        writer.WriteNumber("emit_time", alert.EmitTime);
        if (alert.Location is { } location)
        {
            writer.WriteStartObject("location");
            writer.WriteNumber("lat", location.Lat);
            writer.WriteNumber("lon", location.Lon);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("location");
        }

        WriteStringOrNull(writer, "grid", alert.Grid);
        WriteStringOrNull(writer, "district", alert.District);
        writer.WriteStartArray("evidence");
        foreach (var evidence in alert.Evidence)
        {
            WriteEvidence(writer, evidence);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("labels");
        foreach (var (name, value) in alert.Labels)
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
        WriteStringOrNull(writer, "route", alert.Route);
        writer.WriteEndObject();
    }

    private static void WriteEvidence(Utf8JsonWriter writer, AlertEvidence evidence)
    {
        writer.WriteStartObject();
        writer.WriteString("event_id", evidence.EventId);
        writer.WriteString("source", evidence.Source);
        writer.WriteString("topic", evidence.Topic);
        writer.WriteNumber("partition", evidence.Partition);
        writer.WriteNumber("offset", evidence.Offset);
        writer.WriteNumber("event_time", evidence.EventTime);
        writer.WriteStartObject("fields");
        foreach (var (name, value) in evidence.Fields)
        {
            writer.WritePropertyName(name);
            switch (value)
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case string text:
                    writer.WriteStringValue(text);
                    break;
                case long number:
                    writer.WriteNumberValue(number);
                    break;
                case double number:
                    writer.WriteNumberValue(number);
                    break;
                case bool flag:
                    writer.WriteBooleanValue(flag);
                    break;
                case JsonElement element:
                    element.WriteTo(writer);
                    break;
                default:
                    JsonSerializer.Serialize(writer, value, value.GetType(), AlertJsonContext.Default);
                    break;
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteStringOrNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
