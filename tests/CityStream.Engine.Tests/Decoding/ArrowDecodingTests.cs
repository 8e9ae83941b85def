using Apache.Arrow;
using Apache.Arrow.Ipc;
using CityStream.Engine;

namespace CityStream.Engine.Tests.Decoding;

public sealed class ArrowDecodingTests
{
    private static readonly SourceSchema Gps = TestEvents.Source("vehicle_gps");
    private static readonly EventOrigin Origin = new("city.vehicle-gps", 1, 77);

    private static CityEvent Fix(int i, string vehicleClass = "hazmat_truck", double speed = 12.5) => TestEvents.Make("vehicle_gps",
        ("id", $"g{i}"), ("ts", TestEvents.T0 + (i * 1000L)), ("plate", $"苏F{10000 + i}"), ("vehicle_class", vehicleClass),
        ("lat", 32.0 + (i * 0.0001)), ("lon", 120.8), ("speed_kmh", speed));

    [Fact]
    public void Arrow_batch_round_trips_every_event_and_field()
    {
        var events = Enumerable.Range(0, 500).Select(i => Fix(i)).ToList();
        var batch = new DecodedBatch();

        EventCodec.Decode(Gps, EventCodec.ToArrowBatch(events), ContentTypes.Arrow, Origin, batch);

        Assert.Empty(batch.DeadLetters);
        Assert.Equal(500, batch.Events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            foreach (var field in Gps.Fields)
            {
                Assert.Equal(events[i].GetValue(field), batch.Events[i].GetValue(field));
            }

            Assert.Equal(Origin with { Row = i }, batch.Events[i].Origin);
        }
    }

    [Fact]
    public void Bad_row_is_dead_lettered_alone_with_its_row_number()
    {
        var events = new List<CityEvent> { Fix(0), Fix(1, speed: 900), Fix(2) };
        var batch = new DecodedBatch();

        EventCodec.Decode(Gps, EventCodec.ToArrowBatch(events), ContentTypes.Arrow, Origin, batch);

        Assert.Equal(["g0", "g2"], batch.Events.Select(e => e.Id));
        var letter = Assert.Single(batch.DeadLetters);
        Assert.Equal(DeadLetterReasons.SchemaViolation, letter.Reason);
        Assert.Equal(1, letter.Origin.Row);
        Assert.Contains("row 1", letter.Detail, StringComparison.Ordinal);
        Assert.Contains("speed_kmh", letter.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.5, "-0.5 is below the minimum 0")]
    [InlineData(300.5, "300.5 is above the maximum 300")]
    [InlineData(300.0, null)]
    [InlineData(0.0, null)]
    [InlineData(double.NaN, "NaN is not a finite number")]
    [InlineData(double.PositiveInfinity, "Infinity is not a finite number")]
    public void A_number_column_is_held_to_the_schema_range_as_json_is(double speed, string? error)
    {
        var batch = new DecodedBatch();

        EventCodec.Decode(Gps, EventCodec.ToArrowBatch([Fix(0), Fix(1, speed: speed)]), ContentTypes.Arrow, Origin, batch);

        if (error is null)
        {
            Assert.Equal(2, batch.Events.Count);
            Assert.Equal(speed, batch.Events[1].GetNumber(Gps.Field("speed_kmh")!.Index));
        }
        else
        {
            Assert.Single(batch.Events);
            Assert.Contains(error, Assert.Single(batch.DeadLetters).Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Row_missing_a_required_field_is_dead_lettered()
    {
        var partial = TestEvents.Make("vehicle_gps", ("id", "g1"), ("ts", TestEvents.T0), ("vehicle_class", "bus"), ("lat", 32.0), ("lon", 120.8));
        var batch = new DecodedBatch();

        EventCodec.Decode(Gps, EventCodec.ToArrowBatch([Fix(0), partial]), ContentTypes.Arrow, Origin, batch);

        Assert.Single(batch.Events);
        Assert.Contains("plate", Assert.Single(batch.DeadLetters).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_bytes_are_one_malformed_arrow_dead_letter()
    {
        var bytes = EventCodec.ToArrowBatch([Fix(0), Fix(1)]);
        var corrupt = bytes[..(bytes.Length / 2)];
        var batch = new DecodedBatch();

        EventCodec.Decode(Gps, corrupt, ContentTypes.Arrow, Origin, batch);

        Assert.Empty(batch.Events);
        var letter = Assert.Single(batch.DeadLetters);
        Assert.Equal(DeadLetterReasons.MalformedArrow, letter.Reason);
        Assert.Equal(corrupt, letter.Payload.ToArray());
    }

    [Fact]
    public void Column_of_the_wrong_type_dead_letters_the_batch()
    {
        var schema = new Schema.Builder().Field(f => f.Name("id").DataType(Apache.Arrow.Types.StringType.Default))
            .Field(f => f.Name("ts").DataType(Apache.Arrow.Types.StringType.Default)).Build();
        var batchIn = new RecordBatch(schema, [new StringArray.Builder().Append("a").Build(), new StringArray.Builder().Append("yesterday").Build()], 1);
        using var stream = new MemoryStream();
        using (var writer = new ArrowStreamWriter(stream, schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(batchIn);
            writer.WriteEnd();
        }

        var batch = new DecodedBatch();
        EventCodec.Decode(Gps, stream.ToArray(), ContentTypes.Arrow, Origin, batch);

        Assert.Empty(batch.Events);
        var letter = Assert.Single(batch.DeadLetters);
        Assert.Equal(DeadLetterReasons.SchemaViolation, letter.Reason);
        Assert.Contains("column 'ts'", letter.Detail, StringComparison.Ordinal);
    }
}
