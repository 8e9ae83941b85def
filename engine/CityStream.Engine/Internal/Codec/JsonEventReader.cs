using System.Buffers;
using System.Text;
using System.Text.Json;

namespace CityStream.Engine.Internal.Codec;

/// <summary>
/// Reads one JSON event straight into a <see cref="CityEvent"/> with <see cref="Utf8JsonReader"/> and checks it
/// against the source's schema on the way. Written by hand rather than with a JSON Schema library because it is
/// the per-event hot path: a general validator walks a DOM and allocates per event (tests check that the two agree).
/// </summary>
internal static partial class JsonEventReader
{
    private const int MaxPropertyNameChars = 128;

    /// <summary>
    /// Decodes an event; on failure returns null with the dead-letter reason and detail. String values of fields outside
    /// <c>keep</c> (bit = field index) are checked like any other but not turned into strings (the caller then keeps the record
    /// in <see cref="CityEvent.SourceRecord"/> for a late dead letter); numbers and booleans cost nothing to keep. The
    /// strings without escapes of fields in <paramref name="asBytes"/> are left as UTF-8 bytes of <paramref name="json"/>, made when first
    /// read (<see cref="CityEvent.SetStringBytes"/>). <c>leftOut</c> says whether a field's value was left out.
    /// </summary>
    public static CityEvent? Read(SourceSchema schema, ReadOnlySpan<byte> json, out string reason, out string detail, out bool leftOut, bool requireAll = true, ulong keep = ulong.MaxValue, DecodedBatch? recycled = null, ulong asBytes = 0)
    {
        var evt = recycled?.Rent(schema) ?? new CityEvent(schema);
        if (TryReadFlat(schema, json, evt, requireAll, keep, asBytes, out leftOut))
        {
            reason = string.Empty;
            detail = string.Empty;
            return evt;
        }

        // Whatever the scanner gave up on (an escape, a nested value, an error to report) the reader reads, from the start.
        evt.Reset();
        return ReadWithReader(schema, json, evt, out reason, out detail, out leftOut, requireAll, keep, asBytes);
    }

    /// <summary>As <see cref="Read"/>, with <see cref="Utf8JsonReader"/> only (no <see cref="FlatJsonScanner"/>), into an empty <paramref name="evt"/>.</summary>
    internal static CityEvent? ReadWithReader(SourceSchema schema, ReadOnlySpan<byte> json, CityEvent evt, out string reason, out string detail, out bool leftOut, bool requireAll = true, ulong keep = ulong.MaxValue, ulong asBytes = 0)
    {
        reason = string.Empty;
        detail = string.Empty;
        leftOut = false;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                reason = DeadLetterReasons.MalformedJson;
                detail = "expected a JSON object";
                return null;
            }

            ulong skipped = 0;
            Span<char> nameBuffer = stackalloc char[MaxPropertyNameChars];
            var hints = schema.JsonOrderHints;
            var position = 0;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    if (reader.Read() || reader.BytesConsumed != json.Length && !IsWhitespace(json[(int)reader.BytesConsumed..]))
                    {
                        reason = DeadLetterReasons.MalformedJson;
                        detail = "unexpected content after the JSON object";
                        return null;
                    }

                    var missing = requireAll ? FieldValidator.CheckRequired(schema, evt.PresentMask | skipped) : null;
                    if (missing is not null)
                    {
                        reason = DeadLetterReasons.SchemaViolation;
                        detail = missing;
                        return null;
                    }

                    leftOut = skipped != 0;
                    return evt;
                }

                var name = string.Empty;
                var hint = position < hints.Length ? hints[position] : null;
                var field = hint is not null && !reader.ValueIsEscaped && !reader.HasValueSequence && reader.ValueSpan.SequenceEqual(hint.Utf8Name)
                    ? hint
                    : FindField(schema, ref reader, nameBuffer, out name);
                if (position < hints.Length)
                {
                    hints[position] = field;
                }

                position++;
                if (!reader.Read())
                {
                    break;
                }

                if (field is null)
                {
                    reason = DeadLetterReasons.SchemaViolation;
                    detail = $"unknown field '{name}' (source {schema.Name} allows no other fields)";
                    return null;
                }

                string? error;
                if ((keep & (1UL << field.Index)) == 0 && field.Type == FieldType.String)
                {
                    error = CheckSkippedString(field, ref reader);
                    skipped |= 1UL << field.Index;
                }
                else
                {
                    error = (asBytes & (1UL << field.Index)) != 0 && field.Type == FieldType.String && TryLeaveAsBytes(field, ref reader, evt, json, out var checkError)
                        ? checkError
                        : ReadValue(field, ref reader, evt);
                }

                if (error is not null)
                {
                    reason = DeadLetterReasons.SchemaViolation;
                    detail = error;
                    return null;
                }
            }

            reason = DeadLetterReasons.MalformedJson;
            detail = "unexpected end of JSON";
            return null;
        }
        catch (JsonException ex)
        {
            reason = DeadLetterReasons.MalformedJson;
            detail = ex.Message;
            return null;
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader passes invalid UTF-8 inside a string; GetString then throws this. A bad record must never stop the host.
            reason = DeadLetterReasons.MalformedJson;
            detail = ex.Message;
            return null;
        }
    }

    private static bool IsWhitespace(ReadOnlySpan<byte> rest) => rest.Trim(" \n\r\t"u8).IsEmpty;

    private static FieldDefinition? FindField(SourceSchema schema, scoped ref Utf8JsonReader reader, scoped Span<char> buffer, out string name)
    {
        name = string.Empty;
        int length;
        if (!reader.ValueIsEscaped && !reader.HasValueSequence && reader.ValueSpan.Length <= buffer.Length)
        {
            if (!Ascii.IsValid(reader.ValueSpan))
            {
                name = reader.GetString() ?? string.Empty;
                return schema.Field(name);
            }

            length = Encoding.ASCII.GetChars(reader.ValueSpan, buffer);
        }
        else
        {
            name = reader.GetString() ?? string.Empty;
            return schema.Field(name);
        }

        if (schema.ByNameUtf16.TryGetValue(buffer[..length], out var field))
        {
            return field;
        }

        name = new string(buffer[..length]);
        return null;
    }

    private static string? ReadValue(FieldDefinition field, ref Utf8JsonReader reader, CityEvent evt)
    {
        switch (field.Type)
        {
            case FieldType.String:
                if (reader.TokenType != JsonTokenType.String)
                {
                    return TypeError(field, reader.TokenType);
                }

                return ReadString(field, ref reader, evt);
            case FieldType.Boolean:
                if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                {
                    return TypeError(field, reader.TokenType);
                }

                evt.SetNumber(field.Index, reader.TokenType == JsonTokenType.True ? 1 : 0);
                return null;
            case FieldType.Integer or FieldType.Timestamp:
                if (reader.TokenType != JsonTokenType.Number)
                {
                    return TypeError(field, reader.TokenType);
                }

                if (!reader.TryGetInt64(out var integer))
                {
                    return $"field '{field.Name}': {Encoding.UTF8.GetString(reader.ValueSpan)} is not an integer";
                }

                return SetNumber(field, evt, integer);
            default:
                if (reader.TokenType != JsonTokenType.Number)
                {
                    return TypeError(field, reader.TokenType);
                }

                return SetNumber(field, evt, !reader.HasValueSequence && DecimalNumbers.TryRead(reader.ValueSpan, out var plain) ? plain : reader.GetDouble());
        }
    }

    private static string? SetNumber(FieldDefinition field, CityEvent evt, double value)
    {
        var error = FieldValidator.CheckNumber(field, value);
        if (error is null)
        {
            evt.SetNumber(field.Index, value);
        }

        return error;
    }

    private static string? ReadString(FieldDefinition field, ref Utf8JsonReader reader, CityEvent evt)
    {
        if (field.EnumUtf8 is not null && !reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var interned = FieldValidator.MatchEnum(field, reader.ValueSpan);
            if (interned is null)
            {
                return FieldValidator.EnumError(field, reader.GetString() ?? string.Empty);
            }

            evt.SetString(field.Index, interned);
            return null;
        }

        var value = reader.GetString() ?? string.Empty;
        if (field.Enum is not null && !field.Enum.Contains(value))
        {
            return FieldValidator.EnumError(field, value);
        }

        var error = FieldValidator.CheckStringLength(field, value.Length);
        if (error is null)
        {
            evt.SetString(field.Index, value);
        }

        return error;
    }

    /// <summary>
    /// Leaves a free-text string value without escapes as its UTF-8 bytes in <paramref name="json"/>, checked as <see cref="ReadString"/>
    /// checks it; false (nothing done) for anything else.
    /// </summary>
    private static bool TryLeaveAsBytes(FieldDefinition field, ref Utf8JsonReader reader, CityEvent evt, ReadOnlySpan<byte> json, out string? error)
    {
        error = null;
        if (reader.TokenType != JsonTokenType.String || field.Enum is not null || reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return false;
        }

        var value = reader.ValueSpan;
        RequireUtf8(field, value);
        error = FieldValidator.CheckUtf8Length(field, value);
        if (error is null)
        {
            var start = (int)System.Runtime.CompilerServices.Unsafe.ByteOffset(
                ref System.Runtime.InteropServices.MemoryMarshal.GetReference(json), ref System.Runtime.InteropServices.MemoryMarshal.GetReference(value));
            evt.SetStringBytes(field.Index, start, value.Length);
        }

        return true;
    }

    /// <summary>Checks a string value no rule reads as <see cref="ReadString"/> would, without making a string of it when it can.</summary>
    private static string? CheckSkippedString(FieldDefinition field, ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return TypeError(field, reader.TokenType);
        }

        if (reader.ValueIsEscaped || reader.HasValueSequence || field.Enum is not null && field.EnumUtf8 is null)
        {
            var text = reader.GetString() ?? string.Empty;
            return field.Enum is not null && !field.Enum.Contains(text)
                ? FieldValidator.EnumError(field, text)
                : FieldValidator.CheckStringLength(field, text.Length);
        }

        var value = reader.ValueSpan;
        RequireUtf8(field, value);

        if (field.EnumUtf8 is not null)
        {
            return FieldValidator.MatchEnum(field, value) is null ? FieldValidator.EnumError(field, Encoding.UTF8.GetString(value)) : null;
        }

        return FieldValidator.CheckStringLength(field, Encoding.UTF8.GetCharCount(value));
    }

    /// <summary>Throws, as <c>GetString</c> would, when a string's bytes are not UTF-8: the record is malformed JSON whichever fields the rules read.</summary>
    private static void RequireUtf8(FieldDefinition field, ReadOnlySpan<byte> value)
    {
        if (!System.Text.Unicode.Utf8.IsValid(value))
        {
            throw new InvalidOperationException($"field '{field.Name}': the string is not valid UTF-8");
        }
    }

    private static string TypeError(FieldDefinition field, JsonTokenType token) =>
        $"field '{field.Name}': expected {field.Type.ToString().ToLowerInvariant()} but found {token.ToString().ToLowerInvariant()}";

    /// <summary>Writes an event as the JSON of its schema (fields in schema order, absent fields left out).</summary>
    public static void Write(CityEvent evt, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Write(evt, writer);
    }

    /// <summary>Writes an event as a JSON object value to <paramref name="writer"/> (fields in schema order, absent fields left out).</summary>
    public static void Write(CityEvent evt, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        foreach (var field in evt.Schema.Fields)
        {
            if (evt.Has(field))
            {
                WriteProperty(writer, evt, field);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a field the event has as a JSON property of its type (the event's JSON, an alert's evidence values).</summary>
    public static void WriteProperty(Utf8JsonWriter writer, CityEvent evt, FieldDefinition field)
    {
        if (field.Type == FieldType.String)
        {
            writer.WriteString(field.JsonName, evt.GetString(field.Index));
        }
        else
        {
            WriteNumericProperty(writer, field, evt.GetNumber(field.Index));
        }
    }

    /// <summary>Writes a numeric field's slot value (boolean, integer, time or number) as a JSON property of its type.</summary>
    public static void WriteNumericProperty(Utf8JsonWriter writer, FieldDefinition field, double value)
    {
        switch (field.Type)
        {
            case FieldType.Boolean:
                writer.WriteBoolean(field.JsonName, value != 0);
                break;
            case FieldType.Integer or FieldType.Timestamp:
                writer.WriteNumber(field.JsonName, (long)value);
                break;
            default:
                writer.WriteNumber(field.JsonName, value);
                break;
        }
    }
}
