using CityStream.Connectors.Kafka;
using CityStream.Connectors.Redis;
using CityStream.Connectors.Simulator;
using CityStream.Engine;
using CityStream.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace CityStream.IntegrationTests.Kafka;

[Collection(SharedServices.Name)]
public sealed class SimulatedCityTests(KafkaFixture kafka, RedisFixture redis)
{
    private static SimulatorOptions SmallCity() => new()
    {
        Seed = 11,
        EventsPerDay = 40_000,
        Duration = TimeSpan.FromHours(3),
        MalformedRate = 0.01,
        BatchSize = 50,
    };

    [SkippableFact]
    public async Task Simulated_city_through_kafka_and_the_kafka_host_gives_alerts_in_warning_topics_and_redis_and_counts_reconcile()
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var prefix = KafkaFixture.NewTopicPrefix();
        var rules = KafkaHostRun.ShippedRules;
        var (eventsIn, malformedRecords) = ExpectedInput(new CitySimulator(SmallCity()), prefix);
        await SimulatorOutputs.WriteKafkaAsync(new CitySimulator(SmallCity()), kafka.BootstrapServers, 2, CancellationToken.None, topicName: t => prefix + t);
        await using var redisSink = redis.Available
            ? await RedisAlertSink.ConnectAsync(new RedisSinkOptions { Configuration = redis.Configuration, KeyPrefix = prefix }, CancellationToken.None)
            : null;

        await using (var host = new KafkaHost(KafkaHostRun.Options(kafka, prefix), rules, redisSink is null ? [] : [redisSink]))
        {
            await host.StartAsync(CancellationToken.None);
            await KafkaHostRun.WaitForEventsAsync(host, eventsIn);
            await host.StopAsync();
            Assert.Equal(eventsIn, host.EventsIn);
            Assert.Equal(host.EventsIn, host.EventsProcessed + host.DeadLettered);
            Assert.True(host.DeadLettered >= malformedRecords, $"{malformedRecords} malformed records, {host.DeadLettered} dead letters");
            Assert.True(host.AlertsEmitted > 0, "a simulated city raises alerts");
        }

        var alerts = await KafkaHostRun.ReadWarningsAsync(kafka, prefix, rules);
        Assert.NotEmpty(alerts);
        var letters = await kafka.ConsumeAllAsync(prefix + "city.dlq", KafkaHostRun.ReadTimeout);
        Assert.All(letters, l => Assert.False(string.IsNullOrEmpty(l.Header(DeadLetterHeaders.Reason))));

        if (redisSink is not null)
        {
            await using var reader = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
            var db = reader.GetDatabase();
            foreach (var pack in alerts.GroupBy(a => a.Pack))
            {
                Assert.Equal(pack.Select(a => a.Id).Distinct().Count(), await db.StreamLengthAsync(prefix + "alerts:" + pack.Key));
            }
        }
    }

    /// <summary>What the host will count as read for this run: the same decoder over the same records (a corrupted batch is one dead letter, not its rows).</summary>
    private static (long EventsIn, long MalformedRecords) ExpectedInput(CitySimulator simulator, string prefix)
    {
        var decoded = new DecodedBatch();
        long eventsIn = 0, malformed = 0;
        foreach (var record in simulator.Generate())
        {
            var schema = SchemaRegistry.Default.ByTopic(record.Topic) ?? throw new InvalidDataException("simulated topic " + record.Topic);
            decoded.Clear();
            EventCodec.Decode(schema, record.Value, record.ContentType, new EventOrigin(prefix + record.Topic, 0, 0), decoded);
            eventsIn += decoded.Events.Count + decoded.DeadLetters.Count;
            malformed += record.Malformed ? 1 : 0;
        }

        return (eventsIn, malformed);
    }
}
