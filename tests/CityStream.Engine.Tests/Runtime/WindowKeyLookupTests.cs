using System.Text;
using CityStream.Engine.Internal.Rules;

namespace CityStream.Engine.Tests.Runtime;

/// <summary>
/// A tumbling or hopping window finds a tracked key by the characters of the event's key, still UTF-8 bytes of the record: only a new key
/// makes its string, and what the rule counts, alerts and checkpoints is what it was with the key made a string first.
/// </summary>
public sealed class WindowKeyLookupTests
{
    private static readonly SourceSchema Hotline = HotlineGasPack.Hotline;
    private static readonly int Grid = Hotline.Field("grid")!.Index;

    private static RuleRuntime PerGrid(int threshold, string key = "grid") => new(RuleSet.FromYaml([("hotline.yaml", $$"""
        pack: hotline
        rules:
          - id: hotline.per-grid
            kind: threshold
            source: hotline
            key: {{key}}
            window: { type: tumbling, size: 1h }
            aggregate: { tickets: count() }
            having: tickets >= {{threshold}}
            alert: { title: "{tickets} tickets in {key}" }
        """)]).RuleSet!);

    private static CityEvent Ticket(long ts, string grid, string department = "城管") => TestEvents.Make("hotline",
        ("id", "t-" + ts), ("ts", ts), ("category", "noise"), ("subject", "noise"), ("text", "loud"), ("district", "崇川区"), ("grid", grid),
        ("department", department));

    /// <summary>Decodes each ticket as the hosts do, from a buffer overwritten after the event is run, and runs it.</summary>
    private static List<CityEvent> Run(RuleRuntime runtime, RuntimeOutput output, bool arrow, params CityEvent[] tickets)
    {
        var batch = new DecodedBatch();
        var run = new List<CityEvent>();
        foreach (var ticket in tickets)
        {
            var record = arrow ? EventCodec.ToArrowBatch([ticket]) : EventCodec.ToJson(ticket);
            var buffer = record.ToArray();
            batch.Clear();
            EventCodec.Decode(Hotline, buffer, arrow ? ContentTypes.Arrow : ContentTypes.Json, new EventOrigin("city.hotline", 0, run.Count), batch,
                runtime.FieldsRead(Hotline), runtime.StringsReadLater(Hotline));
            var evt = Assert.Single(batch.Events);
            runtime.Process(evt, output);
            run.Add(evt);
            buffer.AsSpan().Clear();
        }

        return run;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Events_of_a_tracked_key_are_counted_together_without_making_their_key_string(bool arrow)
    {
        var runtime = PerGrid(threshold: 3);
        var output = new RuntimeOutput();

        var run = Run(runtime, output, arrow,
            Ticket(TestEvents.T0, "G0412"), Ticket(TestEvents.T0 + 1, "G0977"), Ticket(TestEvents.T0 + 2, "G0412"), Ticket(TestEvents.T0 + 3, "G0412"));

        var alert = Assert.Single(output.Alerts);
        Assert.Equal("G0412", alert.Key);
        Assert.Equal("3 tickets in G0412", alert.Title);
        Assert.Equal(["G0412", "G0412", "G0412"], alert.Evidence.Select(e => e.Fields["grid"]));
        // The second G0412 ticket found the key string the first one's window holds: its own is still bytes (the third's alert read it).
        Assert.True(run[2].TryGetStringBytes(Grid, out _));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_key_longer_than_the_lookup_buffer_is_counted_as_one_key(bool arrow)
    {
        var runtime = PerGrid(threshold: 2, key: "department");
        var output = new RuntimeOutput();
        var department = "D" + new string('崇', 60);

        Run(runtime, output, arrow, Ticket(TestEvents.T0, "G0412", department), Ticket(TestEvents.T0 + 1, "G0977", department));

        Assert.Equal(department, Assert.Single(output.Alerts).Key);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_tracked_key_found_by_its_characters_is_checkpointed_again_when_touched_after_a_checkpoint(bool arrow)
    {
        var runtime = PerGrid(threshold: 10);
        var output = new RuntimeOutput();
        var store = new RecordingStore();
        Run(runtime, output, arrow, Ticket(TestEvents.T0, "G0412"), Ticket(TestEvents.T0 + 1, "G0977"));
        runtime.Checkpoint(store);
        store.Written.Clear();

        Run(runtime, output, arrow, Ticket(TestEvents.T0 + 2, "G0412"));
        runtime.Checkpoint(store);

        Assert.Contains(store.Written, key => key.EndsWith("G0412", StringComparison.Ordinal));
        Assert.DoesNotContain(store.Written, key => key.EndsWith("G0977", StringComparison.Ordinal));
    }

    [Fact]
    public void A_key_of_invalid_utf8_bytes_is_the_string_reading_it_gives()
    {
        var selector = new KeySelector([(Hotline.Field("grid"), null, "grid")]);
        var evt = new CityEvent(Hotline);
        byte[] record = [.. "xG04"u8, 0xFF, .. "12y"u8];
        evt.SourceRecord = record;
        evt.SetStringBytes(Grid, 1, record.Length - 2);

        var chars = selector.Select(evt, new char[128], out var made);

        Assert.Equal(Encoding.UTF8.GetString(record.AsSpan(1, record.Length - 2)), made);
        Assert.Equal(made, chars.ToString());
    }

    [Fact]
    public void A_valid_key_still_bytes_is_given_as_its_characters_without_a_string()
    {
        var selector = new KeySelector([(Hotline.Field("grid"), null, "grid")]);
        var evt = new CityEvent(Hotline);
        var record = Encoding.UTF8.GetBytes("x崇川🔥G0412y");
        evt.SourceRecord = record;
        evt.SetStringBytes(Grid, 1, record.Length - 2);

        var chars = selector.Select(evt, new char[128], out var made);

        Assert.Null(made);
        Assert.Equal("崇川🔥G0412", chars.ToString());
        Assert.True(evt.TryGetStringBytes(Grid, out _));
    }

    private sealed class RecordingStore : IRuntimeStateStore
    {
        public List<string> Written { get; } = [];

        public void Put(string key, byte[]? value) => Written.Add(key);

        public IEnumerable<KeyValuePair<string, byte[]>> ReadAll() => [];
    }
}
