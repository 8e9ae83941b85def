using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace CityStream.Engine.Internal.Codec;

/// <content>
/// The fast path: a flat record read with <see cref="FlatJsonScanner"/>, taken only when every field reads and checks out. Each value
/// is read and checked as the reader's path reads and checks it; wherever that path would take another turn (an error to report, an
/// enum without UTF-8 names, a number for the general parser), this one gives up and the reader's path reads the record.
/// </content>
internal static partial class JsonEventReader
{
    /// <summary>Reads a flat, valid event into the empty <paramref name="evt"/>; false when the reader's path must read it (the event is then half filled).</summary>
    internal static bool TryReadFlat(SourceSchema schema, ReadOnlySpan<byte> json, CityEvent evt, bool requireAll, ulong keep, ulong asBytes, out bool leftOut)
    {
        leftOut = false;
        var scanner = new FlatJsonScanner(json);
        if (!scanner.TryStart())
        {
            return false;
        }

        Span<char> nameBuffer = stackalloc char[MaxPropertyNameChars];
        var hints = schema.JsonOrderHints;
        ulong skipped = 0;
        for (var position = 0; ; position++)
        {
            switch (scanner.Next(out var name, out var token, out var value))
            {
                case FlatJsonScanner.Step.End:
                    if (requireAll && FieldValidator.CheckRequired(schema, evt.PresentMask | skipped) is not null)
                    {
                        return false;
                    }

                    leftOut = skipped != 0;
                    return true;
                case FlatJsonScanner.Step.Unsupported:
                    return false;
            }

            var hint = position < hints.Length ? hints[position] : null;
            var field = hint is not null && name.SequenceEqual(hint.Utf8Name) ? hint : FindAsciiField(schema, name, nameBuffer);
            if (field is null)
            {
                return false;
            }

            if (position < hints.Length)
            {
                hints[position] = field;
            }

            var bit = 1UL << field.Index;
            bool read;
            if ((keep & bit) == 0 && field.Type == FieldType.String)
            {
                read = token == JsonTokenType.String && CheckSkippedFlatString(field, value);
                skipped |= bit;
            }
            else if ((asBytes & bit) != 0 && field.Type == FieldType.String && token == JsonTokenType.String && field.Enum is null)
            {
                read = Utf8.IsValid(value) && FieldValidator.CheckUtf8Length(field, value) is null;
                if (read)
                {
                    evt.SetStringBytes(field.Index, (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(json), ref MemoryMarshal.GetReference(value)), value.Length);
                }
            }
            else
            {
                read = ReadFlatValue(field, token, value, evt);
            }

            if (!read)
            {
                return false;
            }
        }
    }

    private static FieldDefinition? FindAsciiField(SourceSchema schema, ReadOnlySpan<byte> name, Span<char> buffer)
    {
        // The scanner gives names of printable ASCII only: each byte is its char.
        if (name.Length > buffer.Length)
        {
            return null;
        }

        var length = Encoding.ASCII.GetChars(name, buffer);
        return schema.ByNameUtf16.TryGetValue(buffer[..length], out var field) ? field : null;
    }

    /// <summary>As <see cref="CheckSkippedString"/> passes an unescaped string.</summary>
    private static bool CheckSkippedFlatString(FieldDefinition field, ReadOnlySpan<byte> value)
    {
        if (field.Enum is not null && field.EnumUtf8 is null || !Utf8.IsValid(value))
        {
            return false;
        }

        return field.EnumUtf8 is not null
            ? FieldValidator.MatchEnum(field, value) is not null
            : FieldValidator.CheckStringLength(field, Encoding.UTF8.GetCharCount(value)) is null;
    }

    /// <summary>As <see cref="ReadValue"/> reads a value without an error.</summary>
    private static bool ReadFlatValue(FieldDefinition field, JsonTokenType token, ReadOnlySpan<byte> value, CityEvent evt)
    {
        switch (field.Type)
        {
            case FieldType.String:
                if (token != JsonTokenType.String)
                {
                    return false;
                }

                if (field.EnumUtf8 is not null)
                {
                    if (FieldValidator.MatchEnum(field, value) is not { } interned)
                    {
                        return false;
                    }

                    evt.SetString(field.Index, interned);
                    return true;
                }

                // Invalid UTF-8 is an error the reader reports (GetString throws).
                if (field.Enum is not null || !Utf8.IsValid(value))
                {
                    return false;
                }

                var text = Encoding.UTF8.GetString(value);
                if (FieldValidator.CheckStringLength(field, text.Length) is not null)
                {
                    return false;
                }

                evt.SetString(field.Index, text);
                return true;
            case FieldType.Boolean:
                if (token is not (JsonTokenType.True or JsonTokenType.False))
                {
                    return false;
                }

                evt.SetNumber(field.Index, token == JsonTokenType.True ? 1 : 0);
                return true;
            case FieldType.Integer or FieldType.Timestamp:
                // Utf8JsonReader.TryGetInt64 is this parse of the whole token.
                return token == JsonTokenType.Number && Utf8Parser.TryParse(value, out long integer, out var consumed) && consumed == value.Length
                    && SetNumber(field, evt, integer) is null;
            default:
                return token == JsonTokenType.Number && DecimalNumbers.TryRead(value, out var plain) && SetNumber(field, evt, plain) is null;
        }
    }
}
