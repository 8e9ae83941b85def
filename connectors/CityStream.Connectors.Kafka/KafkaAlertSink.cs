using System.Buffers;
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
    private static readonly byte[] ContentTypeName = NativeProducer.NullTerminated(ContentTypes.HeaderName);
    private static readonly byte[] JsonContentTypeValue = Encoding.UTF8.GetBytes(ContentTypes.Json);
    private readonly NativeProducer? _native;
    private readonly IProducer<string, byte[]>? _producer;
    private readonly ConcurrentDictionary<string, string> _topicByPack = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>Creates a sink.</summary>
    /// <param name="bootstrapServers">Kafka bootstrap servers.</param>
    /// <param name="topicPrefix">Prefix of the warning topics (empty in production).</param>
    public KafkaAlertSink(string bootstrapServers, string topicPrefix = "")
        : this(bootstrapServers, topicPrefix, produceNatively: true)
    {
    }

    /// <summary>
    /// Creates a sink that produces through librdkafka's C API (<see cref="NativeProducer"/>) when <paramref name="produceNatively"/>
    /// and the client's librdkafka can be found, else through the client's producer.
    /// </summary>
    internal KafkaAlertSink(string bootstrapServers, string topicPrefix, bool produceNatively)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        TopicPrefix = topicPrefix ?? string.Empty;
        var settings = ProducerSettings.Create(bootstrapServers, "citystream-warnings");
        string? whyNot = "not asked for";
        _native = produceNatively ? NativeProducer.TryCreate(settings, out whyNot) : null;
        if (_native is null)
        {
            NativeUnavailable = whyNot;
            _producer = new ProducerBuilder<string, byte[]>(settings).Build();
        }
    }

    /// <summary>Prefix of the warning topics.</summary>
    public string TopicPrefix { get; }

    /// <inheritdoc />
    public string Name => "kafka";

    /// <summary>How long disposing waits for alerts still queued; what is not delivered by then fails its write.</summary>
    internal TimeSpan DisposeFlushTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Why alerts go through the client's producer rather than librdkafka's C API; null when they do not.</summary>
    internal string? NativeUnavailable { get; }

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

        if (_native is not null)
        {
            await ProduceNatively(_native, alerts, cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await BatchDelivery.ProduceAsync(_producer!, alerts.Count, i => (TopicFor(alerts[i].Pack), new Message<string, byte[]>
            {
                Key = alerts[i].Id,
                Value = AlertJson.SerializeToUtf8Bytes(alerts[i]),
                Headers = JsonContentType,
            }), cancellationToken).ConfigureAwait(false);
        }

        EngineMetrics.SinkWrites.WithLabels(Name).Inc(alerts.Count);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        if (_native is not null)
        {
            _native.Dispose(DisposeFlushTimeout);
        }
        else
        {
            _producer!.Flush(DisposeFlushTimeout);
            _producer.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Copies every alert's JSON (written into this thread's reused buffer) and id into librdkafka; one delivery batch.</summary>
    private Task ProduceNatively(NativeProducer native, IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        var batch = new DeliveryBatch();
        var key = ArrayPool<byte>.Shared.Rent(256);
        try
        {
            string? lastPack = null;
            nint topic = 0;
            for (var i = 0; i < alerts.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var alert = alerts[i];
                if (!string.Equals(alert.Pack, lastPack, StringComparison.Ordinal))
                {
                    topic = native.Topic(TopicFor(alert.Pack));
                    lastPack = alert.Pack;
                }

                var keyLength = Encoding.UTF8.GetMaxByteCount(alert.Id.Length);
                if (keyLength > key.Length)
                {
                    ArrayPool<byte>.Shared.Return(key);
                    key = ArrayPool<byte>.Shared.Rent(keyLength);
                }

                keyLength = Encoding.UTF8.GetBytes(alert.Id, key);
                var json = Engine.Internal.AlertJsonWriter.ToThreadBuffer(alert);
                native.Produce(batch, topic, key.AsSpan(0, keyLength), json, ContentTypeName, JsonContentTypeValue, cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(key);
            batch.Seal();
        }

        return batch.Completion;
    }
}
