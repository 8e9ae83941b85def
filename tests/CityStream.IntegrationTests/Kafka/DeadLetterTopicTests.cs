using CityStream.Connectors.Kafka;
using CityStream.Engine;
using CityStream.IntegrationTests.Infrastructure;

namespace CityStream.IntegrationTests.Kafka;

[Collection(SharedServices.Name)]
public sealed class DeadLetterTopicTests(KafkaFixture kafka)
{
    private static readonly HashSet<string> Reasons =
    [
        DeadLetterReasons.MalformedJson, DeadLetterReasons.MalformedArrow, DeadLetterReasons.SchemaViolation,
        DeadLetterReasons.UnknownContentType, DeadLetterReasons.UnknownSource, DeadLetterReasons.Late,
    ];

    [SkippableFact]
    public async Task Hundred_malformed_records_give_exactly_hundred_dead_letters_with_reasons_and_the_host_keeps_running()
    {
        Skip.IfNot(kafka.Available, kafka.SkipReason);
        var prefix = KafkaFixture.NewTopicPrefix();
        var malformed = CityInput.Malformed(100);
        await KafkaHostRun.ProduceAsync(kafka, prefix, malformed);

        await using var host = new KafkaHost(KafkaHostRun.Options(kafka, prefix), KafkaHostRun.ShippedRules, []);
        await host.StartAsync(CancellationToken.None);
        await KafkaHostRun.WaitForEventsAsync(host, 100);
        Assert.Equal(100, host.DeadLettered);
        Assert.Equal(0, host.EventsProcessed);

        var valid = CityInput.Build(plates: 1, withLateEvent: false);
        await KafkaHostRun.ProduceAsync(kafka, prefix, valid);
        await KafkaHostRun.WaitForEventsAsync(host, 100 + valid.Events);
        await host.StopAsync();
        Assert.Equal(valid.Events, host.EventsProcessed);

        var letters = await kafka.ConsumeAllAsync(prefix + "city.dlq", KafkaHostRun.ReadTimeout);
        Assert.Equal(100, letters.Count);
        var malformedLetters = letters;
        var originals = malformed.RecordsByTopic.ToDictionary(kv => prefix + kv.Key, kv => kv.Value);
        foreach (var letter in malformedLetters)
        {
            Assert.Contains(letter.Header(DeadLetterHeaders.Reason) ?? "(none)", Reasons);
            Assert.False(string.IsNullOrEmpty(letter.Header(DeadLetterHeaders.Detail)));
            var topic = letter.Header(DeadLetterHeaders.Topic)!;
            Assert.Equal(topic, letter.Key);
            var offset = long.Parse(letter.Header(DeadLetterHeaders.Offset)!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(originals[topic], r => r.Value.AsSpan().SequenceEqual(letter.Value));
            Assert.True(offset >= 0);
            var expectedType = topic.EndsWith("vehicle-gps", StringComparison.Ordinal) ? ContentTypes.Arrow : ContentTypes.Json;
            Assert.Equal(expectedType, letter.Header(ContentTypes.HeaderName));
        }

        Assert.Equal(
            [DeadLetterReasons.MalformedArrow, DeadLetterReasons.MalformedJson, DeadLetterReasons.SchemaViolation],
            malformedLetters.Select(l => l.Header(DeadLetterHeaders.Reason)!).Distinct().Order(StringComparer.Ordinal));
    }
}
