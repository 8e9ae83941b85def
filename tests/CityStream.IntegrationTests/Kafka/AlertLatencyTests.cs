using System.Diagnostics;
using System.Text;
using CityStream.Connectors.Kafka;
using CityStream.Engine;
using CityStream.IntegrationTests.Infrastructure;

namespace CityStream.IntegrationTests.Kafka;

[Collection(SharedServices.Name)]
public sealed class AlertLatencyTests(KafkaFixture kafka)
{
    private const string Pack = """
        pack: fire
        rules:
          - id: video.smoke
            kind: match
            source: video_alert
            where: alert_type == 'smoke'
            key: camera_id
            alert: { title: "smoke {camera_id}" }
        """;

    [SkippableFact]
    public async Task Alerts_reach_the_warning_topic_long_before_a_slow_commit()
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var prefix = KafkaFixture.NewTopicPrefix();
        var rules = RuleSet.FromYaml([("fire.yaml", Pack)]).RuleSet!;
        var options = KafkaHostRun.Options(kafka, prefix);
        options.CommitIntervalMs = 30_000;
        await using var host = new KafkaHost(options, rules, []);
        await host.StartAsync(CancellationToken.None);
        var json = """{"id":"v1","ts":1780000000000,"camera_id":"cam-9","alert_type":"smoke","confidence":0.9}""";

        var clock = Stopwatch.StartNew();
        await kafka.ProduceAsync(prefix + "city.video-alert", [new TestRecord("G0001", Encoding.UTF8.GetBytes(json), ContentTypes.Json)]);
        IReadOnlyList<ConsumedRecord> records = [];
        while (records.Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            records = await kafka.ConsumeAllAsync(prefix + Alert.TopicFor("fire"), TimeSpan.FromSeconds(1));
        }

        Assert.Single(records);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the alert took {clock.Elapsed.TotalSeconds:0.0} s with a 30 s commit interval");
        Assert.Equal("smoke cam-9", AlertJson.Deserialize(records[0].Value)!.Title);
    }
}
