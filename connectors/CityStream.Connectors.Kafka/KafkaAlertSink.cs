using System.Collections.Concurrent;
using System.Text;
using CityStream.Connectors.Kafka.Internal;
using CityStream.Engine;
using Confluent.Kafka;

namespace CityStream.Connectors.Kafka;

/// <summary>
/// Produces each alert, as the JSON of <c>schemas/alert.schema.json</c>, to <c>{prefix}warnings.&lt;pack&gt;</c>, keyed by the
/// alert id and with the header <c>content-type: application/json</c>. The producer is idempotent (acks=all) and partitions
/// with <c>murmur2_random</c>; the warning topics are compacted by alert id, so writing an alert twice leaves one alert.
/// <see cref="WriteAsync"/> returns when the broker has every alert of the batch. Thread-safe.
/// </summary>
public sealed class KafkaAlertSink : IAlertSink
{
    // One instance for every alert: the client only reads a message's headers (copying them into librdkafka), and nothing here changes it.
    private static readonly Headers JsonContentType = new() { { ContentTypes.HeaderName, Encoding.UTF8.GetBytes(ContentTypes.Json) } };
    private readonly IProducer<string, byte[]> _producer;
    private readonly ConcurrentDictionary<string, string> _topicByPack = new(StringComparer.Ordinal);

    /// <summary>Creates a sink.</summary>
    /// <param name="bootstrapServers">Kafka bootstrap servers.</param>
    /// <param name="topicPrefix">Prefix of the warning topics (empty in production).</param>
    public KafkaAlertSink(string bootstrapServers, string topicPrefix = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        TopicPrefix = topicPrefix ?? string.Empty;
        _producer = new ProducerBuilder<string, byte[]>(ProducerSettings.Create(bootstrapServers, "citystream-warnings")).Build();
    }

    /// <summary>Prefix of the warning topics.</summary>
    public string TopicPrefix { get; }

    /// <inheritdoc />
    public string Name => "kafka";

    /// <summary>The topic alerts of a pack go to, with the prefix.</summary>
    public string TopicFor(string pack) => _topicByPack.GetOrAdd(pack, static (p, prefix) => prefix + Alert.TopicFor(p), TopicPrefix);

    /// <inheritdoc />
    public async ValueTask WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (alerts.Count == 0)
        {
            return;
        }

        await BatchDelivery.ProduceAsync(_producer, alerts.Count, i => (TopicFor(alerts[i].Pack), new Message<string, byte[]>
        {
            Key = alerts[i].Id,
            Value = AlertJson.SerializeToUtf8Bytes(alerts[i]),
            Headers = JsonContentType,
        }), cancellationToken).ConfigureAwait(false);
        EngineMetrics.SinkWrites.WithLabels(Name).Inc(alerts.Count);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
        return ValueTask.CompletedTask;
    }
}
