using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using CityStream.Engine;
using CityStream.Engine.Internal.Codec;

namespace CityStream.Engine.Tests.Decoding;

public sealed class ArrowIpcReaderTests
{
    private static readonly SourceSchema Gps = TestEvents.Source("vehicle_gps");
    private static readonly EventOrigin Origin = new("city.vehicle-gps", 0, 5);

    private static byte[] Stream(Schema schema, params RecordBatch[] batches)
    {
        using var stream = new MemoryStream();
        using (var writer = new ArrowStreamWriter(stream, schema, leaveOpen: true))
        {
            foreach (var batch in batches)
            {
                writer.WriteRecordBatch(batch);
            }

            writer.WriteEnd();
        }

        return stream.ToArray();
    }

    /// <summary>GPS fixes as another writer might send them: 32-bit float speed, int32 heading, millisecond timestamps, nulls.</summary>
    private static (Schema Schema, RecordBatch Batch) OtherWriterBatch(int rows, int start)
    {
        var schema = new Schema.Builder()
            .Field(f => f.Name("id").DataType(StringType.Default))
            .Field(f => f.Name("ts").DataType(new TimestampType(TimeUnit.Millisecond, (string?)null)))
            .Field(f => f.Name("plate").DataType(StringType.Default))
            .Field(f => f.Name("vehicle_class").DataType(StringType.Default))
            .Field(f => f.Name("lat").DataType(DoubleType.Default))
            .Field(f => f.Name("lon").DataType(DoubleType.Default))
            .Field(f => f.Name("speed_kmh").DataType(FloatType.Default))
            .Field(f => f.Name("heading").DataType(Int32Type.Default))
            .Build();
        var ids = new StringArray.Builder();
        var times = new TimestampArray.Builder(TimeUnit.Millisecond, TimeZoneInfo.Utc);
        var plates = new StringArray.Builder();
        var classes = new StringArray.Builder();
        var lats = new DoubleArray.Builder();
        var lons = new DoubleArray.Builder();
        var speeds = new FloatArray.Builder();
        var headings = new Int32Array.Builder();
        for (var i = start; i < start + rows; i++)
        {
            ids.Append($"g{i}");
            times.Append(DateTimeOffset.FromUnixTimeMilliseconds(TestEvents.T0 + i));
            plates.Append($"苏F{i:D5}");
            classes.Append(i % 2 == 0 ? "hazmat_tanker" : "bus");
            lats.Append(32.0 + (i * 0.001));
            lons.Append(120.9);
            if (i % 3 == 0)
            {
                speeds.AppendNull();
                headings.AppendNull();
            }
            else
            {
                speeds.Append(i % 50);
                headings.Append(i % 360);
            }
        }

        IArrowArray[] columns = [ids.Build(), times.Build(), plates.Build(), classes.Build(), lats.Build(), lons.Build(), speeds.Build(), headings.Build()];
        return (schema, new RecordBatch(schema, columns, rows));
    }

    [Fact]
    public void Batches_of_every_supported_type_with_nulls_are_read_without_apache_arrow_and_decode_every_value()
    {
        var (schema, first) = OtherWriterBatch(40, 0);
        var (_, second) = OtherWriterBatch(25, 40);
        var bytes = Stream(schema, first, second);
        var batches = new List<(int Length, ArrowColumn?[] Columns)>();

        Assert.True(ArrowIpcReader.TryRead(Gps, bytes, batches));
        Assert.Equal([40, 25], batches.Select(b => b.Length));

        var decoded = new DecodedBatch();
        EventCodec.Decode(Gps, bytes, ContentTypes.Arrow, Origin, decoded);
        Assert.Empty(decoded.DeadLetters);
        Assert.Equal(65, decoded.Events.Count);
        var speed = Gps.Field("speed_kmh")!;
        var heading = Gps.Field("heading")!;
        for (var i = 0; i < 65; i++)
        {
            var e = decoded.Events[i];
            Assert.Equal($"g{i}", e.Id);
            Assert.Equal(TestEvents.T0 + i, e.Timestamp);
            Assert.Equal($"苏F{i:D5}", e.GetValue(Gps.Field("plate")!));
            Assert.Equal(i % 2 == 0 ? "hazmat_tanker" : "bus", e.GetValue(Gps.Field("vehicle_class")!));
            Assert.Equal(32.0 + (i * 0.001), e.GetNumber(Gps.Field("lat")!.Index));
            Assert.Equal(i % 3 != 0, e.Has(speed));
            Assert.Equal(i % 3 == 0 ? null : (double)(i % 50), e.GetValue(speed));
            Assert.Equal(i % 3 == 0 ? null : (double)(i % 360), e.GetValue(heading));
            Assert.Equal(Origin with { Row = i }, e.Origin);
        }
    }

    [Fact]
    public void One_decoder_reading_records_of_other_columns_and_sources_in_turn_gives_each_what_it_gives_alone()
    {
        // A decoder keeps its column maps and each source's field mapping for the next record: nothing of one record may leak into
        // the next, whether it has fewer columns, another column order or another source.
        var full = EventCodec.ToArrowBatch([.. Enumerable.Range(0, 3).Select(i => TestEvents.Make("vehicle_gps", ("id", $"f{i}"), ("ts", TestEvents.T0 + i),
            ("plate", "苏F00001"), ("vehicle_class", "bus"), ("lat", 32.0), ("lon", 120.9), ("speed_kmh", 3.0), ("heading", 90.0), ("district", "崇川区"), ("grid", "G1")))]);
        var (otherSchema, otherBatch) = OtherWriterBatch(4, 0);
        var other = Stream(otherSchema, otherBatch);
        var police = TestEvents.Source("police_event");
        var incidents = EventCodec.ToArrowBatch([.. Enumerable.Range(0, 2).Select(i => TestEvents.Make("police_event", ("id", $"p{i}"), ("ts", TestEvents.T0 + i),
            ("event_class", "theft"), ("major", true), ("grid", "G9")))]);
        (SourceSchema Source, byte[] Record)[] records = [(Gps, full), (Gps, other), (police, incidents), (Gps, other), (Gps, full), (police, incidents), (Gps, full)];

        var shared = new DecodedBatch();
        foreach (var (source, record) in records)
        {
            var alone = new DecodedBatch();
            EventCodec.Decode(source, record, ContentTypes.Arrow, Origin, alone);
            shared.Clear();
            EventCodec.Decode(source, record, ContentTypes.Arrow, Origin, shared);

            Assert.Empty(shared.DeadLetters);
            Assert.Equal(alone.Events.Count, shared.Events.Count);
            for (var i = 0; i < alone.Events.Count; i++)
            {
                Assert.Equal(alone.Events[i].PresentMask, shared.Events[i].PresentMask);
                Assert.Equal(source.Fields.Select(alone.Events[i].GetValue), source.Fields.Select(shared.Events[i].GetValue));
            }

            Assert.Equal(ReferenceEquals(record, other), !shared.Events[0].Has(source.Field("grid")!));
        }
    }

    [Fact]
    public void Batches_the_engine_writes_are_read_without_apache_arrow()
    {
        var events = Enumerable.Range(0, 10).Select(i => TestEvents.Make("police_event", ("id", $"p{i}"), ("ts", TestEvents.T0 + i),
            ("event_class", "theft"), ("major", i % 2 == 0), ("grid", "G1"))).ToList();
        var police = TestEvents.Source("police_event");
        var batches = new List<(int Length, ArrowColumn?[] Columns)>();

        Assert.True(ArrowIpcReader.TryRead(police, EventCodec.ToArrowBatch(events), batches));
        var decoded = new DecodedBatch();
        EventCodec.Decode(police, EventCodec.ToArrowBatch(events), ContentTypes.Arrow, Origin, decoded);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (object)(i % 2 == 0)), decoded.Events.Select(e => e.GetValue(police.Field("major")!)));
    }

    [Fact]
    public void Unsigned_column_is_left_to_apache_arrow_which_dead_letters_the_batch_by_name()
    {
        var schema = new Schema.Builder().Field(f => f.Name("id").DataType(StringType.Default)).Field(f => f.Name("heading").DataType(UInt32Type.Default)).Build();
        var bytes = Stream(schema, new RecordBatch(schema, [new StringArray.Builder().Append("g1").Build(), new UInt32Array.Builder().Append(7).Build()], 1));
        var decoded = new DecodedBatch();

        Assert.False(ArrowIpcReader.TryRead(Gps, bytes, []));
        EventCodec.Decode(Gps, bytes, ContentTypes.Arrow, Origin, decoded);

        var letter = Assert.Single(decoded.DeadLetters);
        Assert.Equal(DeadLetterReasons.SchemaViolation, letter.Reason);
        Assert.Contains("column 'heading'", letter.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(13)]
    [InlineData(18)]
    public void String_offsets_that_go_back_make_the_record_a_malformed_arrow_dead_letter(int row)
    {
        // 20 rows: 21 offsets, compared eight at a time and then one by one; the rows cover both and the first offset.
        var (schema, batch) = OtherWriterBatch(20, 0);
        var bytes = Stream(schema, batch);
        var batches = new List<(int Length, ArrowColumn?[] Columns)>();
        Assert.True(ArrowIpcReader.TryRead(Gps, bytes, batches));
        Assert.True(MemoryMarshal.TryGetArray(batches[0].Columns[Gps.Field("plate")!.Index]!.Value.Offsets, out var offsets));
        var at = offsets.Offset + (4 * row);
        var next = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 4));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), row == 0 ? -1 : next + 1);
        var decoded = new DecodedBatch();

        EventCodec.Decode(Gps, bytes, ContentTypes.Arrow, Origin, decoded);

        Assert.Empty(decoded.Events);
        var letter = Assert.Single(decoded.DeadLetters);
        Assert.Equal(DeadLetterReasons.MalformedArrow, letter.Reason);
        Assert.Contains("too short", letter.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_single_corrupted_byte_gives_events_or_dead_letters_and_never_an_exception()
    {
        var (schema, batch) = OtherWriterBatch(3, 0);
        var bytes = Stream(schema, batch);
        for (var i = 0; i < bytes.Length; i++)
        {
            foreach (var flip in (byte[])[0xFF, 0x80, 0x01])
            {
                var corrupt = (byte[])bytes.Clone();
                corrupt[i] ^= flip;
                var decoded = new DecodedBatch();

                EventCodec.Decode(Gps, corrupt, ContentTypes.Arrow, Origin, decoded);

                Assert.True(decoded.Events.Count + decoded.DeadLetters.Count >= 1, $"byte {i} ^ {flip:x2}: nothing came out");
            }
        }
    }
}
