using CityStream.Engine;

namespace CityStream.Engine.Tests.Runtime;

public sealed class InProcessHostTests
{
    private const string Pack = """
        pack: fire
        rules:
          - id: video.smoke
            kind: match
            source: video_alert
            where: alert_type == 'smoke'
            alert: { title: "smoke {camera_id}" }
        """;

    [Fact]
    public async Task Counts_reconcile_and_every_bad_record_reaches_the_dead_letter_sink()
    {
        var sink = new MemorySink();
        var letters = new MemoryDeadLetters();
        var host = new InProcessHost(new RuleRuntime(RuleSet.FromYaml([("p.yaml", Pack)]).RuleSet!), [sink], letters);
        var records = new List<InputRecord>
        {
            TestEvents.Record(TestEvents.Smoke("v1", TestEvents.T0), 0),
            TestEvents.Json("city.video-alert", 1, "{broken"),
            TestEvents.Json("city.video-alert", 2, """{"id":"x","ts":1}"""),
            TestEvents.Json("city.nowhere", 3, "{}"),
            TestEvents.Record(TestEvents.Smoke("v2", TestEvents.T0 + 1, camera: "cam-2", type: "crowd"), 4),
        };

        await host.ProcessAsync(records, CancellationToken.None);

        Assert.Equal(5, host.EventsIn);
        Assert.Equal(2, host.EventsProcessed);
        Assert.Equal(3, host.DeadLettered);
        Assert.Equal(host.EventsIn, host.EventsProcessed + host.DeadLettered);
        Assert.Equal(["malformed_json", "schema_violation", "unknown_source"], letters.Letters.Select(l => l.Reason).Order(StringComparer.Ordinal));
        Assert.Equal("smoke cam-1", Assert.Single(sink.Alerts).Title);
    }

    [Fact]
    public async Task Failing_sink_is_retried_until_it_takes_the_alerts()
    {
        var sink = new MemorySink { FailuresLeft = 2 };
        var host = new InProcessHost(new RuleRuntime(RuleSet.FromYaml([("p.yaml", Pack)]).RuleSet!), [sink], null);

        await host.ProcessAsync([TestEvents.Record(TestEvents.Smoke("v1", TestEvents.T0), 0)], CancellationToken.None);

        Assert.Equal(0, sink.FailuresLeft);
        Assert.Single(sink.Alerts);
    }

    private sealed class MemorySink : IAlertSink
    {
        public List<Alert> Alerts { get; } = [];

        public int FailuresLeft { get; set; }

        public string Name => "memory";

        public ValueTask WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
        {
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new IOException("sink down");
            }

            Alerts.AddRange(alerts);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class MemoryDeadLetters : IDeadLetterSink
    {
        public List<DeadLetter> Letters { get; } = [];

        public ValueTask WriteAsync(IReadOnlyList<DeadLetter> deadLetters, CancellationToken cancellationToken)
        {
            Letters.AddRange(deadLetters);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

public sealed class EmitTimeTests
{
    [Fact]
    public void Alerts_on_the_system_clock_carry_the_current_wall_clock_time()
    {
        var rules = RuleSet.FromYaml([("p.yaml", "pack: p\nrules:\n  - id: r\n    kind: match\n    source: video_alert\n    alert: { title: t }\n")]).RuleSet!;
        var runtime = new RuleRuntime(rules);
        var output = new RuntimeOutput();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var evt = TestEvents.Smoke("v1", TestEvents.T0);
        evt.Origin = new EventOrigin("city.video-alert", 0, 0);
        runtime.Process(evt, output);

        var emitted = Assert.Single(output.Alerts).EmitTime;
        Assert.InRange(emitted, before - 50, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 50);
    }
}
