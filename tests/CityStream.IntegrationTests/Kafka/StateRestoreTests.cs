using CityStream.Connectors.Kafka;
using CityStream.Engine;
using CityStream.IntegrationTests.Infrastructure;

namespace CityStream.IntegrationTests.Kafka;

/// <summary>
/// A Kafka host stopped part-way and a second host with the same application id: the second restores the rule state the first
/// checkpointed (from the changelog topic) and goes on from the committed offsets, so the alerts are those of one uninterrupted run.
/// </summary>
[Collection(SharedServices.Name)]
public sealed class StateRestoreTests(KafkaFixture kafka)
{
    private static readonly long T0 = new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.FromHours(8)).ToUnixTimeMilliseconds();
    private static readonly SchemaRegistry Schemas = SchemaRegistry.Default;

    [SkippableFact]
    public async Task An_absence_opened_before_a_restart_fires_exactly_once_after_it()
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var prefix = await SinglePartitionTopicsAsync();
        var rules = Pack("public-safety.yaml");
        var options = KafkaHostRun.Options(kafka, prefix);
        var police = Schemas.BySource("police_event")!;
        var video = Schemas.BySource("video_alert")!;

        // Host 1 reads the major event that opens the absence (a grid report must follow within 24 h, and may be 24 h late).
        await ProduceAsync(prefix, police, CityInput.Event(police, "pe-1", T0, ("event_class", "mass_incident"), ("major", true), ("grid", "G0412")));
        await RunUntilAsync(options, rules, events: 1);

        // Host 2 sees only a camera event 49 h later: the deadline and the grid reports' lateness have passed.
        await ProduceAsync(prefix, video, CityInput.Event(video, "v-1", T0 + (49 * 3_600_000L), ("camera_id", "cam-1"), ("alert_type", "garbage"), ("confidence", 0.5), ("grid", "G0100")));
        await RunUntilAsync(options, rules, events: 1);

        var alerts = await KafkaHostRun.ReadWarningsAsync(kafka, prefix, rules);
        var unreported = Assert.Single(alerts, a => a.Rule == "police.major-event-unreported");
        Assert.Equal("pe-1", unreported.Key);
        Assert.Single(alerts, a => a.Rule == "police.major-event");
    }

    [SkippableTheory]
    [InlineData(KafkaConsumption.Batched, KafkaConsumption.Batched)]
    [InlineData(KafkaConsumption.Streamiz, KafkaConsumption.Streamiz)]
    [InlineData(KafkaConsumption.Streamiz, KafkaConsumption.Batched)]
    [InlineData(KafkaConsumption.Batched, KafkaConsumption.Streamiz)]
    public async Task Sliding_and_tumbling_windows_split_across_a_restart_give_the_alerts_of_one_run(KafkaConsumption before, KafkaConsumption after)
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var prefix = await SinglePartitionTopicsAsync();
        var rules = Pack("hotline.yaml");
        var hotline = Schemas.BySource("hotline")!;
        (string Category, string Caller, int Minute)[] tickets =
        [
            ("gas_smell", "c1", 0), ("power_outage", "p1", 2), ("gas_smell", "c2", 10), ("power_outage", "p2", 12), ("gas_smell", "c3", 20),
            ("gas_smell", "c1", 30), ("power_outage", "p3", 25), ("gas_smell", "c2", 40), ("gas_smell", "c3", 45),
        ];
        var events = tickets.Select((t, i) => CityInput.Event(hotline, $"t{i}", T0 + (t.Minute * 60_000L),
            ("category", t.Category), ("caller_id", t.Caller), ("grid", "G0412"), ("district", "崇川区"))).ToList();
        var expected = InProcessAlerts(rules, prefix, hotline, events);
        Assert.Contains(expected, a => a.Contains("|hotline.gas-burst|", StringComparison.Ordinal));
        Assert.Contains(expected, a => a.Contains("|hotline.power-outage-cluster|", StringComparison.Ordinal));

        // The restart falls inside both windows: three gas tickets of five, two outage calls of three.
        // Either consumption mode restores the state the other checkpointed: both write the changelog alike.
        var options = KafkaHostRun.Options(kafka, prefix, before);
        await ProduceAsync(prefix, hotline, [.. events.Take(4)]);
        await RunUntilAsync(options, rules, events: 4);
        await ProduceAsync(prefix, hotline, [.. events.Skip(4)]);
        options.Consumption = after;
        await RunUntilAsync(options, rules, events: events.Count - 4);

        var actual = (await KafkaHostRun.ReadWarningsAsync(kafka, prefix, rules)).Select(Identity).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
    }

    private static List<string> InProcessAlerts(RuleSet rules, string prefix, SourceSchema schema, List<CityEvent> events)
    {
        var captured = new List<Alert>();
        var host = new InProcessHost(new RuleRuntime(rules), [new CapturingSink(captured)], null, topicPrefix: prefix);
        var records = events.Select((e, i) => new InputRecord(prefix + schema.Topic, 0, i, EventCodec.ToJson(e), ContentTypes.Json)).ToList();
        host.ProcessAsync(records, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return [.. captured.Select(Identity).Order(StringComparer.Ordinal)];
    }

    private static async Task RunUntilAsync(KafkaHostOptions options, RuleSet rules, long events)
    {
        await using var host = new KafkaHost(options, rules, []);
        await host.StartAsync(CancellationToken.None);
        await KafkaHostRun.WaitForEventsAsync(host, events);
        await host.StopAsync();
        Assert.Equal(events, host.EventsIn);
    }

    private async Task<string> SinglePartitionTopicsAsync()
    {
        // One partition per source: one stream task, whose runtime sees every source, as in-process.
        var prefix = KafkaFixture.NewTopicPrefix();
        await kafka.CreateTopicsAsync(Schemas.Sources.Select(s => prefix + s.Topic), partitions: 1);
        return prefix;
    }

    private Task ProduceAsync(string prefix, SourceSchema schema, params CityEvent[] events) =>
        kafka.ProduceAsync(prefix + schema.Topic, events.Select(e => new TestRecord(null, EventCodec.ToJson(e), ContentTypes.Json)));

    private static RuleSet Pack(string file)
    {
        var path = Path.Combine(ShippedRules.RepositoryRoot.Rules, file);
        var result = RuleSet.FromYaml([(file, File.ReadAllText(path))]);
        return result.RuleSet ?? throw new InvalidOperationException(string.Join("; ", result.Errors));
    }

    private static string Identity(Alert alert) => string.Join('|', alert.Id, alert.Rule, alert.Key, alert.Severity, alert.Title);

    private sealed class CapturingSink(List<Alert> alerts) : IAlertSink
    {
        public string Name => "capture";

        public ValueTask WriteAsync(IReadOnlyList<Alert> batch, CancellationToken cancellationToken)
        {
            alerts.AddRange(batch);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
