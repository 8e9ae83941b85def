using System.Buffers;
using System.Text;
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

    [ThreadStatic]
    private static StringBuilder? t_text;

    [ThreadStatic]
    private static char[]? t_chars;

    [ThreadStatic]
    private static string? t_topic;

    [ThreadStatic]
    private static JsonEncodedText t_encodedTopic;

    public static byte[] ToUtf8Bytes(Alert alert) => ToThreadBuffer(alert).ToArray();

    /// <summary>The alert's JSON in this thread's buffer: valid until the thread's next call, for a writer that copies it at once.</summary>
    public static ReadOnlySpan<byte> ToThreadBuffer(Alert alert)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        // Without validation: Write gives well-formed JSON by construction (tests parse it back), and the checks cost ~3 % of writing it.
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
        writer.Reset(buffer);
        Write(writer, alert);
        writer.Flush();
        return buffer.WrittenSpan;
    }

    public static void Write(Utf8JsonWriter writer, Alert alert)
    {
        writer.WriteStartObject();
        writer.WriteString(Names.Id, alert.Id);
        writer.WriteString(Names.Rule, alert.Rule);
        writer.WriteString(Names.Pack, alert.Pack);
        writer.WriteString(Names.Severity, alert.Severity);
        WriteText(writer, alert);
        writer.WriteString(Names.Key, alert.Key);
        writer.WriteNumber(Names.FirstEventTime, alert.FirstEventTime);
        writer.WriteNumber(Names.LastEventTime, alert.LastEventTime);
        writer.WriteNumber(Names.EmitTime, alert.EmitTime);
        if (alert.Location is { } location)
        {
            writer.WriteStartObject(Names.Location);
            writer.WriteNumber(Names.Lat, location.Lat);
            writer.WriteNumber(Names.Lon, location.Lon);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull(Names.Location);
        }

        WriteStringOrNull(writer, Names.Grid, alert.Grid);
        WriteStringOrNull(writer, Names.District, alert.District);
        writer.WriteStartArray(Names.Evidence);
        if (alert.Content is { EvidenceImage: { } image } windowContent)
        {
            // Straight from a window's evidence bytes: no events made, strings copied as the UTF-8 they are kept in.
            WriteEvidence(writer, image, windowContent.EvidenceFields);
        }
        else if (alert.Content is { } content)
        {
            // Straight from the events the rule kept: no evidence records, no boxed values.
            foreach (var evt in content.EvidenceEvents)
            {
                WriteEvidence(writer, evt, content.EvidenceFields);
            }
        }
        else
        {
            foreach (var evidence in alert.Evidence)
            {
                WriteEvidence(writer, evidence);
            }
        }

        writer.WriteEndArray();
        writer.WriteStartObject(Names.Labels);
        foreach (var (name, value) in alert.Labels)
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
        WriteStringOrNull(writer, Names.Route, alert.Route);
        writer.WriteEndObject();
    }

    private static void WriteEvidence(Utf8JsonWriter writer, AlertEvidence evidence)
    {
        WriteEvidenceStart(writer, evidence.EventId, JsonEncodedText.Encode(evidence.Source), new EventOrigin(evidence.Topic, evidence.Partition, evidence.Offset), evidence.EventTime);
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

    private static void WriteEvidence(Utf8JsonWriter writer, CityEvent evt, IReadOnlyList<FieldDefinition> fields)
    {
        // The same JSON as an AlertEvidence built from the event (Runtime.AlertContent.BuildEvidence) writes.
        WriteEvidenceStart(writer, evt.Id, evt.Schema.JsonName, evt.Origin, evt.Timestamp);
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (!ReferenceEquals(field.Owner, evt.Schema))
            {
                continue;
            }

            if (evt.Has(field))
            {
                Codec.JsonEventReader.WriteProperty(writer, evt, field);
            }
            else
            {
                writer.WriteNull(field.JsonName);
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteEvidence(Utf8JsonWriter writer, Runtime.EvidenceImage image, IReadOnlyList<FieldDefinition> fields)
    {
        // The same JSON as the events made from the image write (the overload above); a test holds them equal.
        var bytes = image.Bytes;
        Span<int> fieldAt = stackalloc int[64];
        var at = 0;
        for (var n = 0; n < image.Count; n++)
        {
            var schema = Runtime.EvidenceLog.ReadPositions(bytes, ref at, image.Encoding, fieldAt, out var origin);
            var idField = schema.IdField;
            var timeField = schema.TimeField;
            writer.WriteStartObject();
            if (fieldAt[idField.Index] < 0)
            {
                writer.WriteString(Names.EventId, string.Empty);
            }
            else
            {
                WriteStringAt(writer, Names.EventId, bytes, fieldAt[idField.Index], image.Key);
            }

            writer.WriteString(Names.Source, schema.JsonName);
            WriteTopic(writer, origin.Topic);
            writer.WriteNumber(Names.Partition, origin.Partition);
            writer.WriteNumber(Names.Offset, origin.Offset);
            writer.WriteNumber(Names.EventTime, fieldAt[timeField.Index] < 0 ? 0 : (long)Runtime.EvidenceLog.NumberAt(bytes, fieldAt[timeField.Index], isTime: true, image.TimeBase));
            writer.WriteStartObject(Names.Fields);
            for (var i = 0; i < fields.Count; i++)
            {
                var field = fields[i];
                if (!ReferenceEquals(field.Owner, schema))
                {
                    continue;
                }

                var position = fieldAt[field.Index];
                if (position < 0)
                {
                    writer.WriteNull(field.JsonName);
                    continue;
                }

                if (field.Type == FieldType.String)
                {
                    WriteStringAt(writer, field.JsonName, bytes, position, image.Key);
                    continue;
                }

                Codec.JsonEventReader.WriteNumericProperty(writer, field, Runtime.EvidenceLog.NumberAt(bytes, position, ReferenceEquals(field, timeField), image.TimeBase));
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }
    }

    /// <summary>
    /// Writes the title and message. Text not yet rendered is rendered into this thread's builder and written from there: a window alert
    /// is mostly written once, by the warning-topic sink, and its two strings were a fifth of what writing it allocated.
    /// </summary>
    private static void WriteText(Utf8JsonWriter writer, Alert alert)
    {
        if (!alert.TextUnrendered)
        {
            writer.WriteString(Names.Title, alert.Title);
            writer.WriteString(Names.Message, alert.Message);
            return;
        }

        var content = alert.Content!;
        var builder = t_text ??= new StringBuilder(256);
        builder.Clear();
        content.RenderTitleTo(builder);
        WriteBuilt(writer, Names.Title, builder);
        if (!content.MessageIsTitle)
        {
            builder.Clear();
            content.RenderMessageTo(builder);
        }

        WriteBuilt(writer, Names.Message, builder);
    }

    private static void WriteBuilt(Utf8JsonWriter writer, JsonEncodedText name, StringBuilder builder)
    {
        var chars = t_chars is { } held && held.Length >= builder.Length ? held : t_chars = new char[Math.Max(256, builder.Length * 2)];
        builder.CopyTo(0, chars, builder.Length);
        writer.WriteString(name, chars.AsSpan(0, builder.Length));
    }

    /// <summary>Writes an evidence event's topic, encoded once per thread while the topic repeats (a window's evidence mostly comes from one).</summary>
    private static void WriteTopic(Utf8JsonWriter writer, string? topic)
    {
        if (topic is null)
        {
            writer.WriteNull(Names.Topic);
            return;
        }

        if (!ReferenceEquals(topic, t_topic))
        {
            t_encodedTopic = JsonEncodedText.Encode(topic);
            t_topic = topic;
        }

        writer.WriteString(Names.Topic, t_encodedTopic);
    }

    private static void WriteStringAt(Utf8JsonWriter writer, JsonEncodedText name, ReadOnlySpan<byte> bytes, int position, string key)
    {
        var utf8 = Runtime.EvidenceLog.StringAt(bytes, position, out var isKey);
        if (isKey)
        {
            writer.WriteString(name, key);
        }
        else
        {
            writer.WriteString(name, utf8);
        }
    }

    /// <summary>Opens an evidence object up to its field values (<c>fields</c> opened).</summary>
    private static void WriteEvidenceStart(Utf8JsonWriter writer, string eventId, JsonEncodedText source, EventOrigin origin, long eventTime)
    {
        writer.WriteStartObject();
        writer.WriteString(Names.EventId, eventId);
        writer.WriteString(Names.Source, source);
        WriteTopic(writer, origin.Topic);
        writer.WriteNumber(Names.Partition, origin.Partition);
        writer.WriteNumber(Names.Offset, origin.Offset);
        writer.WriteNumber(Names.EventTime, eventTime);
        writer.WriteStartObject(Names.Fields);
    }

    private static void WriteStringOrNull(Utf8JsonWriter writer, JsonEncodedText name, string? value)
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

    /// <summary>Property names escaped once, not per alert.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
        public static readonly JsonEncodedText Rule = JsonEncodedText.Encode("rule");
        public static readonly JsonEncodedText Pack = JsonEncodedText.Encode("pack");
        public static readonly JsonEncodedText Severity = JsonEncodedText.Encode("severity");
        public static readonly JsonEncodedText Title = JsonEncodedText.Encode("title");
        public static readonly JsonEncodedText Message = JsonEncodedText.Encode("message");
        public static readonly JsonEncodedText Key = JsonEncodedText.Encode("key");
        public static readonly JsonEncodedText FirstEventTime = JsonEncodedText.Encode("first_event_time");
        public static readonly JsonEncodedText LastEventTime = JsonEncodedText.Encode("last_event_time");
        public static readonly JsonEncodedText EmitTime = JsonEncodedText.Encode("emit_time");
        public static readonly JsonEncodedText Location = JsonEncodedText.Encode("location");
        public static readonly JsonEncodedText Lat = JsonEncodedText.Encode("lat");
        public static readonly JsonEncodedText Lon = JsonEncodedText.Encode("lon");
        public static readonly JsonEncodedText Grid = JsonEncodedText.Encode("grid");
        public static readonly JsonEncodedText District = JsonEncodedText.Encode("district");
        public static readonly JsonEncodedText Evidence = JsonEncodedText.Encode("evidence");
        public static readonly JsonEncodedText Labels = JsonEncodedText.Encode("labels");
        public static readonly JsonEncodedText Route = JsonEncodedText.Encode("route");
        public static readonly JsonEncodedText EventId = JsonEncodedText.Encode("event_id");
        public static readonly JsonEncodedText Source = JsonEncodedText.Encode("source");
        public static readonly JsonEncodedText Topic = JsonEncodedText.Encode("topic");
        public static readonly JsonEncodedText Partition = JsonEncodedText.Encode("partition");
        public static readonly JsonEncodedText Offset = JsonEncodedText.Encode("offset");
        public static readonly JsonEncodedText EventTime = JsonEncodedText.Encode("event_time");
        public static readonly JsonEncodedText Fields = JsonEncodedText.Encode("fields");
    }
}
