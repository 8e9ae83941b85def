using System.Text;
using CityStream.Engine;
using Confluent.Kafka;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// One task's runtime checkpoint kept in the changelog topic alone (no local store): <see cref="Put"/> produces the entry to the task's
/// partition, <see cref="ReadAll"/> returns what <see cref="ReadBack"/> read back from it. The records are those Streamiz writes for
/// the <see cref="RuntimeStateStore"/> (key = the entry's name in UTF-8, value = its bytes, null = deleted) in the same topic, so a host
/// switched between <see cref="KafkaConsumption"/> modes restores the other mode's state.
/// </summary>
internal sealed class ChangelogState : IRuntimeStateStore
{
    private static readonly TimeSpan WatermarkTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RestorePollTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RestoreTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan WatermarkRetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan QueueFullWait = TimeSpan.FromMilliseconds(50);

    private readonly IProducer<byte[], byte[]?> _producer;
    private readonly TopicPartition _partition;
    private readonly Action<DeliveryReport<byte[], byte[]?>> _onDelivery;
    private Dictionary<string, byte[]>? _restored;

    public ChangelogState(IProducer<byte[], byte[]?> producer, TopicPartition partition, Action<DeliveryReport<byte[], byte[]?>> onDelivery)
    {
        _producer = producer;
        _partition = partition;
        _onDelivery = onDelivery;
    }

    public void Put(string key, byte[]? value)
    {
        var message = new Message<byte[], byte[]?> { Key = Encoding.UTF8.GetBytes(key), Value = value };
        while (true)
        {
            try
            {
                _producer.Produce(_partition, message, _onDelivery);
                return;
            }
            catch (ProduceException<byte[], byte[]?> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                // A checkpoint of many keys outruns the producer's queue: let it deliver some, then go on (never drop an entry).
                _producer.Poll(QueueFullWait);
            }
        }
    }

    public IEnumerable<KeyValuePair<string, byte[]>> ReadAll()
    {
        // Read once, at the restore; the runtime keeps its state from then on.
        var entries = _restored ?? [];
        _restored = null;
        return entries;
    }

    /// <summary>Reads the task's changelog partition from its beginning to its end with <paramref name="reader"/> (assigned, never committing), keeping the last value of each key.</summary>
    /// <exception cref="TimeoutException">The partition was not read to its end within five minutes.</exception>
    public void ReadBack(IConsumer<byte[], byte[]?> reader, CancellationToken cancellationToken)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + RestoreTimeout;
        WatermarkOffsets watermarks;
        while (true)
        {
            try
            {
                watermarks = reader.QueryWatermarkOffsets(_partition, WatermarkTimeout);
                break;
            }
            catch (KafkaException ex) when (!ex.Error.IsFatal && DateTime.UtcNow < deadline)
            {
                // A changelog created a moment ago may not be known to every broker yet (unknown partition, no leader): ask again.
                cancellationToken.ThrowIfCancellationRequested();
                Thread.Sleep(WatermarkRetryDelay);
            }
        }

        if (watermarks.High.Value > watermarks.Low.Value)
        {
            reader.Assign(new TopicPartitionOffset(_partition, Offset.Beginning));
            var end = watermarks.High.Value;
            var next = watermarks.Low.Value;
            while (next < end)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"restoring the rule state from {_partition} read up to offset {next} of {end} in {RestoreTimeout.TotalMinutes} min");
                }

                var result = reader.Consume(RestorePollTimeout);
                if (result?.Message is not { } message)
                {
                    continue;
                }

                next = result.Offset.Value + 1;
                var key = Encoding.UTF8.GetString(message.Key);
                if (message.Value is null)
                {
                    entries.Remove(key);
                }
                else
                {
                    entries[key] = message.Value;
                }
            }

            reader.Unassign();
        }

        _restored = entries;
    }
}
