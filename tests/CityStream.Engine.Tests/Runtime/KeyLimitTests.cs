namespace CityStream.Engine.Tests.Runtime;

public sealed class KeyLimitTests
{
    private const string Pack = """
        pack: hotline
        rules:
          - id: grid.pair
            kind: threshold
            source: hotline
            key: grid
            max_keys: 10
            window: { type: tumbling, size: 1h }
            aggregate: { tickets: count() }
            having: tickets >= 2
            alert: { title: "{grid}: {tickets} tickets" }
        """;

    [Fact]
    public void Past_the_key_limit_the_least_recently_touched_key_goes_and_the_new_key_stays()
    {
        var harness = new RuntimeHarness(Pack);
        for (var i = 0; i < 10; i++)
        {
            harness.Feed(RuntimeHarness.Ticket($"t{i}", i, grid: $"G{i}"));
        }

        harness.Feed(RuntimeHarness.Ticket("t10a", 10, grid: "G10"), RuntimeHarness.Ticket("t10b", 11, grid: "G10"));
        Assert.Equal(["G10"], harness.Output.Alerts.Select(a => a.Key));

        harness.Feed(RuntimeHarness.Ticket("t1b", 12, grid: "G1"), RuntimeHarness.Ticket("t0b", 13, grid: "G0"));

        // G0, touched least recently, was evicted with its first ticket; G1 kept its own.
        Assert.Equal(["G10", "G1"], harness.Output.Alerts.Select(a => a.Key));
    }
}
