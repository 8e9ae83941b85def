using CityStream.Connectors.Kafka;
using CityStream.Engine;
using CityStream.IntegrationTests.Infrastructure;
using Confluent.Kafka;

namespace CityStream.IntegrationTests.Kafka;

[Collection(SharedServices.Name)]
public sealed class KafkaAlertSinkTests(KafkaFixture kafka)
{
    private const int Partitions = 3;

    [SkippableFact]
    public async Task Alerts_produced_through_librdkafka_directly_arrive_as_the_client_would_write_them()
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var native = KafkaFixture.NewTopicPrefix();
        var client = KafkaFixture.NewTopicPrefix();
        var alerts = Alerts(200, "hotline");
        alerts.AddRange(Alerts(50, "hazmat"));

        await using (var sink = await SinkAsync(native, produceNatively: true, "hotline", "hazmat"))
        {
            Assert.Null(sink.NativeUnavailable);
            await sink.WriteAsync(alerts, CancellationToken.None);
        }

        await using (var sink = await SinkAsync(client, produceNatively: false, "hotline", "hazmat"))
        {
            Assert.NotNull(sink.NativeUnavailable);
            await sink.WriteAsync(alerts, CancellationToken.None);
        }

        foreach (var pack in new[] { "hotline", "hazmat" })
        {
            var fromNative = await kafka.ConsumeAllAsync(native + Alert.TopicFor(pack), TimeSpan.FromSeconds(30));
            var fromClient = await kafka.ConsumeAllAsync(client + Alert.TopicFor(pack), TimeSpan.FromSeconds(30));
            var expected = alerts.Where(a => a.Pack == pack).ToDictionary(a => a.Id, StringComparer.Ordinal);
            Assert.Equal(expected.Count, fromNative.Count);
            Assert.Equal(expected.Count, fromClient.Count);
            var clientPartition = fromClient.ToDictionary(r => r.Key!, r => r.Partition, StringComparer.Ordinal);
            foreach (var record in fromNative)
            {
                var alert = expected[record.Key!];
                Assert.Equal(AlertJson.SerializeToUtf8Bytes(alert), record.Value);
                Assert.Equal(alert.Title, AlertJson.Deserialize(record.Value)!.Title);
                Assert.Equal(ContentTypes.Json, record.Header(ContentTypes.HeaderName));
                Assert.Single(record.Headers);
                Assert.Equal(clientPartition[record.Key!], record.Partition);
            }
        }
    }

    [SkippableFact]
    public async Task An_alert_librdkafka_refuses_fails_the_write_and_the_rest_of_the_batch_still_completes()
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var prefix = KafkaFixture.NewTopicPrefix();
        var alerts = Alerts(3, "hotline");
        // Past the producer's message.max.bytes (1,000,000): librdkafka refuses it when it is produced.
        alerts.Insert(1, alerts[0] with { Id = "too-large", Message = new string('x', 1_100_000) });
        await using var sink = await SinkAsync(prefix, produceNatively: true, "hotline");
        Assert.Null(sink.NativeUnavailable);

        var failure = await Assert.ThrowsAsync<KafkaException>(async () => await sink.WriteAsync(alerts, CancellationToken.None));
        Assert.Equal(ErrorCode.MsgSizeTooLarge, failure.Error.Code);

        await sink.WriteAsync(alerts.Where(a => a.Id != "too-large").ToList(), CancellationToken.None);
        var written = await kafka.ConsumeAllAsync(prefix + Alert.TopicFor("hotline"), TimeSpan.FromSeconds(30));
        Assert.Equal(["a-hotline-0", "a-hotline-1", "a-hotline-2"], written.Select(r => r.Key!).Distinct().Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task A_write_waits_for_the_broker_and_fails_when_the_alert_cannot_be_delivered()
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var prefix = KafkaFixture.NewTopicPrefix();
        // The topic exists with a maximum message size below the second alert's: the broker rejects its batch, and the delivery report says so.
        await kafka.CreateTopicsAsync([prefix + Alert.TopicFor("hotline")], Partitions, new Dictionary<string, string> { ["max.message.bytes"] = "600" });
        await using var sink = new KafkaAlertSink(kafka.BootstrapServers, prefix);
        Assert.Null(sink.NativeUnavailable);
        var alerts = Alerts(2, "hotline");
        // Random text, so that lz4 cannot shrink the batch under the topic's limit.
        alerts[1] = alerts[1] with { Message = Convert.ToBase64String(new Random(7).GetItems<byte>([.. Enumerable.Range(0, 256).Select(b => (byte)b)], 6_000)) };

        var failure = await Assert.ThrowsAsync<KafkaException>(async () => await sink.WriteAsync(alerts, CancellationToken.None));
        Assert.Equal(ErrorCode.MsgSizeTooLarge, failure.Error.Code);
    }

    [SkippableFact]
    public async Task Alerts_for_a_topic_the_broker_refuses_fail_each_write_and_the_sink_goes_on()
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        // Not a legal topic name: the first write fails when the broker answers (invalid topic), later ones at once, when librdkafka's
        // partitioner refuses the message (unknown topic) and the sink frees the message's header list itself.
        await using var sink = new KafkaAlertSink(kafka.BootstrapServers, "bad topic!" + Guid.NewGuid().ToString("N") + ".", produceNatively: true);
        Assert.Null(sink.NativeUnavailable);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await Assert.ThrowsAnyAsync<KafkaException>(async () => await sink.WriteAsync(Alerts(2, "hotline"), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(60)));
        }

        var prefix = KafkaFixture.NewTopicPrefix();
        await using var good = await SinkAsync(prefix, produceNatively: true, "hotline");
        await good.WriteAsync(Alerts(2, "hotline"), CancellationToken.None);
        Assert.Equal(2, (await kafka.ConsumeAllAsync(prefix + Alert.TopicFor("hotline"), TimeSpan.FromSeconds(30))).Count);
    }

    [Fact]
    public async Task A_write_still_waiting_when_the_sink_is_disposed_fails_instead_of_waiting_forever()
    {
        // No broker listens on port 1: the alerts stay queued in librdkafka.
        var sink = new KafkaAlertSink("127.0.0.1:1", KafkaFixture.NewTopicPrefix(), produceNatively: true) { DisposeFlushTimeout = TimeSpan.FromMilliseconds(300) };
        Assert.Null(sink.NativeUnavailable);
        var write = sink.WriteAsync(Alerts(3, "hotline"), CancellationToken.None).AsTask();
        await Task.Delay(200);
        Assert.False(write.IsCompleted);

        await sink.DisposeAsync();
        await sink.DisposeAsync();

        var failure = await Assert.ThrowsAsync<KafkaException>(() => write.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(ErrorCode.Local_PurgeQueue, failure.Error.Code);
    }

    private async Task<KafkaAlertSink> SinkAsync(string prefix, bool produceNatively, params string[] packs)
    {
        await kafka.CreateTopicsAsync(packs.Select(p => prefix + Alert.TopicFor(p)), Partitions);
        return new KafkaAlertSink(kafka.BootstrapServers, prefix, produceNatively);
    }

    private static List<Alert> Alerts(int count, string pack) =>
        [.. Enumerable.Range(0, count).Select(i => new Alert
        {
            Id = $"a-{pack}-{i}",
            Rule = "burst",
            Pack = pack,
            Severity = "high",
            Title = $"投诉激增 {i}",
            Message = $"网格 {i % 7} 一小时内 {i} 件投诉 \"quoted\"",
            Key = $"grid-{i % 7}",
            FirstEventTime = 1_700_000_000_000 + i,
            LastEventTime = 1_700_000_060_000 + i,
            EmitTime = 1_700_000_061_000 + i,
            District = "高新区",
            Evidence = [],
            Labels = new Dictionary<string, string> { ["team"] = "grid" },
        })];
}
