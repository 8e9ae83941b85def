using System.Text;

namespace CityStream.Engine.Tests.Decoding;

/// <summary>The Kafka host decodes a JSON event keeping only the strings some rule reads; everything else is checked all the same.</summary>
public sealed class UnreadFieldTests
{
    private static readonly SourceSchema Hotline = HotlineGasPack.Hotline;
    private static readonly EventOrigin Origin = new("city.hotline", 0, 7);

    private static RuleRuntime Runtime() => HotlineGasPack.Runtime();

    private static string Ticket(long ts, string text = "smells of gas near the east gate", string category = "gas_smell") =>
        $$"""{"id":"t-{{ts}}","ts":{{ts}},"category":"{{category}}","subject":"gas","text":"{{text}}","district":"崇川区","grid":"G0412"}""";

    /// <summary>An event time beyond the allowed lateness once the runtime has seen a ticket at <c>TestEvents.T0</c>.</summary>
    private static long LateTime => TestEvents.T0 - (long)Hotline.AllowedLateness.TotalMilliseconds - 1;

    /// <summary>A runtime whose watermark is at <c>TestEvents.T0</c>: it has processed one ticket of that time into <paramref name="output"/>.</summary>
    private static RuleRuntime RuntimePastOneTicket(RuntimeOutput output)
    {
        var runtime = Runtime();
        runtime.Process(Decode(runtime, Ticket(TestEvents.T0)).Events[0], output);
        return runtime;
    }

    private static DecodedBatch Decode(RuleRuntime runtime, string json)
    {
        var batch = new DecodedBatch();
        EventCodec.Decode(Hotline, Encoding.UTF8.GetBytes(json), ContentTypes.Json, Origin, batch, runtime.FieldsRead(Hotline));
        return batch;
    }

    [Fact]
    public void Strings_no_rule_reads_are_left_out_and_those_it_reads_are_kept()
    {
        var evt = Assert.Single(Decode(Runtime(), Ticket(TestEvents.T0)).Events);

        Assert.False(evt.Has(Hotline.Field("text")!));
        Assert.False(evt.Has(Hotline.Field("subject")!));
        Assert.False(evt.Has(Hotline.Field("category")!));
        Assert.Equal("崇川区", evt.GetString(Hotline.Field("district")!.Index));
        Assert.Equal("G0412", evt.GetString(Hotline.Field("grid")!.Index));
        Assert.Equal("t-" + TestEvents.T0, evt.Id);
    }

    [Theory]
    [InlineData("category", "not-a-category", "not one of")]
    [InlineData("text", null, "above the maximum")]
    public void A_left_out_string_that_breaks_the_schema_is_still_dead_lettered(string field, string? value, string expected)
    {
        var runtime = Runtime();
        var json = field == "category" ? Ticket(TestEvents.T0, category: value!) : Ticket(TestEvents.T0, text: new string('x', 4001));
        Assert.Equal(0UL, runtime.FieldsRead(Hotline) & (1UL << Hotline.Field(field)!.Index));

        var letter = Assert.Single(Decode(runtime, json).DeadLetters);

        Assert.Equal(DeadLetterReasons.SchemaViolation, letter.Reason);
        Assert.Contains(expected, letter.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_required_field_left_out_still_counts_as_present_and_a_missing_one_still_fails()
    {
        var runtime = Runtime();
        Assert.Single(Decode(runtime, Ticket(TestEvents.T0)).Events);
        var withoutText = Decode(runtime, Ticket(TestEvents.T0).Replace("\"category\":\"gas_smell\",", string.Empty, StringComparison.Ordinal));

        var letter = Assert.Single(withoutText.DeadLetters);
        Assert.Contains("category", letter.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_late_event_decoded_without_its_unread_strings_is_dead_lettered_with_the_whole_record()
    {
        var runtime = Runtime();
        var output = new RuntimeOutput();
        var lateness = (long)Hotline.AllowedLateness.TotalMilliseconds;
        var lateJson = Ticket(TestEvents.T0 - lateness - 1);
        runtime.Process(Decode(runtime, Ticket(TestEvents.T0)).Events[0], output);

        runtime.Process(Decode(runtime, lateJson).Events[0], output);

        var letter = Assert.Single(output.DeadLetters);
        Assert.Equal(DeadLetterReasons.Late, letter.Reason);
        Assert.Equal(lateJson, Encoding.UTF8.GetString(letter.Payload.Span));
    }

    private static CityEvent TicketEvent(long ts, string category = "gas_smell", string text = "smells of gas near the east gate") => TestEvents.Make("hotline",
        ("id", "t-" + ts), ("ts", ts), ("category", category), ("subject", "gas"), ("text", text), ("district", "崇川区"), ("grid", "G0412"));

    private static DecodedBatch DecodeArrow(RuleRuntime runtime, params CityEvent[] events)
    {
        var batch = new DecodedBatch();
        EventCodec.Decode(Hotline, EventCodec.ToArrowBatch(events), ContentTypes.Arrow, Origin, batch, runtime.FieldsRead(Hotline));
        return batch;
    }

    [Fact]
    public void Arrow_rows_leave_out_the_strings_no_rule_reads_and_still_check_them()
    {
        var runtime = Runtime();
        var bad = TicketEvent(TestEvents.T0 + 1);
        bad.SetString(Hotline.Field("category")!.Index, "not-a-category");

        var batch = DecodeArrow(runtime, TicketEvent(TestEvents.T0), bad);

        var evt = Assert.Single(batch.Events);
        Assert.False(evt.Has(Hotline.Field("text")!));
        Assert.False(evt.Has(Hotline.Field("category")!));
        Assert.Equal("G0412", evt.GetString(Hotline.Field("grid")!.Index));
        var letter = Assert.Single(batch.DeadLetters);
        Assert.Contains("row 1", letter.Detail, StringComparison.Ordinal);
        Assert.Contains("not one of", letter.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_late_arrow_row_decoded_without_its_unread_strings_is_dead_lettered_with_all_its_fields()
    {
        var runtime = Runtime();
        var output = new RuntimeOutput();
        var lateness = (long)Hotline.AllowedLateness.TotalMilliseconds;
        var late = TicketEvent(TestEvents.T0 - lateness - 1);
        runtime.Process(Decode(runtime, Ticket(TestEvents.T0)).Events[0], output);
        var rows = DecodeArrow(runtime, TicketEvent(TestEvents.T0 - 5), late).Events;

        runtime.Process(rows[0], output);
        runtime.Process(rows[1], output);

        var letter = Assert.Single(output.DeadLetters);
        Assert.Equal(DeadLetterReasons.Late, letter.Reason);
        late.Origin = rows[1].Origin;
        Assert.Equal(Encoding.UTF8.GetString(EventCodec.ToJson(late)), Encoding.UTF8.GetString(letter.Payload.Span));
    }

    [Theory]
    [InlineData("grid")]
    [InlineData("text")]
    public void Invalid_utf8_in_a_string_is_malformed_json_whether_or_not_a_rule_reads_it(string field)
    {
        var runtime = Runtime();
        var json = Encoding.UTF8.GetBytes(Ticket(TestEvents.T0));
        var at = Encoding.UTF8.GetString(json).IndexOf(field == "grid" ? "G0412" : "smells", StringComparison.Ordinal);
        json[at + 1] = 0xFF;
        var batch = new DecodedBatch();

        EventCodec.Decode(Hotline, json, ContentTypes.Json, Origin, batch, runtime.FieldsRead(Hotline));

        Assert.Empty(batch.Events);
        Assert.Equal(DeadLetterReasons.MalformedJson, Assert.Single(batch.DeadLetters).Reason);
    }

    [Fact]
    public void An_event_on_time_lets_go_of_its_record()
    {
        var runtime = Runtime();
        var evt = Decode(runtime, Ticket(TestEvents.T0)).Events[0];
        Assert.False(evt.SourceRecord.IsEmpty);

        runtime.Process(evt, new RuntimeOutput());

        Assert.True(evt.SourceRecord.IsEmpty);
    }

    [Fact]
    public void Late_arrow_rows_of_two_records_read_from_one_reused_buffer_are_dead_lettered_with_their_own_fields()
    {
        // The batched Kafka host decodes each record from a buffer it reuses poll after poll: same array, same slice, other record.
        var output = new RuntimeOutput();
        var runtime = RuntimePastOneTicket(output);
        var late = LateTime;
        var east = EventCodec.ToArrowBatch([TicketEvent(late, text: "smells of gas near the east gate")]);
        var west = EventCodec.ToArrowBatch([TicketEvent(late, text: "smells of gas near the west gate")]);
        Assert.Equal(east.Length, west.Length);
        var buffer = new byte[east.Length];

        foreach (var (record, offset) in new[] { (east, 7L), (west, 8L) })
        {
            record.CopyTo(buffer, 0);
            var batch = new DecodedBatch();
            EventCodec.Decode(Hotline, buffer, ContentTypes.Arrow, Origin with { Offset = offset }, batch, runtime.FieldsRead(Hotline));
            runtime.Process(Assert.Single(batch.Events), output);
        }

        Assert.Equal(2, output.DeadLetters.Count);
        Assert.Contains("east gate", Encoding.UTF8.GetString(output.DeadLetters[0].Payload.Span), StringComparison.Ordinal);
        Assert.Contains("west gate", Encoding.UTF8.GetString(output.DeadLetters[1].Payload.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void A_late_json_event_is_dead_lettered_with_a_copy_of_its_record_not_the_buffer_it_was_read_from()
    {
        var output = new RuntimeOutput();
        var runtime = RuntimePastOneTicket(output);
        var late = LateTime;
        var buffer = Encoding.UTF8.GetBytes(Ticket(late));
        var original = Encoding.UTF8.GetString(buffer);
        var batch = new DecodedBatch();
        EventCodec.Decode(Hotline, buffer, ContentTypes.Json, Origin, batch, runtime.FieldsRead(Hotline));

        runtime.Process(Assert.Single(batch.Events), output);
        buffer.AsSpan().Fill((byte)' ');

        Assert.Equal(original, Encoding.UTF8.GetString(Assert.Single(output.DeadLetters).Payload.Span));
    }
}
