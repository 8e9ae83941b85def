using Confluent.Kafka;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// Produces a batch of messages and completes once the broker has acknowledged all of them, failing with the first delivery error.
/// </summary>
/// <remarks>
/// Written instead of one <c>ProduceAsync</c> per message: that allocates a task, its completion source and an async state machine
/// per alert, and the host writes an alert per few events with some rules. Here the batch has one completion source and one
/// delivery handler, counted down from librdkafka's delivery thread.
/// </remarks>
internal sealed class BatchDelivery
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pending;
    private Error? _error;

    private BatchDelivery(int count) => _pending = count;

    public static Task ProduceAsync<TKey>(IProducer<TKey, byte[]> producer, int count, Func<int, (string Topic, Message<TKey, byte[]> Message)> message, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return Task.CompletedTask;
        }

        var batch = new BatchDelivery(count);
        Action<DeliveryReport<TKey, byte[]>> handler = batch.OnDelivered;
        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (topic, next) = message(i);
            ProduceWithRoom(producer, topic, next, handler, cancellationToken);
        }

        return batch._done.Task.WaitAsync(cancellationToken);
    }

    private static void ProduceWithRoom<TKey>(IProducer<TKey, byte[]> producer, string topic, Message<TKey, byte[]> message, Action<DeliveryReport<TKey, byte[]>> handler, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, message, handler);
                return;
            }
            catch (ProduceException<TKey, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The producer's queue is full: wait for deliveries to make room, as ProduceAsync would.
                cancellationToken.ThrowIfCancellationRequested();
                producer.Poll(TimeSpan.FromMilliseconds(10));
            }
        }
    }

    private void OnDelivered<TKey>(DeliveryReport<TKey, byte[]> report)
    {
        if (report.Error.IsError)
        {
            Interlocked.CompareExchange(ref _error, report.Error, null);
        }

        if (Interlocked.Decrement(ref _pending) == 0)
        {
            if (_error is { } error)
            {
                _done.TrySetException(new ProduceException<TKey, byte[]>(error, report));
            }
            else
            {
                _done.TrySetResult();
            }
        }
    }
}
