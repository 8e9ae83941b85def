using System.Runtime.InteropServices;
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

    /// <summary>
    /// Reads every batch of the stream into events; bad rows become dead letters, an unreadable stream one dead letter. String columns
    /// outside <paramref name="keep"/> (bit = field index) are checked but not turned into strings (the events then keep the stream
    /// for a late dead letter).
    /// </summary>
    public static void Read(SourceSchema schema, ReadOnlyMemory<byte> payload, EventOrigin origin, DecodedBatch output, ulong keep = ulong.MaxValue, ulong asBytes = 0)
    {
        var rowBase = 0;
        var scratch = output.ArrowScratch;
        try
        {
            var batches = scratch.Batches;
            batches.Clear();
            if (ArrowIpcReader.TryRead(schema, payload, batches, scratch))
            {
                foreach (var (length, columns) in batches)
                {
                    ReadRows(schema, length, columns, origin, rowBase, payload, output, keep, asBytes);
                    rowBase += length;
                }

                return;
            }

            using var reader = new ArrowStreamReader(payload);
            var any = false;
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                any = true;
                using (batch)
                {
                    var columnError = MapColumns(schema, batch, out var columns);
                    if (columnError is not null)
                    {
                        output.DeadLetters.Add(new DeadLetter(schema.Name, DeadLetterReasons.SchemaViolation, columnError, origin with { Row = rowBase }, payload));
                    }
                    else
                    {
                        ReadRows(schema, batch.Length, columns, origin, rowBase, payload, output, keep, asBytes);
                    }

                    rowBase += batch.Length;
                }
            }

            if (!any)
            {
                // Apache.Arrow ends quietly on some corrupt framing: a record that gave nothing must still be accounted for.
                output.DeadLetters.Add(new DeadLetter(schema.Name, DeadLetterReasons.MalformedArrow, "unreadable Arrow IPC stream: it holds no record batch", origin, payload));
            }
        }
        // Apache.Arrow throws plain Exceptions too ("Unexpected bit width ..." on a corrupt type): a bad record must never stop the host.
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            output.DeadLetters.Add(new DeadLetter(schema.Name, DeadLetterReasons.MalformedArrow, $"unreadable Arrow IPC stream: {ex.Message}", origin with { Row = rowBase }, payload));
        }
        finally
        {
            scratch.Release();
        }
    }

    private static string? MapColumns(SourceSchema schema, RecordBatch batch, out ArrowColumn?[] columns)
    {
        columns = new ArrowColumn?[schema.Fields.Count];
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

            columns[field.Index] = ArrowColumn.From(column);
        }

        return null;
    }

    private static void ReadRows(SourceSchema schema, int length, ArrowColumn?[] columns, EventOrigin origin, int rowBase, ReadOnlyMemory<byte> payload, DecodedBatch output, ulong keep, ulong asBytes)
    {
        var scratch = output.ArrowScratch;
        var events = scratch.Events(length);
        for (var r = 0; r < length; r++)
        {
            var evt = output.Rent(schema);
            evt.Origin = origin with { Row = rowBase + r };
            events[r] = evt;
        }

        var errors = scratch.Errors(length);
        var skipped = Span<ulong>.Empty;
        var stringsLeftAsBytes = false;
        MemoryMarshal.TryGetArray(payload, out var record);
        var fields = schema.Fields;
        for (var f = 0; f < fields.Count; f++)
        {
            var field = fields[f];
            // By reference: a column is 64 bytes, and copying it per field and again into each call was a tenth of the two methods'
            // own time on the simulated city's Arrow batches, which hold a few rows each (perf, all packs: 2 % of the pass).
            ref readonly var slot = ref columns[field.Index];
            if (!slot.HasValue)
            {
                continue;
            }

            ref readonly var column = ref Nullable.GetValueRefOrDefaultRef(in slot);

            if (field.Type == FieldType.String && column.Kind == ArrowColumnKind.Utf8 && (keep & (1UL << field.Index)) == 0)
            {
                if (skipped.IsEmpty)
                {
                    skipped = scratch.Present(length);
                }

                CheckSkippedColumn(field, in column, errors, skipped);
            }
            else
            {
                var valuesStart = (asBytes & (1UL << field.Index)) != 0 && field.EnumUtf8 is null ? ValuesStartInRecord(record, in column) : -1;
                stringsLeftAsBytes |= valuesStart >= 0;
                ReadColumn(field, in column, events, errors, valuesStart);
            }
        }

        var keepRecord = !skipped.IsEmpty || stringsLeftAsBytes;
        for (var r = 0; r < length; r++)
        {
            var error = errors[r] ?? FieldValidator.CheckRequired(schema, events[r].PresentMask | (skipped.IsEmpty ? 0 : skipped[r]));
            if (error is null)
            {
                if (keepRecord)
                {
                    events[r].SourceRecord = payload;
                    events[r].SourceRecordIsArrow = true;
                    events[r].FieldsLeftOut = !skipped.IsEmpty;
                }

                output.Events.Add(events[r]);
            }
            else
            {
                output.DeadLetters.Add(new DeadLetter(schema.Name, DeadLetterReasons.SchemaViolation, $"row {rowBase + r}: {error}", origin with { Row = rowBase + r }, payload));
            }
        }
    }

    /// <summary>Where a UTF-8 column's values start in the record, when they lie in the record's own array; else -1.</summary>
    private static int ValuesStartInRecord(ArraySegment<byte> record, in ArrowColumn column) =>
        column.Kind == ArrowColumnKind.Utf8 && record.Array is not null && MemoryMarshal.TryGetArray(column.Values, out var values) && ReferenceEquals(values.Array, record.Array)
            ? values.Offset - record.Offset
            : -1;

    /// <summary>Checks a string column no rule reads as <see cref="ReadColumn"/> would, marking where it has values, without making strings.</summary>
    private static void CheckSkippedColumn(FieldDefinition field, in ArrowColumn column, Span<string?> errors, Span<ulong> present)
    {
        var validity = column.Validity.Span;
        var first = column.Offset;
        var offsets = MemoryMarshal.Cast<byte, int>(column.Offsets.Span);
        var bytes = column.Values.Span;
        var bit = 1UL << field.Index;
        for (var r = 0; r < errors.Length; r++)
        {
            if (errors[r] is not null || column.IsNull(validity, r))
            {
                continue;
            }

            present[r] |= bit;
            var value = bytes[offsets[first + r]..offsets[first + r + 1]];
            if (field.EnumUtf8 is not null)
            {
                if (FieldValidator.MatchEnum(field, value) is null)
                {
                    errors[r] = FieldValidator.EnumError(field, Encoding.UTF8.GetString(value));
                }

                continue;
            }

            errors[r] = FieldValidator.CheckUtf8Length(field, value);
        }
    }

    /// <summary>
    /// Reads a column into the events. With <paramref name="valuesStart"/> at or above 0 (free-text strings lying in the record's array),
    /// strings are left as UTF-8 bytes of the record (<see cref="CityEvent.SetStringBytes"/>) to be made when a rule first reads them.
    /// </summary>
    private static void ReadColumn(FieldDefinition field, in ArrowColumn column, Span<CityEvent> events, Span<string?> errors, int valuesStart)
    {
        var index = field.Index;
        var validity = column.Validity.Span;
        var first = column.Offset;
        switch (column.Kind)
        {
            case ArrowColumnKind.Utf8:
                var offsets = MemoryMarshal.Cast<byte, int>(column.Offsets.Span);
                var bytes = column.Values.Span;
                for (var r = 0; r < events.Length; r++)
                {
                    if (errors[r] is not null || column.IsNull(validity, r))
                    {
                        continue;
                    }

                    var value = bytes[offsets[first + r]..offsets[first + r + 1]];
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

                    if (valuesStart >= 0)
                    {
                        errors[r] = FieldValidator.CheckUtf8Length(field, value);
                        events[r].SetStringBytes(index, valuesStart + offsets[first + r], value.Length);
                        continue;
                    }

                    var text = Encoding.UTF8.GetString(value);
                    errors[r] = FieldValidator.CheckStringLength(field, text.Length);
                    events[r].SetString(index, text);
                }

                break;
            case ArrowColumnKind.Boolean:
                var bits = column.Values.Span;
                for (var r = 0; r < events.Length; r++)
                {
                    if (errors[r] is null && !column.IsNull(validity, r))
                    {
                        var bit = first + r;
                        events[r].SetNumber(index, (bits[bit >> 3] >> (bit & 7)) & 1);
                    }
                }

                break;
            case ArrowColumnKind.Int64:
                ReadNumbers(field, column.ValuesAs<long>()[first..], in column, events, errors);
                break;
            case ArrowColumnKind.Int32:
                ReadNumbers(field, column.ValuesAs<int>()[first..], in column, events, errors);
                break;
            case ArrowColumnKind.Double:
                ReadNumbers(field, column.ValuesAs<double>()[first..], in column, events, errors);
                break;
            default:
                ReadNumbers(field, column.ValuesAs<float>()[first..], in column, events, errors);
                break;
        }
    }

    private static void ReadNumbers<T>(FieldDefinition field, ReadOnlySpan<T> values, in ArrowColumn column, Span<CityEvent> events, Span<string?> errors)
        where T : struct, System.Numerics.INumberBase<T>
    {
        var validity = column.Validity.Span;
        var index = field.Index;
        for (var r = 0; r < events.Length; r++)
        {
            if (errors[r] is not null || column.IsNull(validity, r))
            {
                continue;
            }

            var value = double.CreateTruncating(values[r]);
            errors[r] = FieldValidator.CheckNumber(field, value);
            events[r].SetNumber(index, value);
        }
    }
}
