using System.Text;
using CityStream.Engine.Internal.Codec;

namespace CityStream.Engine.Tests.Decoding;

/// <summary>
/// A decoded event's free-text strings (an Arrow row's, a JSON event's without escapes) stay UTF-8 bytes of its record until a rule reads
/// them; an event kept in state or by an alert makes them first, because the batched Kafka host decodes each record from a buffer it
/// overwrites with the next poll.
/// </summary>
public sealed class StringsAsBytesTests
{
    private static readonly SourceSchema Hotline = HotlineGasPack.Hotline;
    private static readonly EventOrigin Origin = new("city.hotline", 0, 7);

    private static CityEvent Ticket(long ts, string category, string grid, string text = "燃气味 near the east gate 🔥") => TestEvents.Make("hotline",
        ("id", "t-" + ts), ("ts", ts), ("category", category), ("subject", "gas"), ("text", text), ("district", "崇川区"), ("grid", grid));

    private static RuleRuntime Runtime(string pack) => new(RuleSet.FromYaml([("hotline.yaml", pack)]).RuleSet!);

    /// <summary>A sequence rule, a noise ticket then a gas-smell ticket of the same key within 10 minutes: it keeps the noise ticket in state.</summary>
    private static RuleRuntime NoiseThenGas(string key, string title, string message) => Runtime($$"""
        pack: hotline
        rules:
          - id: hotline.noise-then-gas
            kind: sequence
            steps:
              - { name: noise, source: hotline, where: category == 'noise', key: {{key}} }
              - { name: gas, source: hotline, where: category == 'gas_smell', key: {{key}} }
            within: 10m
            alert: { title: "{{title}}", message: "{{message}}" }
        """);

    /// <summary>A tumbling one-hour window per grid over noise tickets that alerts at two.</summary>
    private static RuleRuntime NoiseBurst(string title, string message) => Runtime($$"""
        pack: hotline
        rules:
          - id: hotline.noise-burst
            kind: threshold
            source: hotline
            where: category == 'noise'
            key: grid
            window: { type: tumbling, size: 1h }
            aggregate: { tickets: count() }
            having: tickets >= 2
            alert: { title: "{{title}}", message: "{{message}}" }
        """);

    private static byte[] Record(CityEvent evt, bool arrow) => arrow ? EventCodec.ToArrowBatch([evt]) : EventCodec.ToJson(evt);

    /// <summary>
    /// Decodes a record as the hosts do (the runtime's <see cref="RuleRuntime.FieldsRead"/> and <see cref="RuleRuntime.StringsReadLater"/>;
    /// without a runtime every string may stay bytes) from the middle of <paramref name="buffer"/>, as the Kafka host reads each record
    /// from a buffer it reuses; the test then overwrites the buffer.
    /// </summary>
    private static CityEvent DecodeOne(byte[] record, bool arrow, out byte[] buffer, RuleRuntime? runtime = null)
    {
        buffer = new byte[record.Length + 29];
        record.CopyTo(buffer, 13);
        var batch = new DecodedBatch();
        EventCodec.Decode(Hotline, buffer.AsMemory(13, record.Length), arrow ? ContentTypes.Arrow : ContentTypes.Json, Origin, batch,
            runtime?.FieldsRead(Hotline) ?? ulong.MaxValue, runtime?.StringsReadLater(Hotline) ?? ulong.MaxValue);
        return Assert.Single(batch.Events);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Strings_are_made_when_first_read_and_equal_those_written(bool arrow)
    {
        var written = Ticket(TestEvents.T0, "gas_smell", "G0412");

        var evt = DecodeOne(Record(written, arrow), arrow, out _);

        Assert.True(evt.HasUnreadStrings);
        foreach (var field in Hotline.Fields)
        {
            Assert.Equal(written.GetValue(field), evt.GetValue(field));
        }

        Assert.False(evt.HasUnreadStrings);
        Assert.Equal("t-" + TestEvents.T0, evt.Id);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_event_an_alert_refers_to_keeps_its_strings_after_its_record_is_overwritten(bool arrow)
    {
        const string pack = """
            pack: hotline
            rules:
              - id: hotline.gas
                kind: match
                source: hotline
                where: category == 'gas_smell'
                key: grid
                alert: { title: "ticket in {grid}", message: "{district}: {text}" }
            """;
        var runtime = Runtime(pack);
        var output = new RuntimeOutput();
        var evt = DecodeOne(Record(Ticket(TestEvents.T0, "gas_smell", "G0412", text: "燃气味 near the east gate"), arrow), arrow, out var buffer, runtime);
        Assert.True(evt.HasUnreadStrings);

        runtime.Process(evt, output);
        buffer.AsSpan().Clear();

        var alert = Assert.Single(output.Alerts);
        Assert.Equal("ticket in G0412", alert.Title);
        Assert.Equal("崇川区: 燃气味 near the east gate", alert.Message);
        var evidence = Assert.Single(alert.Evidence);
        Assert.Equal("t-" + TestEvents.T0, evidence.EventId);
        Assert.Equal("崇川区", evidence.Fields["district"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_event_kept_in_state_keeps_its_strings_after_its_record_is_overwritten(bool arrow)
    {
        var runtime = NoiseThenGas(key: "grid", title: "gas after noise in {grid}", message: "{district}: {text}");
        var output = new RuntimeOutput();
        var first = DecodeOne(Record(Ticket(TestEvents.T0, "noise", "G0412", text: "loud music 夜间"), arrow), arrow, out var buffer, runtime);
        Assert.True(first.HasUnreadStrings);

        runtime.Process(first, output);
        buffer.AsSpan().Clear();
        runtime.Process(DecodeOne(Record(Ticket(TestEvents.T0 + 1000, "gas_smell", "G0412"), arrow), arrow, out _, runtime), output);

        var alert = Assert.Single(output.Alerts);
        Assert.Equal("gas after noise in G0412", alert.Title);
        Assert.Equal(["t-" + TestEvents.T0, "t-" + (TestEvents.T0 + 1000)], alert.Evidence.Select(e => e.EventId));
        Assert.Equal("loud music 夜间", alert.Evidence[0].Fields["text"]);
        Assert.Equal("崇川区", alert.Evidence[0].Fields["district"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_event_nothing_kept_still_reads_its_strings_after_the_rules_have_seen_it(bool arrow)
    {
        var runtime = HotlineGasPack.Runtime();
        var evt = DecodeOne(Record(Ticket(TestEvents.T0, "noise", "X0001"), arrow), arrow, out _);

        runtime.Process(evt, new RuntimeOutput());

        Assert.Equal("燃气味 near the east gate 🔥", evt.GetString(Hotline.Field("text")!.Index));
        Assert.Equal("崇川区", evt.GetString(Hotline.Field("district")!.Index));
    }

    [Fact]
    public void A_json_string_with_escapes_is_made_at_once_and_one_without_is_left_as_bytes()
    {
        var json = """{"id":"t-1","ts":1700000000000,"category":"noise","text":"say \"gas\" \u5d07","district":"崇川区"}"""u8.ToArray();

        var evt = DecodeOne(json, arrow: false, out var buffer);
        buffer.AsSpan().Clear();

        Assert.Equal("say \"gas\" 崇", evt.GetString(Hotline.Field("text")!.Index));
        Assert.True(evt.HasUnreadStrings);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Strings_a_condition_reads_and_events_decoded_through_the_public_api_are_made_at_once(bool arrow)
    {
        var runtime = HotlineGasPack.Runtime(); // where: grid.startsWith('G')
        var record = Record(Ticket(TestEvents.T0, "noise", "G0412"), arrow);

        var forRules = DecodeOne(record, arrow, out var buffer, runtime);
        var batch = new DecodedBatch();
        EventCodec.Decode(Hotline, record, arrow ? ContentTypes.Arrow : ContentTypes.Json, Origin, batch);
        buffer.AsSpan().Clear();
        record.AsSpan().Clear();

        Assert.Equal("G0412", forRules.GetString(Hotline.Field("grid")!.Index));
        Assert.False(Assert.Single(batch.Events).HasUnreadStrings);
        Assert.Equal("燃气味 near the east gate 🔥", batch.Events[0].GetString(Hotline.Field("text")!.Index));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_window_keeps_the_bytes_of_its_evidence_strings_after_their_records_are_overwritten(bool arrow)
    {
        var runtime = NoiseBurst(title: "{tickets} tickets in {grid}", message: "{district}: {text}");
        var output = new RuntimeOutput();
        // The second text is as long as the key and differs from it in its last character only.
        string[] texts = ["夜间 loud music 🎵", "G0413"];
        for (var i = 0; i < texts.Length; i++)
        {
            // The district equals the key: the evidence writes it as the key's mark, compared on its bytes.
            var ticket = Ticket(TestEvents.T0 + i, "noise", "G0412", text: texts[i]);
            ticket.SetString(Hotline.Field("district")!.Index, "G0412");
            var evt = DecodeOne(Record(ticket, arrow), arrow, out var buffer, runtime);
            Assert.True(evt.HasUnreadStrings);

            runtime.Process(evt, output);
            buffer.AsSpan().Fill((byte)'x');
        }

        var alert = Assert.Single(output.Alerts);
        Assert.Equal("G0412: G0413", alert.Message);
        Assert.Equal(texts, alert.Evidence.Select(e => e.Fields["text"]));
        Assert.Equal(["G0412", "G0412"], alert.Evidence.Select(e => e.Fields["district"]));
        Assert.Equal(["t-" + TestEvents.T0, "t-" + (TestEvents.T0 + 1)], alert.Evidence.Select(e => e.EventId));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Events_kept_in_state_share_one_string_per_location_name(bool arrow)
    {
        var runtime = NoiseThenGas(key: "id", title: "gas after noise", message: "{grid} {district}");
        var kept = new List<CityEvent>();
        for (var i = 0; i < 3; i++)
        {
            var evt = DecodeOne(Record(Ticket(TestEvents.T0 + i, "noise", "G0412"), arrow), arrow, out var buffer, runtime);
            Assert.True(evt.HasUnreadStrings);
            runtime.Process(evt, new RuntimeOutput());
            buffer.AsSpan().Clear();
            kept.Add(evt);
        }

        var grid = Hotline.Field("grid")!.Index;
        var district = Hotline.Field("district")!.Index;
        Assert.All(kept, e => Assert.Equal("G0412", e.GetString(grid)));
        Assert.All(kept, e => Assert.Equal("崇川区", e.GetString(district)));
        Assert.All(kept, e => Assert.Same(kept[0].GetString(grid), e.GetString(grid)));
        Assert.All(kept, e => Assert.Same(kept[0].GetString(district), e.GetString(district)));
    }

    [Fact]
    public void Strings_read_for_every_event_are_made_at_once_and_those_read_past_a_condition_only_tested_with_has_or_a_window_key_later()
    {
        const string pack = """
            pack: hotline
            rules:
              - id: hotline.per-grid
                kind: threshold
                source: hotline
                key: grid
                window: 1h
                aggregate: { tickets: count() }
                having: tickets >= 2
                alert: { title: "{tickets} tickets" }
              - id: hotline.per-department
                kind: threshold
                source: hotline
                key: department
                window: { type: tumbling, size: 1h }
                aggregate: { tickets: count() }
                having: tickets >= 2
                alert: { title: "{tickets} tickets" }
              - id: hotline.gas
                kind: match
                source: hotline
                where: category == 'gas_smell' && subject != '' && has(district) && has(text)
                key: district
                alert: { title: "gas: {text}" }
            """;
        var runtime = Runtime(pack);
        ulong Bits(params string[] names) => names.Aggregate(0UL, (mask, name) => mask | (1UL << Hotline.Field(name)!.Index));

        var later = runtime.StringsReadLater(Hotline);

        // A sliding window's key is looked up by string; a tumbling or hopping window's by the key's characters.
        Assert.Equal(0UL, later & Bits("grid", "category", "subject"));
        Assert.Equal(Bits("district", "text", "department"), later & Bits("district", "text", "department"));
        Assert.Equal(0UL, later & ~runtime.FieldsRead(Hotline));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("崇川区崇川区")]
    [InlineData("🔥🔥🔥")]
    [InlineData("a崇🔥b")]
    public void A_utf8_length_check_gives_what_counting_the_characters_gives(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        byte[][] values = [utf8, [.. utf8, 0xFF], [0xE5, 0xB4], [.. utf8, 0xF0, 0x9F, 0x94]];
        foreach (var value in values)
        {
            for (var limit = 0; limit <= 14; limit++)
            {
                var field = new FieldDefinition("f", 0, FieldType.String, "test") { MinLength = limit, MaxLength = limit + 1 };
                var counted = FieldValidator.CheckStringLength(field, Encoding.UTF8.GetCharCount(value));

                Assert.Equal(counted, FieldValidator.CheckUtf8Length(field, value));
            }
        }
    }

    [Theory]
    [InlineData(true, "{tickets} tickets in {key}", true)]
    [InlineData(false, "{tickets} tickets in {key}", true)]
    [InlineData(true, "{tickets} tickets in {grid}", false)]
    [InlineData(false, "{tickets} tickets in {grid}", false)]
    public void A_window_alert_holds_its_last_event_only_when_a_template_reads_a_field_and_renders_alike_after_the_event_is_reused(bool arrow, string title, bool reused)
    {
        var runtime = NoiseBurst(title, message: "since {window_start}");
        var output = new RuntimeOutput();
        var batch = new DecodedBatch();
        CityEvent RunOne(CityEvent ticket)
        {
            batch.RecycleEvents();
            batch.Clear();
            EventCodec.Decode(Hotline, Record(ticket, arrow), arrow ? ContentTypes.Arrow : ContentTypes.Json, Origin, batch,
                runtime.FieldsRead(Hotline), runtime.StringsReadLater(Hotline));
            var evt = Assert.Single(batch.Events);
            runtime.Process(evt, output);
            return evt;
        }

        RunOne(Ticket(TestEvents.T0, "noise", "G0412"));
        var last = RunOne(Ticket(TestEvents.T0 + 1000, "noise", "G0412"));
        var alert = Assert.Single(output.Alerts);
        var next = RunOne(Ticket(TestEvents.T0 + 2000, "gas_smell", "G0977", text: "another ticket"));

        Assert.Equal(reused, ReferenceEquals(last, next));
        Assert.Equal("2 tickets in G0412", alert.Title);
        Assert.StartsWith("since ", alert.Message, StringComparison.Ordinal);
        Assert.Equal("G0412", alert.Grid);
        Assert.Equal("崇川区", alert.District);
        Assert.Equal(["t-" + TestEvents.T0, "t-" + (TestEvents.T0 + 1000)], alert.Evidence.Select(e => e.EventId));
        Assert.Equal(["G0412", "G0412"], alert.Evidence.Select(e => e.Fields["grid"]));
    }
}
