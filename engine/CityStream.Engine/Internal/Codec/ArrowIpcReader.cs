using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace CityStream.Engine.Internal.Codec;

/// <summary>
/// Reads an Arrow IPC stream of flat record batches straight from the record's bytes: the schema message's fields and each record
/// batch's buffer positions, nothing else.
/// </summary>
/// <remarks>
/// Written by hand because Apache.Arrow's <c>ArrowStreamReader</c> builds a <c>Schema</c>, its fields and types, and an array object
/// per column for every Kafka record (each record is a stream of its own): with the simulator's batches of a few dozen GPS or meter
/// readings that was more than half of all-packs decoding (perf, <c>inproc.all-packs.arrow</c>). This reader covers the flat,
/// uncompressed, little-endian batches CityStream's connectors and the usual writers produce (UTF-8, bool, signed 32/64-bit integers,
/// float/double, millisecond timestamps). For anything else — dictionaries, compression, other types, names the source does not
/// know — <see cref="TryRead"/> returns false and the caller reads the record with Apache.Arrow, whose errors then name the problem.
/// It also checks what Apache.Arrow leaves unchecked (a corrupt row count once read as an empty batch, and the record was lost
/// without a trace): framing, metadata and buffers that do not hold together throw, and the record becomes a <c>malformed_arrow</c>
/// dead letter.
/// </remarks>
internal static class ArrowIpcReader
{
    private const byte SchemaMessage = 1;
    private const byte RecordBatchMessage = 3;

    // Type union members of Arrow's Schema.fbs.
    private const byte IntType = 2;
    private const byte FloatingPointType = 3;
    private const byte Utf8Type = 5;
    private const byte BoolType = 6;
    private const byte TimestampType = 10;

    /// <summary>
    /// The record batches of <paramref name="payload"/>, their columns by the source's field index; false (nothing added): a stream
    /// this reader leaves to Apache.Arrow. A stream whose framing, metadata or buffers do not hold together throws
    /// <see cref="InvalidDataException"/>.
    /// </summary>
    /// <param name="schema">The source the stream's columns are fields of.</param>
    /// <param name="payload">The record.</param>
    /// <param name="batches">Where the batches go.</param>
    /// <param name="scratch">Column maps and each source's last field mapping to reuse.</param>
    public static bool TryRead(SourceSchema schema, ReadOnlyMemory<byte> payload, List<(int Length, ArrowColumn?[] Columns)> batches, ArrowScratch? scratch = null)
    {
        var before = batches.Count;
        if (Read(schema, payload, batches, scratch))
        {
            return true;
        }

        batches.RemoveRange(before, batches.Count - before);
        return false;
    }

    private static bool Read(SourceSchema schema, ReadOnlyMemory<byte> payload, List<(int Length, ArrowColumn?[] Columns)> batches, ArrowScratch? scratch)
    {
        var bytes = payload.Span;
        var position = 0;
        (int Index, ArrowColumnKind Kind)[]? fields = null;
        while (position <= bytes.Length - 4)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes[position..]);
            position += 4;
            if (length == -1 && position <= bytes.Length - 4)
            {
                length = BinaryPrimitives.ReadInt32LittleEndian(bytes[position..]);
                position += 4;
            }

            if (length == 0)
            {
                return fields is not null ? true : throw Malformed("the stream ends before its schema");
            }

            if (length < 0 || length > bytes.Length - position)
            {
                throw Malformed($"a message's metadata length {length} runs past the record");
            }

            var messageBytes = bytes.Slice(position, length);
            var message = FlatTable.Root(messageBytes);
            position += length;
            var bodyLength = message.Int64(3);
            if (bodyLength < 0 || bodyLength > bytes.Length - position || !message.TryTable(2, out var header))
            {
                throw Malformed($"a message's body length {bodyLength} runs past the record");
            }

            var body = payload.Slice(position, (int)bodyLength);
            position += (int)bodyLength;
            switch (message.Byte(1))
            {
                case SchemaMessage when fields is null:
                    // A producer sends the same schema in every record: map its fields once (their names would be strings each time).
                    var known = scratch?.FieldsFor(schema, messageBytes);
                    fields = known ?? Fields(schema, header);
                    if (fields is null)
                    {
                        return false;
                    }

                    if (known is null)
                    {
                        scratch?.RememberFields(schema, messageBytes, fields);
                    }

                    break;
                case RecordBatchMessage when fields is not null:
                    if (!Batch(schema, header, body, fields, batches, scratch))
                    {
                        return false;
                    }

                    break;
                default:
                    return false; // dictionary batches, tensors, a second schema
            }
        }

        // A stream may end without its end-of-stream marker, but not in the middle of a message or before its schema.
        return fields is not null && position == bytes.Length ? true : throw Malformed("the record ends in the middle of a message");
    }

    private static InvalidDataException Malformed(string why) => new(why);

    /// <summary>Each Arrow field's source field index and kind; null when a field is not one this reader takes.</summary>
    private static (int Index, ArrowColumnKind Kind)[]? Fields(SourceSchema schema, FlatTable header)
    {
        if (header.Int16(0) != 0)
        {
            return null; // big-endian
        }

        var count = header.Vector(1, out var first);
        var fields = new (int, ArrowColumnKind)[count];
        for (var i = 0; i < count; i++)
        {
            var arrowField = header.TableAt(first, i);
            if (arrowField.Has(4) || arrowField.Vector(5, out _) != 0 || !arrowField.TryTable(3, out var type))
            {
                return null; // dictionary-encoded or nested
            }

            var field = schema.Field(Encoding.UTF8.GetString(arrowField.String(0)));
            var kind = KindOf(arrowField.Byte(2), type);
            if (field is null || kind is null || !Accepts(field.Type, kind.Value))
            {
                return null;
            }

            fields[i] = (field.Index, kind.Value);
        }

        return fields;
    }

    private static ArrowColumnKind? KindOf(byte typeType, FlatTable type) => typeType switch
    {
        Utf8Type => ArrowColumnKind.Utf8,
        BoolType => ArrowColumnKind.Boolean,
        IntType when type.Byte(1) != 0 && type.Int32(0) == 64 => ArrowColumnKind.Int64,
        IntType when type.Byte(1) != 0 && type.Int32(0) == 32 => ArrowColumnKind.Int32,
        FloatingPointType when type.Int16(0) == 2 => ArrowColumnKind.Double,
        FloatingPointType when type.Int16(0) == 1 => ArrowColumnKind.Float,
        TimestampType when type.Int16(0) == 1 => ArrowColumnKind.Int64,
        _ => null,
    };

    /// <summary>The same column types <c>ArrowBatchCodec</c> accepts from Apache.Arrow arrays.</summary>
    private static bool Accepts(FieldType type, ArrowColumnKind kind) => type switch
    {
        FieldType.String => kind == ArrowColumnKind.Utf8,
        FieldType.Boolean => kind == ArrowColumnKind.Boolean,
        FieldType.Integer or FieldType.Timestamp => kind is ArrowColumnKind.Int64 or ArrowColumnKind.Int32,
        _ => kind is ArrowColumnKind.Double or ArrowColumnKind.Float or ArrowColumnKind.Int64 or ArrowColumnKind.Int32,
    };

    private static bool Batch(SourceSchema schema, FlatTable header, ReadOnlyMemory<byte> body, (int Index, ArrowColumnKind Kind)[] fields, List<(int Length, ArrowColumn?[] Columns)> batches, ArrowScratch? scratch)
    {
        var rows = header.Int64(0);
        var nodeCount = header.Vector(1, out var firstNode);
        var bufferCount = header.Vector(2, out var firstBuffer);
        if (header.Has(3))
        {
            return false; // compressed
        }

        if (rows < 0 || rows > int.MaxValue || nodeCount != fields.Length)
        {
            throw Malformed($"a batch of {rows} rows has {nodeCount} field nodes for {fields.Length} fields");
        }

        var length = (int)rows;
        var columns = scratch?.ColumnsFor(batches.Count, schema.Fields.Count) ?? new ArrowColumn?[schema.Fields.Count];
        var buffer = 0;
        for (var i = 0; i < fields.Length; i++)
        {
            var node = header.StructAt(firstNode, i, 16);
            var nullCount = BinaryPrimitives.ReadInt64LittleEndian(node[8..]);
            var (index, kind) = fields[i];
            var buffers = kind == ArrowColumnKind.Utf8 ? 3 : 2;
            if (BinaryPrimitives.ReadInt64LittleEndian(node) != length || nullCount < 0 || nullCount > length || buffer + buffers > bufferCount)
            {
                throw Malformed($"column {i}'s length, null count or buffers do not match a batch of {length} rows");
            }

            var validity = Slice(header, firstBuffer, buffer, body);
            var offsets = kind == ArrowColumnKind.Utf8 ? Slice(header, firstBuffer, buffer + 1, body) : default;
            var values = Slice(header, firstBuffer, buffer + buffers - 1, body);
            buffer += buffers;
            if ((nullCount > 0 && validity.Length < (length + 7) / 8) || values.Length < MinimumValuesLength(kind, length, offsets.Span))
            {
                throw Malformed($"column {i}'s buffers are too short for {length} rows");
            }

            columns[index] = new ArrowColumn(kind, validity, offsets, values, (int)nullCount, 0);
        }

        batches.Add((length, columns));
        return true;
    }

    private static ReadOnlyMemory<byte> Slice(FlatTable header, int firstBuffer, int index, ReadOnlyMemory<byte> body)
    {
        var entry = header.StructAt(firstBuffer, index, 16);
        var offset = BinaryPrimitives.ReadInt64LittleEndian(entry);
        var length = BinaryPrimitives.ReadInt64LittleEndian(entry[8..]);
        if (offset < 0 || length < 0 || offset > body.Length - length)
        {
            throw new InvalidDataException("an Arrow buffer lies outside its message body");
        }

        return body.Slice((int)offset, (int)length);
    }

    /// <summary>The last of UTF-8 offsets that start at 0 or more and never decrease, else <see cref="long.MaxValue"/>.</summary>
    /// <remarks>Compared eight at a time: this runs over every string column of every batch (little-endian, as the readers' casts assume).</remarks>
    private static long OffsetsEnd(ReadOnlySpan<int> offsets)
    {
        if (offsets[0] < 0)
        {
            return long.MaxValue;
        }

        var current = offsets[..^1];
        var next = offsets[1..];
        var i = 0;
        for (; i <= current.Length - Vector256<int>.Count; i += Vector256<int>.Count)
        {
            if (Vector256.LessThanAny(Vector256.Create(next[i..]), Vector256.Create(current[i..])))
            {
                return long.MaxValue;
            }
        }

        for (; i < current.Length; i++)
        {
            if (next[i] < current[i])
            {
                return long.MaxValue;
            }
        }

        return offsets[^1];
    }

    /// <summary>Bytes the values buffer needs for <paramref name="length"/> rows (for UTF-8: up to the last offset, checked too).</summary>
    private static long MinimumValuesLength(ArrowColumnKind kind, int length, ReadOnlySpan<byte> offsets)
    {
        switch (kind)
        {
            case ArrowColumnKind.Utf8:
                if (offsets.Length < (length + 1) * 4L)
                {
                    return long.MaxValue;
                }

                return OffsetsEnd(MemoryMarshal.Cast<byte, int>(offsets[..((length + 1) * 4)]));
            case ArrowColumnKind.Boolean:
                return (length + 7) / 8;
            case ArrowColumnKind.Int64 or ArrowColumnKind.Double:
                return 8L * length;
            default:
                return 4L * length;
        }
    }
}
