namespace CityStream.Engine.Tests.Runtime;

public sealed class ThresholdTests
{
    private static string Pack(string window) => $$"""
        pack: hotline
        rules:
          - id: gas.burst
            kind: threshold
            source: hotline
            where: category == 'gas_smell'
            key: grid
            window: {{window}}
            aggregate: { tickets: count(), callers: distinct(caller_id) }
            having: tickets >= 5 && callers >= 3
            alert: { title: "{grid}: {tickets} tickets from {callers} callers" }
        """;

    private static CityEvent[] Burst(double start, string grid = "G0101") =>
    [
        RuntimeHarness.Ticket("t1" + grid, start, grid, "a"),
        RuntimeHarness.Ticket("t2" + grid, start + 5, grid, "b"),
        RuntimeHarness.Ticket("t3" + grid, start + 10, grid, "a"),
        RuntimeHarness.Ticket("t4" + grid, start + 15, grid, "c"),
        RuntimeHarness.Ticket("t5" + grid, start + 20, grid, "a"),
    ];

    [Fact]
    public void Sliding_window_fires_when_count_and_distinct_callers_reach_the_threshold()
    {
        var harness = new RuntimeHarness(Pack("1h")).Feed(Burst(0));

        var alert = Assert.Single(harness.Output.Alerts);
        Assert.Equal("G0101: 5 tickets from 3 callers", alert.Title);
        Assert.Equal(5, alert.Evidence.Count);
        Assert.Equal(TestEvents.T0, alert.FirstEventTime);
    }

    [Fact]
    public void Alert_text_and_evidence_read_after_more_events_are_those_of_the_moment_it_fired()
    {
        var harness = new RuntimeHarness(Pack("{ type: tumbling, size: 1h }")).Feed(Burst(0));
        var alert = Assert.Single(harness.Output.Alerts);

        harness.Feed(RuntimeHarness.Ticket("t6", 25, caller: "d"), RuntimeHarness.Ticket("t7", 26, caller: "e"));

        Assert.Equal("G0101: 5 tickets from 3 callers", alert.Title);
        Assert.Equal(["t1G0101", "t2G0101", "t3G0101", "t4G0101", "t5G0101"], alert.Evidence.Select(e => e.EventId));
        Assert.Equal("gas_smell", alert.Evidence[4].Fields["category"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void First_and_last_event_times_are_those_of_the_evidence_kept_after_the_evidence_list_filled_up(bool restartMidway)
    {
        const string pack = """
            pack: hotline
            rules:
              - id: gas.many
                kind: threshold
                source: hotline
                key: grid
                window: { type: tumbling, size: 1h }
                aggregate: { tickets: count() }
                having: tickets >= 12
                alert: { title: "{grid}" }
            """;
        // Ten tickets fill the evidence list (minutes 25..34); the 11th (minute 40) and the 12th (minute 31, out of order but
        // within the 10 min lateness) each take the last place in turn, so the evidence ends at minute 33, not 40.
        var tickets = Enumerable.Range(0, 10).Select(i => RuntimeHarness.Ticket($"t{i}", 25 + i)).ToList();
        var harness = new RuntimeHarness(pack).Feed([.. tickets]);
        if (restartMidway)
        {
            harness.Restart(new MemoryStateStore());
        }

        harness.Feed(RuntimeHarness.Ticket("t10", 40), RuntimeHarness.Ticket("t11", 31));

        var alert = Assert.Single(harness.Output.Alerts);
        Assert.Equal(TestEvents.T0 + RuntimeHarness.Min(25), alert.FirstEventTime);
        Assert.Equal(TestEvents.T0 + RuntimeHarness.Min(33), alert.LastEventTime);
        Assert.Equal(TestEvents.T0 + RuntimeHarness.Min(31), alert.Evidence[^1].EventTime);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void First_and_last_event_times_are_the_earliest_and_latest_evidence_whatever_the_order_they_came_in(bool restartMidway)
    {
        const string pack = """
            pack: hotline
            rules:
              - id: gas.few
                kind: threshold
                source: hotline
                key: grid
                window: { type: tumbling, size: 1h }
                aggregate: { tickets: count() }
                having: tickets >= 4
                alert: { title: "{grid}" }
            """;
        var harness = new RuntimeHarness(pack).Feed(RuntimeHarness.Ticket("t1", 30), RuntimeHarness.Ticket("t2", 25));
        if (restartMidway)
        {
            harness.Restart(new MemoryStateStore());
        }

        harness.Feed(RuntimeHarness.Ticket("t3", 36), RuntimeHarness.Ticket("t4", 28));

        var alert = Assert.Single(harness.Output.Alerts);
        Assert.Equal(TestEvents.T0 + RuntimeHarness.Min(25), alert.FirstEventTime);
        Assert.Equal(TestEvents.T0 + RuntimeHarness.Min(36), alert.LastEventTime);
    }

    [Fact]
    public void Too_few_distinct_callers_give_no_alert()
    {
        var events = Enumerable.Range(0, 6).Select(i => RuntimeHarness.Ticket($"t{i}", i, caller: i % 2 == 0 ? "a" : "b")).ToArray();

        Assert.Empty(new RuntimeHarness(Pack("1h")).Feed(events).Output.Alerts);
    }

    [Fact]
    public void Sliding_window_forgets_tickets_older_than_its_size()
    {
        var events = Burst(0).Select((e, i) => RuntimeHarness.Ticket($"s{i}", i * 20, caller: "c" + i)).ToArray();

        Assert.Empty(new RuntimeHarness(Pack("1h")).Feed(events).Output.Alerts);
    }

    [Fact]
    public void Other_categories_and_grids_are_counted_apart()
    {
        var harness = new RuntimeHarness(Pack("1h")).Feed(
            RuntimeHarness.Ticket("a", 0, "G1", "a"), RuntimeHarness.Ticket("b", 1, "G2", "b"), RuntimeHarness.Ticket("c", 2, "G1", "c", "noise"),
            RuntimeHarness.Ticket("d", 3, "G1", "d"), RuntimeHarness.Ticket("e", 4, "G2", "e"));

        Assert.Empty(harness.Output.Alerts);
    }

    [Fact]
    public void Out_of_order_ticket_within_lateness_still_counts()
    {
        var burst = Burst(10);
        var harness = new RuntimeHarness(Pack("1h")).Feed(burst[0], burst[1], burst[3], burst[4], burst[2]);

        Assert.Single(harness.Output.Alerts);
    }

    [Fact]
    public void Tumbling_window_fires_once_per_window_and_again_in_the_next()
    {
        var harness = new RuntimeHarness(Pack("{ type: tumbling, size: 1h }"))
            .Feed(Burst(0)).Feed(RuntimeHarness.Ticket("extra", 30, caller: "z")).Feed(Burst(60).Select((e, i) => RuntimeHarness.Ticket($"n{i}", 61 + i, caller: "k" + i)).ToArray());

        Assert.Equal(2, harness.Output.Alerts.Count);
        Assert.NotEqual(harness.Output.Alerts[0].Id, harness.Output.Alerts[1].Id);
    }

    [Fact]
    public void Tumbling_window_does_not_join_tickets_across_its_boundary()
    {
        var events = Burst(40).Select((e, i) => RuntimeHarness.Ticket($"b{i}", 50 + (i * 3), caller: "c" + i)).ToArray();

        Assert.Empty(new RuntimeHarness(Pack("{ type: tumbling, size: 1h }")).Feed(events).Output.Alerts);
    }

    [Fact]
    public void Hopping_window_catches_a_burst_across_a_tumbling_boundary()
    {
        var events = Burst(40).Select((e, i) => RuntimeHarness.Ticket($"b{i}", 50 + (i * 3), caller: "c" + i)).ToArray();

        var harness = new RuntimeHarness(Pack("{ type: hopping, size: 1h, hop: 15m }")).Feed(events);

        Assert.NotEmpty(harness.Output.Alerts);
        Assert.Equal(harness.Output.Alerts.Count, harness.Output.Alerts.Select(a => a.Id).Distinct().Count());
    }

    [Fact]
    public void Sum_avg_min_max_aggregates_over_utility_readings()
    {
        const string pack = """
            pack: utility
            rules:
              - id: water.heavy
                kind: threshold
                source: utility
                where: kind == 'water'
                key: dwelling_id
                window: { type: tumbling, size: 1d }
                aggregate: { total: sum(value), mean: avg(value), low: min(value), high: max(value), n: count() }
                having: total > 10 && n >= 3
                alert: { title: "{dwelling_id} {total} {mean} {low} {high}" }
            """;
        CityEvent Reading(string id, double minutes, double value) =>
            TestEvents.Make("utility", ("id", id), ("ts", TestEvents.T0 + RuntimeHarness.Min(minutes)), ("dwelling_id", "d1"), ("kind", "water"), ("value", value));

        var harness = new RuntimeHarness(pack).Feed(Reading("a", 0, 2), Reading("b", 60, 3), Reading("c", 120, 6.5));

        Assert.Equal("d1 11.5 3.83 2 6.5", Assert.Single(harness.Output.Alerts).Title);
    }

    [Fact]
    public void Events_kept_in_a_window_hold_only_the_fields_its_alerts_can_read()
    {
        var ticket = RuntimeHarness.Ticket("t1", 0, caller: "a");
        var hotline = TestEvents.Source("hotline");

        new RuntimeHarness(Pack("1h")).Feed(ticket);

        Assert.True(ticket.Has(hotline.Field("caller_id")!), "distinct(caller_id) still needs the caller");
        Assert.True(ticket.Has(hotline.Field("grid")!));
        Assert.Equal("t1", ticket.Id);
        Assert.False(ticket.Has(hotline.Field("subject")!), "nothing reads the subject any more");
    }

    [Fact]
    public void Restart_in_the_middle_of_a_window_gives_the_same_alert()
    {
        var burst = Burst(0);
        var uninterrupted = new RuntimeHarness(Pack("{ type: tumbling, size: 1h }")).Feed(burst).Output.Alerts;
        var store = new MemoryStateStore();

        var restarted = new RuntimeHarness(Pack("{ type: tumbling, size: 1h }")).Feed(burst[..3]).Restart(store).Feed(burst[3..]);

        Assert.Equal(uninterrupted.Select(a => (a.Id, a.Title, a.Evidence.Count)), restarted.Output.Alerts.Select(a => (a.Id, a.Title, a.Evidence.Count)));
    }

    [Fact]
    public void Restart_of_a_sliding_window_keeps_its_events()
    {
        var burst = Burst(0);
        var store = new MemoryStateStore();

        var restarted = new RuntimeHarness(Pack("1h")).Feed(burst[..4]).Restart(store).Feed(burst[4]);

        Assert.Equal("G0101: 5 tickets from 3 callers", Assert.Single(restarted.Output.Alerts).Title);
    }

    [Fact]
    public void A_window_checkpointed_in_the_earlier_longer_format_still_restores()
    {
        var burst = Burst(0);
        var pack = Pack("{ type: tumbling, size: 1h }");
        var uninterrupted = new RuntimeHarness(pack).Feed(burst).Output.Alerts;
        var compact = new MemoryStateStore();
        var harness = new RuntimeHarness(pack).Feed(burst[..3]);
        harness.Runtime.Checkpoint(compact);

        // The format before this one named the source and row of every kept event, wrote "fired": false and the sum, min and max
        // of count() aggregates.
        var earlier = new MemoryStateStore();
        var rewritten = 0;
        foreach (var (key, value) in compact.ReadAll())
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(value)!;
            foreach (var (_, window) in node["v"]?.AsObject() ?? [])
            {
                if (window is not System.Text.Json.Nodes.JsonObject { } w || w["ev"] is not System.Text.Json.Nodes.JsonArray evidence)
                {
                    continue;
                }

                Assert.Null(w["fired"]);
                w["fired"] = false;
                var tickets = w["a"]![0]!.AsArray();
                Assert.Single(tickets);
                tickets.Add(0);
                tickets.Add(0);
                tickets.Add(0);
                foreach (var item in evidence)
                {
                    Assert.Null(item!["s"]);
                    item["s"] = "hotline";
                    item["r"] = 0;
                }

                rewritten++;
            }

            earlier.Put(key, System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()));
        }

        Assert.Equal(1, rewritten);
        var output = harness.RestoreFrom(earlier).Feed(burst[3..]).Output;

        Assert.Equal(uninterrupted.Select(a => (a.Id, a.Title, a.Evidence.Count)), output.Alerts.Select(a => (a.Id, a.Title, a.Evidence.Count)));
        Assert.Equal("hotline", output.Alerts[0].Evidence[0].Source);
        Assert.Equal(burst[0].Id, output.Alerts[0].Evidence[0].EventId);
    }

    [Fact]
    public void A_checkpointed_key_the_rule_can_no_longer_read_starts_afresh_instead_of_failing_the_restore()
    {
        var burst = Burst(0);
        var store = new MemoryStateStore();
        var harness = new RuntimeHarness(Pack("{ type: tumbling, size: 1h }")).Feed(burst[..2]);
        harness.Runtime.Checkpoint(store);
        var broken = new MemoryStateStore();
        foreach (var (key, value) in store.ReadAll())
        {
            broken.Put(key, key.EndsWith("G0101", StringComparison.Ordinal) ? "{\"seen\":1,\"v\":{\"x\":7}}"u8.ToArray() : value);
        }

        var evictions = EngineMetrics.StateEvictions.WithLabels("gas.burst", "unreadable_checkpoint").Value;
        var output = harness.RestoreFrom(broken).Feed(burst[2..]).Output;

        Assert.Equal(evictions + 1, EngineMetrics.StateEvictions.WithLabels("gas.burst", "unreadable_checkpoint").Value);
        Assert.Empty(output.Alerts);
    }

    [Fact]
    public void A_key_checkpointed_before_its_rule_reordered_its_aggregates_starts_afresh()
    {
        var burst = Burst(0);
        var store = new MemoryStateStore();
        new RuntimeHarness(Pack("{ type: tumbling, size: 1h }")).Feed(burst[..4]).Runtime.Checkpoint(store);
        var reordered = Pack("{ type: tumbling, size: 1h }").Replace("{ tickets: count(), callers: distinct(caller_id) }", "{ callers: distinct(caller_id), tickets: count() }", StringComparison.Ordinal);

        var evictions = EngineMetrics.StateEvictions.WithLabels("gas.burst", "unreadable_checkpoint").Value;
        var output = new RuntimeHarness(reordered).RestoreFrom(store).Feed(burst[4..]).Output;

        Assert.Equal(evictions + 1, EngineMetrics.StateEvictions.WithLabels("gas.burst", "unreadable_checkpoint").Value);
        Assert.Empty(output.Alerts);
    }
}
