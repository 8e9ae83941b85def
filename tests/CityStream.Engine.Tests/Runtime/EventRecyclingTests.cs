using System.Text;

namespace CityStream.Engine.Tests.Runtime;

/// <summary>A host decodes each record into events its batch recycled: only events nothing kept may be filled again.</summary>
public sealed class EventRecyclingTests
{
    private static readonly SourceSchema Hotline = HotlineGasPack.Hotline;

    private static RuleRuntime Runtime() => HotlineGasPack.Runtime();

    private static CityEvent DecodeOne(DecodedBatch batch, string json, long offset)
    {
        batch.Clear();
        EventCodec.Decode(Hotline, Encoding.UTF8.GetBytes(json), ContentTypes.Json, new EventOrigin("city.hotline", 0, offset), batch);
        return Assert.Single(batch.Events);
    }

    [Fact]
    public void An_event_that_fired_an_alert_is_not_filled_again_before_the_alert_is_rendered()
    {
        var runtime = Runtime();
        var batch = new DecodedBatch();
        var output = new RuntimeOutput();

        var first = DecodeOne(batch, """{"id":"t-1","ts":1700000000000,"category":"gas_smell","grid":"G0412"}""", 1);
        runtime.Process(first, output);
        batch.RecycleEvents();
        var second = DecodeOne(batch, """{"id":"t-2","ts":1700000001000,"category":"gas_smell","grid":"G0999"}""", 2);
        runtime.Process(second, output);

        Assert.NotSame(first, second);
        Assert.Equal(2, output.Alerts.Count);
        Assert.Equal("ticket in G0412", output.Alerts[0].Title);
        Assert.Equal("t-1", Assert.Single(output.Alerts[0].Evidence).EventId);
        Assert.Equal("ticket in G0999", output.Alerts[1].Title);
    }

    [Fact]
    public void A_recycled_event_keeps_nothing_of_the_event_it_was()
    {
        var runtime = Runtime();
        var batch = new DecodedBatch();
        var output = new RuntimeOutput();

        var first = DecodeOne(batch, """{"id":"t-1","ts":1700000000000,"category":"gas_smell","grid":"X01","subject":"gas","lat":32.0,"lon":120.9}""", 1);
        runtime.Process(first, output);
        batch.RecycleEvents();
        var second = DecodeOne(batch, """{"id":"t-2","ts":1700000001000,"category":"noise"}""", 2);

        Assert.Empty(output.Alerts);
        Assert.Same(first, second);
        Assert.Equal("t-2", second.Id);
        Assert.Equal(2, second.Origin.Offset);
        Assert.False(second.Has(Hotline.Field("grid")!));
        Assert.False(second.Has(Hotline.Field("subject")!));
        Assert.False(second.Has(Hotline.Field("lat")!));
        Assert.Null(second.GetString(Hotline.Field("grid")!.Index));
        Assert.Equal(0, second.GetNumber(Hotline.Field("lat")!.Index));
    }

    [Fact]
    public void The_event_that_closed_a_window_without_evidence_is_not_filled_again_before_the_alert_is_rendered()
    {
        const string burst = """
            pack: hotline
            rules:
              - id: hotline.burst
                kind: threshold
                source: hotline
                key: category
                window: { type: tumbling, size: 1h }
                aggregate: { tickets: count() }
                having: tickets >= 2
                alert: { title: "{tickets} tickets, last in {grid}", evidence: 0 }
            """;
        var runtime = new RuleRuntime(RuleSet.FromYaml([("hotline.yaml", burst)]).RuleSet!);
        var batch = new DecodedBatch();
        var output = new RuntimeOutput();

        batch.Clear();
        EventCodec.Decode(Hotline, Encoding.UTF8.GetBytes("""{"id":"t-1","ts":1700000000000,"category":"noise","grid":"G01","lat":32.01,"lon":120.9}"""), ContentTypes.Json, new EventOrigin("city.hotline", 0, 1), batch);
        EventCodec.Decode(Hotline, Encoding.UTF8.GetBytes("""{"id":"t-2","ts":1700000001000,"category":"noise","grid":"G02","lat":32.02,"lon":120.9}"""), ContentTypes.Json, new EventOrigin("city.hotline", 0, 2), batch);
        foreach (var evt in batch.Events)
        {
            runtime.Process(evt, output);
        }

        batch.RecycleEvents();
        DecodeOne(batch, """{"id":"t-3","ts":1700000002000,"category":"fire_hazard","grid":"G03","lat":32.03,"lon":120.9}""", 3);
        DecodeOne(batch, """{"id":"t-4","ts":1700000003000,"category":"fire_hazard","grid":"G04","lat":32.04,"lon":120.9}""", 4);

        Assert.Equal("2 tickets, last in G02", Assert.Single(output.Alerts).Title);
    }
}
