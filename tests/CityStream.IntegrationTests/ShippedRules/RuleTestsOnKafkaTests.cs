using CityStream.Connectors.Kafka;
using CityStream.Engine;
using CityStream.Engine.RuleTests.Internal;
using CityStream.IntegrationTests.Infrastructure;
using CityStream.IntegrationTests.Kafka;
using Confluent.Kafka;

namespace CityStream.IntegrationTests.ShippedRules;

/// <summary>
/// The shipped rule tests run through the real broker and the Kafka host give the same alerts as in-process.
/// Tests that drive the virtual clock without events (advance_to, restart) or spread input over several
/// partitions have no Kafka equivalent of their input and are left to the in-process run; a test mixing
/// sources runs only if its events are in time order, because the host merges topics by record timestamp.
/// </summary>
[Collection(SharedServices.Name)]
public sealed class RuleTestsOnKafkaTests(KafkaFixture kafka)
{
    [SkippableFact]
    public async Task Shipped_rule_tests_give_the_same_alerts_through_the_kafka_broker_as_in_process()
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var compared = 0;
        foreach (var file in Directory.EnumerateFiles(RepositoryRoot.Rules, "*.test.yaml").Order(StringComparer.Ordinal))
        {
            var errors = new List<RuleError>();
            var model = TestFileParser.Parse(file, await File.ReadAllTextAsync(file), SchemaRegistry.Default, errors);
            Assert.True(model is not null && errors.Count == 0, string.Join("\n", errors));
            var rules = RuleSet.FromYaml(model!.Packs.Select(p => (p.Path, File.ReadAllText(Path.Combine(RepositoryRoot.Rules, p.Path))))).RuleSet!;
            foreach (var test in model.Tests.Where(RunsOnKafka))
            {
                var expected = TestExecutor.Run(test, rules, SchemaRegistry.Default).Alerts;
                var actual = await RunOnKafkaAsync(test, rules);

                Assert.True(
                    Same(expected).SetEquals(Same(actual)),
                    $"{file}:{test.Line}: {test.Name}\nin-process: {string.Join("; ", Same(expected))}\nkafka:      {string.Join("; ", Same(actual))}");
                compared++;
            }
        }

        Assert.True(compared >= 10, $"only {compared} rule tests could run on Kafka");
    }

    private static bool RunsOnKafka(TestCaseModel test)
    {
        if (test.AdvanceTo is not null || test.Input.Any(i => i is not EventInput))
        {
            return false;
        }

        var events = test.Input.Cast<EventInput>().ToList();
        var inOrder = events.Zip(events.Skip(1)).All(pair => pair.First.At <= pair.Second.At);
        return events.All(e => e.Partition == 0) && (inOrder || events.Select(e => e.Source).Distinct().Count() == 1);
    }

    private static HashSet<string> Same(IEnumerable<Alert> alerts) =>
        [.. alerts.Select(a => $"{a.Id} {a.Rule} {a.Key} {a.Severity} {a.Title}")];

    private async Task<List<Alert>> RunOnKafkaAsync(TestCaseModel test, RuleSet rules)
    {
        var prefix = KafkaFixture.NewTopicPrefix();
        var events = test.Input.Cast<EventInput>().ToList();
        await kafka.CreateTopicsAsync(SchemaRegistry.Default.Sources.Select(s => prefix + s.Topic), partitions: 1);
        using (var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, Acks = Acks.All, EnableIdempotence = true }).Build())
        {
            foreach (var e in events)
            {
                // The record timestamp is the event time, so the host's merge of the source topics follows the test's order.
                await producer.ProduceAsync(new TopicPartition(prefix + e.Source.Topic, 0), new Message<byte[]?, byte[]>
                {
                    Value = e.Json,
                    Timestamp = new Timestamp(e.At, TimestampType.CreateTime),
                    Headers = [new Header(ContentTypes.HeaderName, System.Text.Encoding.UTF8.GetBytes(ContentTypes.Json))],
                });
            }
        }

        await using var host = new KafkaHost(KafkaHostRun.Options(kafka, prefix), rules, []);
        await host.StartAsync(CancellationToken.None);
        await KafkaHostRun.WaitForEventsAsync(host, events.Count);
        await host.StopAsync();
        return await KafkaHostRun.ReadWarningsAsync(kafka, prefix, rules);
    }
}
