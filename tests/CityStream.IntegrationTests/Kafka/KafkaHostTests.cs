using CityStream.Connectors.Kafka;
using CityStream.Connectors.Redis;
using CityStream.Engine;
using CityStream.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace CityStream.IntegrationTests.Kafka;

[Collection(SharedServices.Name)]
public sealed class KafkaHostTests(KafkaFixture kafka, RedisFixture redis)
{
    [SkippableFact]
    public async Task City_input_through_the_kafka_host_gives_alerts_in_warning_topics_and_redis()
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var prefix = KafkaFixture.NewTopicPrefix();
        var input = CityInput.Build();
        var rules = KafkaHostRun.ShippedRules;
        await KafkaHostRun.ProduceAsync(kafka, prefix, input);
        await using var redisSink = redis.Available ? await ConnectRedisAsync(prefix) : null;

        await using (var host = new KafkaHost(KafkaHostRun.Options(kafka, prefix), rules, redisSink is null ? [] : [redisSink]))
        {
            await host.StartAsync(CancellationToken.None);
            await KafkaHostRun.WaitForEventsAsync(host, input.Events);
            await host.StopAsync();
            Assert.True(host.AlertsEmitted > 0, "the input has hazmat stops, gas smells, smoke and major events");
        }

        var alerts = await KafkaHostRun.ReadWarningsAsync(kafka, prefix, rules);
        Assert.Contains(alerts, a => a.Rule == "hazmat.stopped");
        Assert.Contains(alerts, a => a.Rule == "hotline.gas-smell");
        Assert.Contains(alerts, a => a.Rule == "video.smoke");
        Assert.Contains(alerts, a => a.Rule == "police.major-event");
        Assert.All(alerts, a => Assert.StartsWith(prefix, a.Evidence[0].Topic, StringComparison.Ordinal));

        if (redisSink is not null)
        {
            await using var reader = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
            var db = reader.GetDatabase();
            foreach (var pack in alerts.GroupBy(a => a.Pack))
            {
                var ids = pack.Select(a => a.Id).ToHashSet();
                Assert.Equal(ids.Count, await db.StreamLengthAsync(prefix + "alerts:" + pack.Key));
                foreach (var id in ids)
                {
                    Assert.True(await db.KeyExistsAsync(prefix + "alert:" + id), $"alert {id} has no hash in Redis");
                }
            }
        }
    }

    [SkippableFact]
    public async Task A_second_host_reprocessing_from_earliest_adds_no_new_alert_id_to_warning_topics_or_redis()
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var prefix = KafkaFixture.NewTopicPrefix();
        var input = CityInput.Build();
        var rules = KafkaHostRun.ShippedRules;
        await KafkaHostRun.ProduceAsync(kafka, prefix, input);

        var first = await RunAsync(prefix, input, rules);
        var firstAlerts = await KafkaHostRun.ReadWarningsAsync(kafka, prefix, rules);
        var firstStreams = await RedisStreamLengthsAsync(prefix, rules);
        var second = await RunAsync(prefix, input, rules);
        var allAlerts = await KafkaHostRun.ReadWarningsAsync(kafka, prefix, rules);

        Assert.True(first > 0);
        Assert.Equal(first, second);
        Assert.Equal(firstAlerts.Count + second, allAlerts.Count);
        Assert.Equal(firstAlerts.Select(a => a.Id).ToHashSet(), allAlerts.Select(a => a.Id).ToHashSet());
        Assert.Equal(firstStreams, await RedisStreamLengthsAsync(prefix, rules));
    }

    [SkippableFact]
    public async Task Events_in_equal_events_processed_plus_dead_lettered()
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var prefix = KafkaFixture.NewTopicPrefix();
        var valid = CityInput.Build(plates: 2);
        var malformed = CityInput.Malformed(10);
        await KafkaHostRun.ProduceAsync(kafka, prefix, valid);
        await KafkaHostRun.ProduceAsync(kafka, prefix, malformed);

        await using var host = new KafkaHost(KafkaHostRun.Options(kafka, prefix), KafkaHostRun.ShippedRules, []);
        await host.StartAsync(CancellationToken.None);
        await KafkaHostRun.WaitForEventsAsync(host, valid.Events + malformed.Events);
        await host.StopAsync();

        Assert.Equal(valid.Events + malformed.Events, host.EventsIn);
        Assert.Equal(host.EventsIn, host.EventsProcessed + host.DeadLettered);
        Assert.Equal(malformed.Events + valid.LateEvents, host.DeadLettered);
        var letters = await kafka.ConsumeAllAsync(prefix + "city.dlq", KafkaHostRun.ReadTimeout);
        Assert.Equal(host.DeadLettered, letters.Count);
        Assert.Contains(letters, l => l.Header(DeadLetterHeaders.Reason) == DeadLetterReasons.Late && l.Header(ContentTypes.HeaderName) == ContentTypes.Json);
    }

    [SkippableTheory]
    [InlineData(KafkaConsumption.Batched, false)]
    [InlineData(KafkaConsumption.Batched, true)]
    [InlineData(KafkaConsumption.Streamiz, false)]
    public async Task Kafka_host_and_in_process_host_give_the_same_alerts_for_the_same_input(KafkaConsumption consumption, bool readThroughClient)
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var prefix = KafkaFixture.NewTopicPrefix();
        var input = CityInput.Build();
        var rules = KafkaHostRun.ShippedRules;

        var captured = new CapturingSink();
        var inProcess = new InProcessHost(new RuleRuntime(rules), [captured], null, topicPrefix: prefix);
        await inProcess.ProcessAsync(input.AsInputRecords(prefix), CancellationToken.None);

        // One partition per topic, so the broker keeps the order the in-process host read.
        await kafka.CreateTopicsAsync(input.RecordsByTopic.Keys.Select(t => prefix + t), partitions: 1);
        await KafkaHostRun.ProduceAsync(kafka, prefix, input);
        var options = KafkaHostRun.Options(kafka, prefix, consumption);
        options.ReadThroughClient = readThroughClient;
        await using (var host = new KafkaHost(options, rules, []))
        {
            await host.StartAsync(CancellationToken.None);
            await KafkaHostRun.WaitForEventsAsync(host, input.Events);
            Assert.Equal(consumption == KafkaConsumption.Batched && !readThroughClient, host.ReadsNatively);
            await host.StopAsync();
            Assert.Equal(inProcess.EventsProcessed, host.EventsProcessed);
            Assert.Equal(inProcess.DeadLettered, host.DeadLettered);
        }

        var fromKafka = (await KafkaHostRun.ReadWarningsAsync(kafka, prefix, rules)).Select(Identity).Order().ToList();
        var fromInProcess = captured.Alerts.Select(Identity).Order().ToList();
        Assert.NotEmpty(fromInProcess);
        Assert.Equal(fromInProcess, fromKafka);
    }

    [SkippableFact]
    public async Task A_batched_host_reading_one_topic_gives_the_in_process_alerts_with_the_topic_in_their_evidence()
    {
        // One source topic: the consumer then has the .NET client skip each record's topic name and timestamp. The hazmat pack reads
        // only GPS, whose records are Arrow batches that decode only by their content-type header, and one JSON record.
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var prefix = KafkaFixture.NewTopicPrefix();
        var input = CityInput.Build();
        var load = RuleSet.Load(Path.Combine(IntegrationTests.ShippedRules.RepositoryRoot.Rules, "hazmat.yaml"));
        Assert.True(load.Succeeded, string.Join("\n", load.Errors));
        var rules = load.RuleSet!;
        var gpsTopic = SchemaRegistry.Default.BySource("vehicle_gps")!.Topic;

        var captured = new CapturingSink();
        var inProcess = new InProcessHost(new RuleRuntime(rules), [captured], null, topicPrefix: prefix);
        await inProcess.ProcessAsync([.. input.AsInputRecords(prefix).Where(r => r.Topic == prefix + gpsTopic)], CancellationToken.None);

        await kafka.CreateTopicsAsync([prefix + gpsTopic], partitions: 2);
        await kafka.ProduceAsync(prefix + gpsTopic, input.RecordsByTopic[gpsTopic]);
        var options = KafkaHostRun.Options(kafka, prefix);
        options.Schemas = new SchemaRegistry([SchemaRegistry.Default.BySource("vehicle_gps")!]);
        await using (var host = new KafkaHost(options, rules, []))
        {
            await host.StartAsync(CancellationToken.None);
            Assert.Equal([prefix + gpsTopic], host.SourceTopics);
            await KafkaHostRun.WaitForEventsAsync(host, input.EventsByTopic[gpsTopic]);
            Assert.True(host.ReadsNatively, "the batch reader opened on the client's librdkafka handle");
            await host.StopAsync();
            Assert.Equal(input.LateEvents, host.DeadLettered);
        }

        var fromKafka = await KafkaHostRun.ReadWarningsAsync(kafka, prefix, rules);
        Assert.NotEmpty(captured.Alerts);
        Assert.Equal(captured.Alerts.Select(Identity).Order(), fromKafka.Select(Identity).Order());
        Assert.All(fromKafka.SelectMany(a => a.Evidence), e => Assert.Equal(prefix + gpsTopic, e.Topic));
    }

    private static string Identity(Alert alert) => string.Join('|', alert.Id, alert.Rule, alert.Key, alert.Severity, alert.Title);

    private async Task<long> RunAsync(string prefix, CityInput input, RuleSet rules)
    {
        await using var redisSink = redis.Available ? await ConnectRedisAsync(prefix) : null;
        await using var host = new KafkaHost(KafkaHostRun.Options(kafka, prefix), rules, redisSink is null ? [] : [redisSink]);
        await host.StartAsync(CancellationToken.None);
        await KafkaHostRun.WaitForEventsAsync(host, input.Events);
        await host.StopAsync();
        return host.AlertsEmitted;
    }

    private async Task<Dictionary<string, long>> RedisStreamLengthsAsync(string prefix, RuleSet rules)
    {
        var lengths = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!redis.Available)
        {
            return lengths;
        }

        await using var reader = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        foreach (var pack in rules.Packs)
        {
            lengths[pack.Name] = await reader.GetDatabase().StreamLengthAsync(prefix + "alerts:" + pack.Name);
        }

        return lengths;
    }

    private Task<RedisAlertSink> ConnectRedisAsync(string prefix) =>
        RedisAlertSink.ConnectAsync(new RedisSinkOptions { Configuration = redis.Configuration, KeyPrefix = prefix }, CancellationToken.None);

    private sealed class CapturingSink : IAlertSink
    {
        public List<Alert> Alerts { get; } = [];

        public string Name => "capture";

        public ValueTask WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
        {
            Alerts.AddRange(alerts);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
