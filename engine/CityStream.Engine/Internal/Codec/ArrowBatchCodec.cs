using System.Text;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace CityStream.Engine.Internal.Codec;

/// <summary>
/// Arrow IPC stream batches of one source: one column per schema field (string, double, int64 or bool,
/// nullable). Columns are read through their value spans and offsets, not per-row getters, and enum strings
/// are matched on their UTF-8 bytes and interned, so a row costs no allocation beyond its free-text strings.
/// </summary>
internal static class ArrowBatchCodec
{
    public static byte[] Write(IReadOnlyList<CityEvent> events)
    {
        if (events.Count == 0)
        {
            throw new ArgumentException("an Arrow batch needs at least one event", nameof(events));
        }

        var schema = events[0].Schema;
        var arrowSchema = ArrowSchemaFor(schema);
        var columns = new IArrowArray[schema.Fields.Count];
        foreach (var field in schema.Fields)
        {
            columns[field.Index] = BuildColumn(field, events);
        }

        using var stream = new MemoryStream();
        using (var writer = new ArrowStreamWriter(stream, arrowSchema, leaveOpen: true))
        {
            // The batch must stay reachable while it is written, or the GC may free Arrow's native buffers mid-copy (apache/arrow-dotnet#397).
            using var batch = new RecordBatch(arrowSchema, columns, events.Count);
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }

        return stream.ToArray();
    }

    public static Schema ArrowSchemaFor(SourceSchema schema)
    {
        var builder = new Schema.Builder();
        foreach (var field in schema.Fields)
        {
            builder.Field(f => f.Name(field.Name).DataType(ArrowTypeFor(field.Type)).Nullable(true));
        }

        return builder.Build();
    }

    private static IArrowType ArrowTypeFor(FieldType type) => type switch
    {
        FieldType.String => StringType.Default,
        FieldType.Boolean => BooleanType.Default,
        FieldType.Integer or FieldType.Timestamp => Int64Type.Default,
        _ => DoubleType.Default,
    };

    private static IArrowArray BuildColumn(FieldDefinition field, IReadOnlyList<CityEvent> events) => field.Type switch
    {
        FieldType.String => Column<StringArray, StringArray.Builder>(new StringArray.Builder(), field, events, (b, e) => b.Append(e.GetString(field.Index))),
        FieldType.Boolean => Column<BooleanArray, BooleanArray.Builder>(new BooleanArray.Builder(), field, events, (b, e) => b.Append(e.GetBoolean(field.Index))),
        FieldType.Integer or FieldType.Timestamp => Column<Int64Array, Int64Array.Builder>(new Int64Array.Builder(), field, events, (b, e) => b.Append((long)e.GetNumber(field.Index))),
        _ => Column<DoubleArray, DoubleArray.Builder>(new DoubleArray.Builder(), field, events, (b, e) => b.Append(e.GetNumber(field.Index))),
    };

    private static IArrowArray Column<TArray, TBuilder>(TBuilder builder, FieldDefinition field, IReadOnlyList<CityEvent> events, Action<TBuilder, CityEvent> append)
        where TArray : IArrowArray
        where TBuilder : IArrowArrayBuilder<TArray, TBuilder>
    {
        foreach (var e in events)
        {
            if (e.Has(field))
            {
                append(builder, e);
            }
            else
            {
                builder.AppendNull();
            }
        }

        return builder.Build(default);
    }

    /// <summary>Reads every batch of the stream into events; bad rows become dead letters, an unreadable stream one dead letter.</summary>
    public static void Read(SourceSchema schema, ReadOnlyMemory<byte> payload, EventOrigin origin, DecodedBatch output)
    {
        var rowBase = 0;
        try
        {
            using var reader = new ArrowStreamReader(payload);
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                using (batch)
                {
                    var columnError = MapColumns(schema, batch, out var columns);
                    if (columnError is not null)
                    {
                        output.DeadLetters.Add(new DeadLetter(schema.Name, DeadLetterReasons.SchemaViolation, columnError, origin with { Row = rowBase }, payload));
                    }
                    else
                    {
                        ReadRows(schema, batch.Length, columns, origin, rowBase, payload, output);
                    }

                    rowBase += batch.Length;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException or IOException or InvalidOperationException or OverflowException or IndexOutOfRangeException or NotSupportedException)
        {
            output.DeadLetters.Add(new DeadLetter(schema.Name, DeadLetterReasons.MalformedArrow, $"unreadable Arrow IPC stream: {ex.Message}", origin with { Row = rowBase }, payload));
        }
    }

    private static string? MapColumns(SourceSchema schema, RecordBatch batch, out IArrowArray?[] columns)
    {
        columns = new IArrowArray?[schema.Fields.Count];
        for (var c = 0; c < batch.Schema.FieldsList.Count; c++)
        {
            var arrowField = batch.Schema.FieldsList[c];
            var field = schema.Field(arrowField.Name);
            if (field is null)
            {
                return $"unknown column '{arrowField.Name}' (source {schema.Name} allows no other fields)";
            }

            var column = batch.Column(c);
            var ok = field.Type switch
            {
                FieldType.String => column is StringArray,
                FieldType.Boolean => column is BooleanArray,
                FieldType.Integer => column is Int64Array or Int32Array,
                FieldType.Timestamp => column is Int64Array || column is TimestampArray { Data.DataType: TimestampType { Unit: TimeUnit.Millisecond } },
                _ => column is DoubleArray or FloatArray or Int64Array or Int32Array,
            };
            if (!ok)
            {
                return $"column '{field.Name}': expected {field.Type.ToString().ToLowerInvariant()} but found Arrow {column.Data.DataType.Name}";
            }

            columns[field.Index] = column;
        }

        return null;
    }

    private static void ReadRows(SourceSchema schema, int length, IArrowArray?[] columns, EventOrigin origin, int rowBase, ReadOnlyMemory<byte> payload, DecodedBatch output)
    {
        var events = new CityEvent[length];
        for (var r = 0; r < length; r++)
        {
            events[r] = new CityEvent(schema) { Origin = origin with { Row = rowBase + r } };
        }

        var errors = new string?[length];
        foreach (var field in schema.Fields)
        {
            var column = columns[field.Index];
            if (column is not null)
            {
                ReadColumn(field, column, events, errors);
            }
        }

        for (var r = 0; r < length; r++)
        {
            var error = errors[r] ?? FieldValidator.CheckRequired(schema, events[r].PresentMask);
            if (error is null)
            {
                output.Events.Add(events[r]);
            }
            else
            {
                output.DeadLetters.Add(new DeadLetter(schema.Name, DeadLetterReasons.SchemaViolation, $"row {rowBase + r}: {error}", origin with { Row = rowBase + r }, payload));
            }
        }
    }

    private static void ReadColumn(FieldDefinition field, IArrowArray column, CityEvent[] events, string?[] errors)
    {
        var index = field.Index;
        var hasNulls = column.NullCount > 0;
        switch (column)
        {
            case StringArray strings:
                var offsets = strings.ValueOffsets;
                var bytes = strings.Values;
                for (var r = 0; r < events.Length; r++)
                {
                    if (errors[r] is not null || (hasNulls && strings.IsNull(r)))
                    {
                        continue;
                    }

                    var value = bytes[offsets[r]..offsets[r + 1]];
                    if (field.EnumUtf8 is not null)
                    {
                        var interned = FieldValidator.MatchEnum(field, value);
                        if (interned is null)
                        {
                            errors[r] = FieldValidator.EnumError(field, Encoding.UTF8.GetString(value));
                        }
                        else
                        {
                            events[r].SetString(index, interned);
                        }

                        continue;
                    }

                    var text = Encoding.UTF8.GetString(value);
                    errors[r] = FieldValidator.CheckStringLength(field, text.Length);
                    events[r].SetString(index, text);
                }

                break;
            case BooleanArray booleans:
                for (var r = 0; r < events.Length; r++)
                {
                    if (errors[r] is null && booleans.GetValue(r) is { } b)
                    {
                        events[r].SetNumber(index, b ? 1 : 0);
                    }
                }

                break;
            case DoubleArray doubles:
                ReadNumbers(field, doubles.Values, hasNulls ? doubles : null, events, errors);
                break;
            case Int64Array longs:
                ReadNumbers(field, longs.Values, hasNulls ? longs : null, events, errors);
                break;
            case TimestampArray stamps:
                ReadNumbers(field, stamps.Values, hasNulls ? stamps : null, events, errors);
                break;
            case Int32Array ints:
                ReadNumbers(field, ints.Values, hasNulls ? ints : null, events, errors);
                break;
            case FloatArray floats:
                ReadNumbers(field, floats.Values, hasNulls ? floats : null, events, errors);
                break;
        }
    }

    private static void ReadNumbers<T>(FieldDefinition field, ReadOnlySpan<T> values, IArrowArray? nullable, CityEvent[] events, string?[] errors)
        where T : struct, System.Numerics.INumberBase<T>
    {
        for (var r = 0; r < events.Length; r++)
        {
            if (errors[r] is not null || (nullable is not null && nullable.IsNull(r)))
            {
                continue;
            }

            var value = double.CreateTruncating(values[r]);
            errors[r] = FieldValidator.CheckNumber(field, value);
            events[r].SetNumber(field.Index, value);
        }
    }
}
