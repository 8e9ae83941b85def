using System.Globalization;
using System.Text;
using CityStream.Connectors.Kafka.Internal;
using CityStream.Engine;
using Confluent.Kafka;

namespace CityStream.Connectors.Kafka;

/// <summary>
/// Produces dead letters to <c>{prefix}city.dlq</c>: the value is the original bytes, the key the source topic, and the headers say
/// why and where from: <c>reason</c>, <c>detail</c>, <c>source</c>, <c>topic</c>, <c>partition</c>, <c>offset</c>, <c>row</c> and
/// <c>content-type</c>. Idempotent producer, acks=all, <c>murmur2_random</c>; <see cref="WriteAsync"/> returns when the broker has
/// every letter. Thread-safe.
/// </summary>
public sealed class KafkaDeadLetterSink : IDeadLetterSink
{
    private readonly IProducer<string, byte[]> _producer;

    /// <summary>Creates a sink.</summary>
    /// <param name="bootstrapServers">Kafka bootstrap servers.</param>
    /// <param name="topicPrefix">Prefix of the topic (empty in production).</param>
    /// <param name="deadLetterTopic">The dead-letter topic before the prefix.</param>
    public KafkaDeadLetterSink(string bootstrapServers, string topicPrefix = "", string deadLetterTopic = "city.dlq")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        ArgumentException.ThrowIfNullOrWhiteSpace(deadLetterTopic);
        Topic = (topicPrefix ?? string.Empty) + deadLetterTopic;
        _producer = new ProducerBuilder<string, byte[]>(ProducerSettings.Create(bootstrapServers, "citystream-dlq")).Build();
    }

    /// <summary>The dead-letter topic, with the prefix.</summary>
    public string Topic { get; }

    /// <summary>Writes dead letters; the <c>content-type</c> header is inferred from each letter (late events are re-encoded as JSON; an Arrow stream is recognised by its marker).</summary>
    public ValueTask WriteAsync(IReadOnlyList<DeadLetter> deadLetters, CancellationToken cancellationToken) =>
        WriteLettersAsync(deadLetters, recordContentTypes: null, cancellationToken);

    /// <summary>
    /// Writes dead letters of several input records; <paramref name="recordContentTypes"/>, parallel to <paramref name="deadLetters"/>,
    /// holds the <c>content-type</c> header of the record each letter came from (null: none, or unknown).
    /// </summary>
    internal async ValueTask WriteLettersAsync(IReadOnlyList<DeadLetter> deadLetters, IReadOnlyList<string?>? recordContentTypes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetters);
        if (deadLetters.Count == 0)
        {
            return;
        }

        await BatchDelivery.ProduceAsync(_producer, deadLetters.Count, i => (Topic, new Message<string, byte[]>
        {
            Key = deadLetters[i].Origin.Topic,
            Value = deadLetters[i].Payload.ToArray(),
            Headers = HeadersOf(deadLetters[i], ContentTypeOf(deadLetters[i], recordContentTypes?[i])),
        }), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
        return ValueTask.CompletedTask;
    }

    private static Headers HeadersOf(DeadLetter letter, string contentType)
    {
        var origin = letter.Origin;
        return new Headers
        {
            { DeadLetterHeaders.Reason, Encoding.UTF8.GetBytes(letter.Reason) },
            { DeadLetterHeaders.Detail, Encoding.UTF8.GetBytes(letter.Detail) },
            { DeadLetterHeaders.Source, Encoding.UTF8.GetBytes(letter.Source) },
            { DeadLetterHeaders.Topic, Encoding.UTF8.GetBytes(origin.Topic) },
            { DeadLetterHeaders.Partition, Encoding.UTF8.GetBytes(origin.Partition.ToString(CultureInfo.InvariantCulture)) },
            { DeadLetterHeaders.Offset, Encoding.UTF8.GetBytes(origin.Offset.ToString(CultureInfo.InvariantCulture)) },
            { DeadLetterHeaders.Row, Encoding.UTF8.GetBytes(origin.Row.ToString(CultureInfo.InvariantCulture)) },
            { ContentTypes.HeaderName, Encoding.UTF8.GetBytes(contentType) },
        };
    }

    private static string ContentTypeOf(DeadLetter letter, string? recordContentType)
    {
        // A late event is re-encoded as one JSON event by the runtime, whatever the record carried.
        if (letter.Reason == DeadLetterReasons.Late)
        {
            return ContentTypes.Json;
        }

        if (recordContentType is not null)
        {
            return recordContentType;
        }

        return letter.Reason == DeadLetterReasons.MalformedArrow || ArrowStreamMarker.IsAtStart(letter.Payload.Span)
            ? ContentTypes.Arrow
            : ContentTypes.Json;
    }
}
