using System.Diagnostics;
using CityStream.Connectors.Kafka;
using CityStream.Engine;
using CityStream.IntegrationTests.Infrastructure;

namespace CityStream.IntegrationTests.Kafka;

/// <summary>Helpers for driving a <see cref="KafkaHost"/> against the test broker: input, waiting, reading alerts back.</summary>
internal static class KafkaHostRun
{
    public static readonly TimeSpan ProcessingTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    private static readonly Lazy<RuleSet> LazyShippedRules = new(LoadShippedRules);

    /// <summary>The packs in the repository's <c>rules/</c>.</summary>
    public static RuleSet ShippedRules => LazyShippedRules.Value;

    public static KafkaHostOptions Options(KafkaFixture kafka, string prefix, KafkaConsumption consumption = KafkaConsumption.Batched) => new()
    {
        Consumption = consumption,
        BootstrapServers = kafka.BootstrapServers,
        ApplicationId = prefix + "app-" + Guid.NewGuid().ToString("N")[..8],
        TopicPrefix = prefix,
        StateDirectory = Path.Combine(Path.GetTempPath(), "citystream-streamiz-tests", prefix),
        CommitIntervalMs = 200,
    };

    /// <summary>Produces every record of the input to its prefixed topic.</summary>
    public static async Task ProduceAsync(KafkaFixture kafka, string prefix, CityInput input)
    {
        foreach (var (topic, records) in input.RecordsByTopic)
        {
            await kafka.ProduceAsync(prefix + topic, records);
        }
    }

    /// <summary>Waits until the host has read <paramref name="events"/> events (it updates the count after the record's sinks have its output).</summary>
    public static async Task WaitForEventsAsync(KafkaHost host, long events)
    {
        var clock = Stopwatch.StartNew();
        while (host.EventsIn < events)
        {
            if (host.Failure is { } failure)
            {
                throw new InvalidOperationException($"the host failed after reading {host.EventsIn} of {events} events: {failure}", failure);
            }

            if (clock.Elapsed > ProcessingTimeout)
            {
                throw new TimeoutException($"the host read {host.EventsIn} of {events} events in {ProcessingTimeout.TotalSeconds} s (processed {host.EventsProcessed}, dead-lettered {host.DeadLettered}, {host.AssignedTasks} tasks assigned: {host.Assignment}; {host.RecordsPolled} records polled, {host.RecordsLeftForNextOwner} left for the next owner)");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Every record of every <c>warnings.&lt;pack&gt;</c> topic of the rules, as alerts, after checking key and header.</summary>
    public static async Task<List<Alert>> ReadWarningsAsync(KafkaFixture kafka, string prefix, RuleSet rules)
    {
        var alerts = new List<Alert>();
        foreach (var pack in rules.Packs)
        {
            var topic = prefix + Alert.TopicFor(pack.Name);
            foreach (var record in await kafka.ConsumeAllAsync(topic, ReadTimeout))
            {
                var alert = AlertJson.Deserialize(record.Value) ?? throw new InvalidDataException($"{topic}@{record.Offset} is not an alert");
                Assert.Equal(alert.Id, record.Key);
                Assert.Equal(ContentTypes.Json, record.Header(ContentTypes.HeaderName));
                Assert.Equal(pack.Name, alert.Pack);
                alerts.Add(alert);
            }
        }

        return alerts;
    }

    private static RuleSet LoadShippedRules()
    {
        var result = RuleSet.Load(IntegrationTests.ShippedRules.RepositoryRoot.Rules);
        return result.RuleSet ?? throw new InvalidOperationException("shipped packs do not compile: " + string.Join("; ", result.Errors));
    }
}
