using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace CityStream.Connectors.Kafka.Internal;

/// <summary>
/// A batch of messages acknowledged together: every message carries the batch's GC handle as its opaque value, and the batch
/// completes when the last delivery report arrives (failing with the first delivery error). One handle and one task per batch.
/// </summary>
internal sealed class DeliveryBatch
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private GCHandle _self;

    // One for the writer still adding messages (released by Seal), so the batch cannot complete before the last is added.
    private int _pending = 1;
    private int _error;

    public DeliveryBatch()
    {
        _self = GCHandle.Alloc(this);
        // A writer that gave up on the batch (a produce error, cancellation) no longer awaits it: its late failure is still observed.
        _done.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The opaque value of each message of the batch.</summary>
    public nint Opaque => GCHandle.ToIntPtr(_self);

    /// <summary>Completes when every message added is delivered; faults with the first delivery error.</summary>
    public Task Completion => _done.Task;

    public void AddOne() => Interlocked.Increment(ref _pending);

    /// <summary>A message added but refused by librdkafka: it will get no delivery report.</summary>
    public void DropOne() => Release();

    /// <summary>No more messages will be added.</summary>
    public void Seal() => Release();

    public void Delivered(int error)
    {
        if (error != 0)
        {
            Interlocked.CompareExchange(ref _error, error, 0);
        }

        Release();
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _pending) != 0)
        {
            return;
        }

        _self.Free();
        if (_error != 0)
        {
            _done.TrySetException(new KafkaException(new Error((ErrorCode)_error)));
        }
        else
        {
            _done.TrySetResult();
        }
    }
}
